package core

import (
	"sort"
	"strings"
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

// posting is the positions of the messages with one field value, oldest first. Eviction drops
// the oldest message of the store, which is then the first of every list it is in, so dropping is
// a pop at head.
type posting struct {
	pos  []int64
	head int // pos[:head] are evicted, kept until compaction
}

func (p *posting) live() []int64 { return p.pos[p.head:] }

func (p *posting) popFront(pos int64) bool {
	if p.head < len(p.pos) && p.pos[p.head] == pos {
		p.head++
		// Compact once the dead prefix is half the list, so memory follows what is live.
		if p.head > 64 && p.head*2 > len(p.pos) {
			p.pos = append([]int64(nil), p.pos[p.head:]...)
			p.head = 0
		}
		return true
	}
	return false
}

// inboxAgg is what Inboxes reports for one recipient, kept up to date on every add, change and
// eviction so listing inboxes costs the number of inboxes, not the number of messages.
type inboxAgg struct {
	key      inboxKey
	count    int
	unread   int
	channels []channelCount // an inbox sees one or two channels: a slice beats a map per inbox
	last     int64          // position of its newest message
	// evicted is how many of its messages went to keep the store under its cap; it is
	// forgotten with the inbox when its last message goes.
	evicted int
}

type channelCount struct {
	code uint32
	n    int
}

func (in *inboxAgg) addChannel(c uint32) {
	for i := range in.channels {
		if in.channels[i].code == c {
			in.channels[i].n++
			return
		}
	}
	in.channels = append(in.channels, channelCount{c, 1})
}

func (in *inboxAgg) dropChannel(c uint32) {
	for i := range in.channels {
		if in.channels[i].code == c {
			if in.channels[i].n--; in.channels[i].n <= 0 {
				in.channels = append(in.channels[:i], in.channels[i+1:]...)
			}
			return
		}
	}
}

// channelNames lists the inbox's channels, sorted.
func (in *inboxAgg) channelNames(d *dict) []string {
	out := make([]string, 0, len(in.channels))
	for _, c := range in.channels {
		out = append(out, d.names[c.code])
	}
	sort.Strings(out)
	return out
}

// index holds the store's secondary indexes. It is guarded by the store's lock.
type index struct {
	// lists holds, per field, the list of each lower-cased value's code: filters match
	// case-insensitively.
	lists   [fieldCount]map[uint32]*posting
	inboxes map[inboxKey]*inboxAgg
	// timeSorted holds while every message was created no earlier than the one before it; then a
	// Since filter can stop at the first older message. A clock set back turns it off until Reset.
	timeSorted bool
	lastSec    int64
	lastNsec   int32
	// last remembers each field's most recent list: a fan-out's messages share vendor, tenant,
	// role and channel, so most adds skip the map lookup.
	lastKey  [fieldCount]uint32
	lastList [fieldCount]*posting
	textCap  int // TextScanCap; a test lowers it
}

func newIndex() index {
	ix := index{inboxes: map[inboxKey]*inboxAgg{}, timeSorted: true, textCap: TextScanCap}
	for f := range ix.lists {
		ix.lists[f] = map[uint32]*posting{}
	}
	return ix
}

func (ix *index) add(d *dict, r *rec, pos int64) {
	for f, c := range r.f {
		if c == 0 {
			continue
		}
		k := d.lower[c]
		p := ix.lastList[f]
		if p == nil || ix.lastKey[f] != k {
			if p = ix.lists[f][k]; p == nil {
				p = &posting{}
				ix.lists[f][k] = p
			}
			ix.lastKey[f], ix.lastList[f] = k, p
		}
		p.pos = append(p.pos, pos)
	}
	if r.sec < ix.lastSec || r.sec == ix.lastSec && r.nsec < ix.lastNsec {
		ix.timeSorted = false
	}
	ix.lastSec, ix.lastNsec = r.sec, r.nsec
	k := keyOf(r)
	in := ix.inboxes[k]
	if in == nil {
		in = &inboxAgg{key: k}
		ix.inboxes[k] = in
	}
	in.count++
	if !r.seen {
		in.unread++
	}
	in.addChannel(r.f[fieldChannel])
	in.last = pos
}

// drop forgets the record at pos, which must be the oldest message still indexed.
func (ix *index) drop(d *dict, r *rec, pos int64) {
	for f, c := range r.f {
		if c == 0 {
			continue
		}
		k := d.lower[c]
		if p := ix.lists[f][k]; p != nil && p.popFront(pos) && p.head == len(p.pos) {
			delete(ix.lists[f], k)
			if ix.lastList[f] == p {
				ix.lastList[f] = nil
			}
		}
	}
	k := keyOf(r)
	in := ix.inboxes[k]
	if in == nil {
		return
	}
	if in.count--; in.count <= 0 {
		delete(ix.inboxes, k)
		return
	}
	in.evicted++
	if !r.seen {
		in.unread--
	}
	in.dropChannel(r.f[fieldChannel])
}

// evicted is how many messages the inbox k lost to the cap.
func (ix *index) evicted(k inboxKey) int {
	if in := ix.inboxes[k]; in != nil {
		return in.evicted
	}
	return 0
}

// seenChanged keeps the unread count right when an update marks a message seen or unseen.
func (ix *index) seenChanged(old *rec, seen bool) {
	if old.seen == seen {
		return
	}
	if in := ix.inboxes[keyOf(old)]; in != nil {
		if seen {
			in.unread--
		} else {
			in.unread++
		}
	}
}

// query is a Filter with its values turned into dictionary codes (of their lower-cased
// spellings) once, so matching a record compares numbers.
type query struct {
	f          Filter
	vendor     uint32
	tenant     uint32
	recipient  uint32
	recipients []uint32
	roleCode   uint32 // the role filter matches a code or a name: either spelling's code
	channel    uint32
	status     uint32
	since      bool
	sinceSec   int64
	sinceNsec  int32
	text       string // lower-cased
	limit      int
}

// compile resolves f's values; it reports false when some value is in no stored message, so
// nothing can match.
func (s *MemStore) compile(f Filter) (query, bool) {
	q := query{f: f, limit: f.Limit, text: strings.ToLower(f.Text)}
	for _, c := range []struct {
		value string
		dst   *uint32
	}{{f.Vendor, &q.vendor}, {f.Tenant, &q.tenant}, {f.Recipient, &q.recipient}, {f.Role, &q.roleCode}, {f.Channel, &q.channel}, {f.Status, &q.status}} {
		if c.value == "" {
			continue
		}
		code, ok := s.dict.lowerCode(c.value)
		if !ok {
			return q, false
		}
		*c.dst = code
	}
	if len(f.Recipients) > 0 {
		for _, id := range f.Recipients {
			if code, ok := s.dict.lowerCode(id); ok {
				q.recipients = append(q.recipients, code)
			}
		}
		if len(q.recipients) == 0 {
			return q, false
		}
	}
	if !f.Since.IsZero() {
		q.since, q.sinceSec, q.sinceNsec = true, f.Since.Unix(), int32(f.Since.Nanosecond())
	}
	return q, true
}

// match is Filter.Match on a record: the codes of the lower-cased spellings agree, and so do the
// spellings under Unicode case folding, as strings.EqualFold compares them.
func (s *MemStore) match(q *query, r *rec, blob []byte) bool {
	d := &s.dict
	same := func(want uint32, have uint32, value string) bool {
		return d.lower[have] == want && (have == want || strings.EqualFold(value, d.names[have]))
	}
	f := &q.f
	if q.vendor != 0 && !same(q.vendor, r.f[fieldVendor], f.Vendor) ||
		q.tenant != 0 && !same(q.tenant, r.f[fieldTenant], f.Tenant) ||
		q.recipient != 0 && !same(q.recipient, r.f[fieldRecipient], f.Recipient) ||
		q.channel != 0 && !same(q.channel, r.f[fieldChannel], f.Channel) ||
		q.status != 0 && !same(q.status, r.status, f.Status) {
		return false
	}
	if len(q.recipients) > 0 && !containsFold(f.Recipients, d.names[r.f[fieldRecipient]]) {
		return false
	}
	if f.Before != 0 && r.seq >= f.Before {
		return false
	}
	if q.roleCode != 0 && !same(q.roleCode, r.f[fieldRoleCode], f.Role) && !same(q.roleCode, r.f[fieldRoleName], f.Role) {
		return false
	}
	if q.since && (r.sec < q.sinceSec || r.sec == q.sinceSec && r.nsec < q.sinceNsec) {
		return false
	}
	if q.text != "" {
		body, title := textOf(blob)
		if !containsLowered(body, q.text) && !containsLowered(title, q.text) {
			return false
		}
	}
	return true
}

// candidateList is the smallest set of positions, oldest first, that holds every match of a
// query; indexed is false when it is every message.
type candidateList struct {
	pos     []int64
	all     bool // every stored message: positions base … base+n-1, not materialised
	base    int64
	n       int
	indexed bool
}

func (c candidateList) len() int {
	if c.all {
		return c.n
	}
	return len(c.pos)
}

func (c candidateList) at(i int) int64 {
	if c.all {
		return c.base + int64(i)
	}
	return c.pos[i]
}

// candidates returns the smallest list of positions that holds every match of q. The role filter
// matches a code or a name, so its candidates are both lists merged.
func (s *MemStore) candidates(q query) candidateList {
	ix := &s.idx
	best := candidateList{all: true, base: s.base, n: s.ring.n}
	consider := func(list []int64) {
		if !best.indexed || len(list) < len(best.pos) {
			best = candidateList{pos: list, indexed: true}
		}
	}
	for _, c := range []struct {
		field int
		value uint32
	}{{fieldVendor, q.vendor}, {fieldTenant, q.tenant}, {fieldRecipient, q.recipient}, {fieldChannel, q.channel}} {
		if c.value != 0 {
			consider(ix.list(c.field, c.value))
		}
	}
	if len(q.recipients) > 0 {
		// Any of several recipients: their lists merged (ids differing only in case are one list).
		var merged []int64
		seen := map[uint32]bool{}
		for _, code := range q.recipients {
			if !seen[code] {
				seen[code] = true
				merged = mergeSorted(merged, ix.list(fieldRecipient, code))
			}
		}
		consider(merged)
	}
	if q.roleCode != 0 {
		byCode, byName := ix.list(fieldRoleCode, q.roleCode), ix.list(fieldRoleName, q.roleCode)
		switch {
		case len(byName) == 0:
			consider(byCode)
		case len(byCode) == 0:
			consider(byName)
		case !best.indexed || len(byCode)+len(byName) < len(best.pos):
			consider(mergeSorted(byCode, byName))
		}
	}
	return best
}

func (ix *index) list(field int, value uint32) []int64 {
	if p := ix.lists[field][value]; p != nil {
		return p.live()
	}
	return nil
}

// mergeSorted merges two ascending lists of positions, keeping a position in both once.
func mergeSorted(a, b []int64) []int64 {
	out := make([]int64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
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
// either), which the inbox aggregates answer without looking at messages.
func onlyInboxKeys(f Filter) bool {
	return f.Role == "" && f.Channel == "" && f.Status == "" && f.Text == "" && f.Since.IsZero() && f.Before == 0 &&
		len(f.Recipients) == 0
}

// scan calls fn on the position of each candidate, newest first, that matches q, until fn
// returns false. It stops at the first message older than q's Since when messages are in time
// order, and after TextScanCap messages when q searches text.
func (s *MemStore) scan(list candidateList, q query, fn func(pos int64) bool) {
	n := list.len()
	if q.f.Before != 0 {
		// Every list is in Seq order: a page starts below the cursor without a scan.
		n = sort.Search(n, func(i int) bool { return s.at(list.at(i)).seq >= q.f.Before })
	}
	scanned := 0
	for i := n - 1; i >= 0; i-- {
		pos := list.at(i)
		r := s.at(pos)
		if q.since && s.idx.timeSorted && (r.sec < q.sinceSec || r.sec == q.sinceSec && r.nsec < q.sinceNsec) {
			return
		}
		if q.text != "" {
			if scanned++; scanned > s.idx.textCap {
				return
			}
		}
		if s.match(&q, r, s.blobAt(pos)) && !fn(pos) {
			return
		}
	}
}

func (s *MemStore) inboxRows(q query) []*inboxAgg {
	d := &s.dict
	same := func(want, have uint32, value string) bool {
		return want == 0 || d.lower[have] == want && (have == want || strings.EqualFold(value, d.names[have]))
	}
	rows := make([]*inboxAgg, 0, len(s.idx.inboxes))
	for _, in := range s.idx.inboxes {
		if same(q.vendor, in.key[0], q.f.Vendor) && same(q.tenant, in.key[1], q.f.Tenant) && same(q.recipient, in.key[2], q.f.Recipient) {
			rows = append(rows, in)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].last > rows[j].last })
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
