package core

import (
	"sort"
	"strings"
	"time"
)

// TextScanCap bounds a text search (Filter.Text): it looks at no more than this many of the
// newest messages that pass the other filters, so `q=` answers in bounded time however many
// messages are stored. Count with a text filter counts within the same window.
const TextScanCap = 250_000

// Fields a message is indexed by. Values are lower-cased: filters match case-insensitively.
const (
	fieldVendor = iota
	fieldTenant
	fieldRecipient
	fieldRoleCode
	fieldRoleName
	fieldChannel
	fieldCount
)

// posting is the messages with one field value, oldest first. Eviction drops the oldest message
// of the store, which is then the first of every list it is in, so dropping is a pop at head.
type posting struct {
	msgs []*Message
	head int // msgs[:head] are evicted, kept until compaction
}

func (p *posting) live() []*Message { return p.msgs[p.head:] }

func (p *posting) popFront(m *Message) bool {
	if p.head < len(p.msgs) && p.msgs[p.head] == m {
		p.msgs[p.head] = nil
		p.head++
		// Compact once the dead prefix is half the list, so memory follows what is live.
		if p.head > 64 && p.head*2 > len(p.msgs) {
			p.msgs = append([]*Message(nil), p.msgs[p.head:]...)
			p.head = 0
		}
		return true
	}
	return false
}

// inboxAgg is what Inboxes reports for one recipient, kept up to date on every add, change and
// eviction so listing inboxes costs the number of inboxes, not the number of messages.
type inboxAgg struct {
	key      inboxKeyIdx
	count    int
	unread   int
	channels []channelCount // an inbox sees one or two channels: a slice beats a map per inbox
	last     *Message
}

type channelCount struct {
	name string
	n    int
}

func (in *inboxAgg) addChannel(c string) {
	for i := range in.channels {
		if in.channels[i].name == c {
			in.channels[i].n++
			return
		}
	}
	in.channels = append(in.channels, channelCount{c, 1})
}

func (in *inboxAgg) dropChannel(c string) {
	for i := range in.channels {
		if in.channels[i].name == c {
			if in.channels[i].n--; in.channels[i].n <= 0 {
				in.channels = append(in.channels[:i], in.channels[i+1:]...)
			}
			return
		}
	}
}

// channelNames lists the inbox's channels, sorted.
func (in *inboxAgg) channelNames() []string {
	out := make([]string, 0, len(in.channels))
	for _, c := range in.channels {
		out = append(out, c.name)
	}
	sort.Strings(out)
	return out
}

type inboxKeyIdx struct{ vendor, tenant, id string }

// index holds the store's secondary indexes. It is guarded by the store's lock.
type index struct {
	fields  [fieldCount]map[string]*posting
	inboxes map[inboxKeyIdx]*inboxAgg
	// timeSorted holds while every message was created no earlier than the one before it; then a
	// Since filter can stop at the first older message. A clock set back turns it off until Reset.
	timeSorted bool
	lastTime   time.Time
	// last remembers each field's most recent list: a fan-out's messages share vendor, tenant,
	// role and channel, so most adds skip the map lookup.
	lastValue [fieldCount]string
	lastList  [fieldCount]*posting
	textCap   int // TextScanCap; a test lowers it
}

func newIndex() index {
	ix := index{inboxes: map[inboxKeyIdx]*inboxAgg{}, timeSorted: true, textCap: TextScanCap}
	for i := range ix.fields {
		ix.fields[i] = map[string]*posting{}
	}
	return ix
}

func fieldValues(m *Message) [fieldCount]string {
	return [fieldCount]string{
		strings.ToLower(m.Vendor), strings.ToLower(m.Tenant), strings.ToLower(m.Recipient.ID),
		strings.ToLower(m.Recipient.Role), strings.ToLower(m.Recipient.RoleName), strings.ToLower(m.Channel),
	}
}

func (ix *index) add(m *Message) {
	for f, v := range fieldValues(m) {
		if v == "" {
			continue
		}
		p := ix.lastList[f]
		if p == nil || ix.lastValue[f] != v {
			if p = ix.fields[f][v]; p == nil {
				p = &posting{}
				ix.fields[f][v] = p
			}
			ix.lastValue[f], ix.lastList[f] = v, p
		}
		p.msgs = append(p.msgs, m)
	}
	if m.CreatedAt.Before(ix.lastTime) {
		ix.timeSorted = false
	}
	ix.lastTime = m.CreatedAt
	k := inboxKeyIdx{m.Vendor, m.Tenant, m.Recipient.ID}
	in := ix.inboxes[k]
	if in == nil {
		in = &inboxAgg{key: k}
		ix.inboxes[k] = in
	}
	in.count++
	if !m.Seen {
		in.unread++
	}
	in.addChannel(m.Channel)
	in.last = m
}

// drop forgets m, which must be the oldest message still indexed.
func (ix *index) drop(m *Message) {
	for f, v := range fieldValues(m) {
		if p := ix.fields[f][v]; p != nil && p.popFront(m) && p.head == len(p.msgs) {
			delete(ix.fields[f], v)
			if ix.lastList[f] == p {
				ix.lastList[f] = nil
			}
		}
	}
	k := inboxKeyIdx{m.Vendor, m.Tenant, m.Recipient.ID}
	in := ix.inboxes[k]
	if in == nil {
		return
	}
	if in.count--; in.count <= 0 {
		delete(ix.inboxes, k)
		return
	}
	if !m.Seen {
		in.unread--
	}
	in.dropChannel(m.Channel)
}

// seenChanged keeps the unread count right when an update marks m seen or unseen.
func (ix *index) seenChanged(m *Message, wasSeen bool) {
	if m.Seen == wasSeen {
		return
	}
	if in := ix.inboxes[inboxKeyIdx{m.Vendor, m.Tenant, m.Recipient.ID}]; in != nil {
		if m.Seen {
			in.unread--
		} else {
			in.unread++
		}
	}
}

// candidates returns the smallest set of messages, oldest first, that holds every match of f,
// and whether it came from an index (false: it is every message). The role filter matches a
// code or a name, so its candidates are both lists merged.
func (ix *index) candidates(f Filter, all []*Message) ([]*Message, bool) {
	best, indexed := all, false
	consider := func(list []*Message) {
		if !indexed || len(list) < len(best) {
			best, indexed = list, true
		}
	}
	for _, c := range []struct {
		field int
		value string
	}{{fieldVendor, f.Vendor}, {fieldTenant, f.Tenant}, {fieldRecipient, f.Recipient}, {fieldChannel, f.Channel}} {
		if c.value != "" {
			consider(ix.list(c.field, c.value))
		}
	}
	if len(f.Recipients) > 0 {
		// Any of several recipients: their lists merged (a list of ids differing only in case
		// is one list).
		var merged []*Message
		seen := map[string]bool{}
		for _, id := range f.Recipients {
			if low := strings.ToLower(id); !seen[low] {
				seen[low] = true
				merged = mergeBySeq(merged, ix.list(fieldRecipient, low))
			}
		}
		consider(merged)
	}
	if f.Role != "" {
		byCode, byName := ix.list(fieldRoleCode, f.Role), ix.list(fieldRoleName, f.Role)
		switch {
		case len(byName) == 0:
			consider(byCode)
		case len(byCode) == 0:
			consider(byName)
		case !indexed || len(byCode)+len(byName) < len(best):
			consider(mergeBySeq(byCode, byName))
		}
	}
	return best, indexed
}

func (ix *index) list(field int, value string) []*Message {
	if p := ix.fields[field][strings.ToLower(value)]; p != nil {
		return p.live()
	}
	return nil
}

// mergeBySeq merges two lists in Seq order, keeping a message in both once.
func mergeBySeq(a, b []*Message) []*Message {
	out := make([]*Message, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].Seq < b[j].Seq:
			out = append(out, a[i])
			i++
		case a[i].Seq > b[j].Seq:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// onlyInboxKeys reports whether f filters by nothing but vendor, tenant and recipient (no cursor
// either), which the
// inbox aggregates answer without looking at messages.
func onlyInboxKeys(f Filter) bool {
	return f.Role == "" && f.Channel == "" && f.Status == "" && f.Text == "" && f.Since.IsZero() && f.Before == 0 &&
		len(f.Recipients) == 0
}

// scan calls fn on each message of list, newest first, that matches f, until fn returns false.
// It stops at the first message older than f.Since when messages are in time order, and after
// TextScanCap messages when f searches text.
func (ix *index) scan(list []*Message, f Filter, fn func(*Message) bool) {
	if f.Before != 0 {
		// Every list is in Seq order: a page starts below the cursor without a scan.
		list = list[:sort.Search(len(list), func(i int) bool { return list[i].Seq >= f.Before })]
	}
	scanned := 0
	for i := len(list) - 1; i >= 0; i-- {
		m := list[i]
		if !f.Since.IsZero() && ix.timeSorted && m.CreatedAt.Before(f.Since) {
			return
		}
		if f.Text != "" {
			if scanned++; scanned > ix.textCap {
				return
			}
		}
		if f.Match(m) && !fn(m) {
			return
		}
	}
}

func (ix *index) inboxRows(f Filter) []*inboxAgg {
	rows := make([]*inboxAgg, 0, len(ix.inboxes))
	for _, in := range ix.inboxes {
		if f.Vendor != "" && !strings.EqualFold(f.Vendor, in.key.vendor) ||
			f.Tenant != "" && !strings.EqualFold(f.Tenant, in.key.tenant) ||
			f.Recipient != "" && !strings.EqualFold(f.Recipient, in.key.id) {
			continue
		}
		rows = append(rows, in)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].last.Seq > rows[j].last.Seq })
	return rows
}

// containsFoldASCII reports whether s contains q, ignoring ASCII case, without allocating; q
// must be lower-case ASCII.
func containsFoldASCII(s, q string) bool {
	n := len(q)
	if n == 0 {
		return true
	}
	first := q[0]
	upper := first
	if 'a' <= first && first <= 'z' {
		upper = first - 'a' + 'A'
	}
	for i := 0; i+n <= len(s); i++ {
		if c := s[i]; c != first && c != upper {
			continue
		}
		j := 1
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != q[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
