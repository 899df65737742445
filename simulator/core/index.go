package core

import (
	"slices"
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
	head int32 // pos[:head] are evicted, kept until compaction
}

func (p *posting) live() []int64 { return p.pos[p.head:] }

func (p *posting) popFront(pos int64) bool {
	if int(p.head) < len(p.pos) && p.pos[p.head] == pos {
		p.head++
		// Compact once the dead prefix is half the list, so memory follows what is live.
		if p.head > 64 && int(p.head)*2 > len(p.pos) {
			p.pos = append([]int64(nil), p.pos[p.head:]...)
			p.head = 0
		}
		return true
	}
	return false
}

// inboxAgg is what Inboxes reports for one recipient, kept up to date on every add, change and
// eviction so listing inboxes costs the number of inboxes, not the number of messages. It holds
// no pointers: a store keeps a hundred thousand of them in one array, which the collector then
// has no reason to look into.
type inboxAgg struct {
	key    inboxKey
	next   int32 // 1 + the arena index of the next inbox of the same recipient code; 0 ends
	count  int32
	unread int32
	// evicted is how many of its messages went to keep the store under its cap; it is
	// forgotten with the inbox when its last message goes.
	evicted int32
	// An inbox sees one or two channels, kept in place; any more are in an overflow list (more
	// is 1 + its index).
	ch   [2]channelCount
	more int32
	last int64 // position of its newest message
}

type channelCount struct {
	code uint32
	n    int32
}

// overflow holds the channels of inboxes that have seen more than two.
type overflow struct {
	lists [][]channelCount
	free  []int32
}

func (o *overflow) of(in *inboxAgg) *[]channelCount {
	if in.more == 0 {
		if n := len(o.free); n > 0 {
			in.more, o.free = o.free[n-1], o.free[:n-1]
		} else {
			o.lists = append(o.lists, nil)
			in.more = int32(len(o.lists))
		}
	}
	return &o.lists[in.more-1]
}

// release gives back in's overflow list once it is empty.
func (o *overflow) release(in *inboxAgg) {
	if in.more != 0 && len(o.lists[in.more-1]) == 0 {
		o.lists[in.more-1] = nil
		o.free = append(o.free, in.more)
		in.more = 0
	}
}

func (in *inboxAgg) addChannel(c uint32, o *overflow) {
	free := -1
	for i := range in.ch {
		switch {
		case in.ch[i].n > 0 && in.ch[i].code == c:
			in.ch[i].n++
			return
		case in.ch[i].n == 0 && free < 0:
			free = i
		}
	}
	if in.more != 0 {
		more := o.lists[in.more-1]
		for i := range more {
			if more[i].code == c {
				more[i].n++
				return
			}
		}
	}
	if free >= 0 {
		in.ch[free] = channelCount{c, 1}
		return
	}
	more := o.of(in)
	*more = append(*more, channelCount{c, 1})
}

func (in *inboxAgg) dropChannel(c uint32, o *overflow) {
	for i := range in.ch {
		if in.ch[i].n > 0 && in.ch[i].code == c {
			if in.ch[i].n--; in.ch[i].n == 0 && in.more != 0 {
				more := o.of(in)
				in.ch[i], *more = (*more)[0], (*more)[1:]
				o.release(in)
			}
			return
		}
	}
	if in.more == 0 {
		return
	}
	more := o.of(in)
	for i := range *more {
		if (*more)[i].code == c {
			if (*more)[i].n--; (*more)[i].n <= 0 {
				*more = append((*more)[:i], (*more)[i+1:]...)
				o.release(in)
			}
			return
		}
	}
}

// channelNames lists the inbox's channels, sorted.
func (in *inboxAgg) channelNames(d *dict, o *overflow) []string {
	out := make([]string, 0, len(in.ch))
	for _, c := range in.ch {
		if c.n > 0 {
			out = append(out, d.names[c.code])
		}
	}
	if in.more != 0 {
		for _, c := range o.lists[in.more-1] {
			out = append(out, d.names[c.code])
		}
	}
	sort.Strings(out)
	return out
}

// byCode is what the index keeps per dictionary code of a recipient id, in a slice indexed by
// the code rather than in maps: a fan-out to 100,000 users new to the store made a map entry and
// an allocation for each of them in two maps, most of storing it.
type byCode struct {
	list  posting // the messages whose recipient id lower-cased has this code
	inbox int32   // 1 + the arena index of the first inbox whose recipient id is this code; 0: none
}

// index holds the store's secondary indexes. It is guarded by the store's lock.
type index struct {
	// lists holds, per field but the recipient's, the list of each lower-cased value's code:
	// filters match case-insensitively. Recipients' lists are in codes.
	lists [fieldCount]map[uint32]*posting
	codes []byCode
	// inboxes is an arena of inbox summaries, reached from codes; a free one has count 0 and is
	// listed in freeInboxes. Pointers into it last until the next add.
	inboxes     []inboxAgg
	freeInboxes []int32
	nInboxes    int
	overflow    overflow // channels past an inbox's second
	// firsts, while a batch is added, is room for the first position of new recipients' lists.
	firsts []int64
	// timeSorted holds while every message was created no earlier than the one before it; then a
	// Since filter can stop at the first older message. A clock set back turns it off until Reset.
	timeSorted bool
	lastSec    int64
	lastNsec   int32
	// recent remembers each field's most recent lists: a fan-out's messages share vendor, tenant
	// and channel and have a handful of roles, so most adds skip the map lookup.
	recent  [fieldCount]recentLists
	textCap int // TextScanCap; a test lowers it
}

// recentLists is a field's last few lists by code.
type recentLists struct {
	key  [8]uint32
	list [8]*posting
	next int
}

func (rl *recentLists) get(k uint32) *posting {
	for i, p := range rl.list {
		if p != nil && rl.key[i] == k {
			return p
		}
	}
	return nil
}

func (rl *recentLists) put(k uint32, p *posting) {
	rl.key[rl.next], rl.list[rl.next] = k, p
	rl.next = (rl.next + 1) % len(rl.list)
}

func (rl *recentLists) forget(p *posting) {
	for i := range rl.list {
		if rl.list[i] == p {
			rl.list[i] = nil
		}
	}
}

func newIndex() index {
	ix := index{timeSorted: true, textCap: TextScanCap}
	for f := range ix.lists {
		if f != fieldRecipient {
			ix.lists[f] = map[uint32]*posting{}
		}
	}
	return ix
}

// slot is the entry of code c, made when missing.
func (ix *index) slot(c uint32) *byCode {
	if int(c) >= len(ix.codes) {
		ix.reserveCodes(int(c) + 1)
	}
	return &ix.codes[c]
}

// reserveCodes makes room for codes below n, growing the slice by doubling.
func (ix *index) reserveCodes(n int) {
	if n <= len(ix.codes) {
		return
	}
	if n <= cap(ix.codes) {
		ix.codes = ix.codes[:n]
		return
	}
	codes := make([]byCode, n, max(n, 2*cap(ix.codes), 64))
	copy(codes, ix.codes)
	ix.codes = codes
}

// reserve makes room for codes below codes and for n more inboxes, and sets up the positions of
// n recipients' first messages as one allocation (a slice per recipient new to the store was an
// allocation each): a batch of n is about to be added.
func (ix *index) reserve(codes, n int) {
	ix.reserveCodes(codes + 1024) // and the codes of the batch's shared strings
	ix.inboxes = slices.Grow(ix.inboxes, n)
	ix.firsts = make([]int64, n)
}

// recipientList is the list of lower-cased recipient code k, nil when it has none.
func (ix *index) recipientList(k uint32) *posting {
	if int(k) < len(ix.codes) {
		return &ix.codes[k].list
	}
	return nil
}

// inbox is the summary of inbox k, nil when it has none.
func (ix *index) inbox(k inboxKey) *inboxAgg {
	if int(k[2]) >= len(ix.codes) {
		return nil
	}
	for i := ix.codes[k[2]].inbox; i != 0; {
		in := &ix.inboxes[i-1]
		if in.key == k {
			return in
		}
		i = in.next
	}
	return nil
}

// newInbox makes an empty summary for inbox k, which has none.
func (ix *index) newInbox(k inboxKey) *inboxAgg {
	var i int32
	if n := len(ix.freeInboxes); n > 0 {
		i, ix.freeInboxes = ix.freeInboxes[n-1], ix.freeInboxes[:n-1]
	} else {
		ix.inboxes = append(ix.inboxes, inboxAgg{})
		i = int32(len(ix.inboxes))
	}
	c := ix.slot(k[2])
	ix.inboxes[i-1] = inboxAgg{key: k, next: c.inbox}
	c.inbox = i
	ix.nInboxes++
	return &ix.inboxes[i-1]
}

// deleteInbox forgets the summary of inbox k.
func (ix *index) deleteInbox(k inboxKey) {
	c := &ix.codes[k[2]]
	for link := &c.inbox; *link != 0; {
		i := *link
		in := &ix.inboxes[i-1]
		if in.key == k {
			*link = in.next
			if in.more != 0 {
				ix.overflow.lists[in.more-1] = ix.overflow.lists[in.more-1][:0]
				ix.overflow.release(in)
			}
			*in = inboxAgg{}
			ix.freeInboxes = append(ix.freeInboxes, i)
			ix.nInboxes--
			return
		}
		link = &in.next
	}
}

// eachInbox calls fn with every inbox summary.
func (ix *index) eachInbox(fn func(*inboxAgg)) {
	for i := range ix.inboxes {
		if in := &ix.inboxes[i]; in.count > 0 {
			fn(in)
		}
	}
}

func (ix *index) add(d *dict, r *rec, pos int64) {
	for f, c := range r.f {
		ix.addTo(d, f, c, pos)
	}
	ix.addTime(r)
	ix.addInbox(r, pos)
}

// addTo puts pos in the list of code c (its lower-cased spelling's) of field f, and returns the
// list.
func (ix *index) addTo(d *dict, f int, c uint32, pos int64) *posting {
	if c == 0 {
		return nil
	}
	k := d.lower[c]
	if f == fieldRecipient {
		p := &ix.slot(k).list
		if p.pos == nil && len(ix.firsts) > 0 {
			p.pos, ix.firsts = ix.firsts[:1:1], ix.firsts[1:]
			p.pos[0] = pos
		} else {
			p.pos = append(p.pos, pos)
		}
		return p
	}
	p := ix.recent[f].get(k)
	if p == nil {
		if p = ix.lists[f][k]; p == nil {
			p = &posting{}
			ix.lists[f][k] = p
		}
		ix.recent[f].put(k, p)
	}
	p.pos = append(p.pos, pos)
	return p
}

// addRun puts the n positions from first on in the list of code c of field f (not the
// recipient's): the messages of a fan-out share it.
func (ix *index) addRun(d *dict, f int, c uint32, first int64, n int) {
	if c == 0 || n == 0 {
		return
	}
	p := ix.addTo(d, f, c, first)
	p.pos = slices.Grow(p.pos, n-1)
	for i := 1; i < n; i++ {
		p.pos = append(p.pos, first+int64(i))
	}
}

func (ix *index) addTime(r *rec) {
	if r.sec < ix.lastSec || r.sec == ix.lastSec && r.nsec < ix.lastNsec {
		ix.timeSorted = false
	}
	ix.lastSec, ix.lastNsec = r.sec, r.nsec
}

func (ix *index) addInbox(r *rec, pos int64) {
	k := keyOf(r)
	in := ix.inbox(k)
	if in == nil {
		in = ix.newInbox(k)
	}
	in.count++
	if !r.seen {
		in.unread++
	}
	in.addChannel(r.f[fieldChannel], &ix.overflow)
	in.last = pos
}

// drop forgets the record at pos, which must be the oldest message still indexed.
func (ix *index) drop(d *dict, r *rec, pos int64) {
	for f, c := range r.f {
		if c == 0 {
			continue
		}
		k := d.lower[c]
		if f == fieldRecipient {
			if p := ix.recipientList(k); p != nil && p.popFront(pos) && int(p.head) == len(p.pos) {
				*p = posting{}
			}
			continue
		}
		if p := ix.lists[f][k]; p != nil && p.popFront(pos) && int(p.head) == len(p.pos) {
			delete(ix.lists[f], k)
			ix.recent[f].forget(p)
		}
	}
	k := keyOf(r)
	in := ix.inbox(k)
	if in == nil {
		return
	}
	if in.count--; in.count <= 0 {
		ix.deleteInbox(k)
		return
	}
	in.evicted++
	if !r.seen {
		in.unread--
	}
	in.dropChannel(r.f[fieldChannel], &ix.overflow)
}

// evicted is how many messages the inbox k lost to the cap.
func (ix *index) evicted(k inboxKey) int {
	if in := ix.inbox(k); in != nil {
		return int(in.evicted)
	}
	return 0
}

// seenChanged keeps the unread count right when an update marks a message seen or unseen.
func (ix *index) seenChanged(old *rec, seen bool) {
	if old.seen == seen {
		return
	}
	if in := ix.inbox(keyOf(old)); in != nil {
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
	if field == fieldRecipient {
		if p := ix.recipientList(value); p != nil {
			return p.live()
		}
		return nil
	}
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
	rows := make([]*inboxAgg, 0, s.idx.nInboxes)
	s.idx.eachInbox(func(in *inboxAgg) {
		if same(q.vendor, in.key[0], q.f.Vendor) && same(q.tenant, in.key[1], q.f.Tenant) && same(q.recipient, in.key[2], q.f.Recipient) {
			rows = append(rows, in)
		}
	})
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
