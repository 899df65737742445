package core

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// A MemStore keeps each message as a record the garbage collector has no reason to look into: a
// fixed-size rec (no pointers: strings that repeat — vendor, tenant, recipient, roles, channel,
// status, kind, name — are codes into the store's dictionary) and one byte slice (the blob) with
// the rest. At a million stored messages, Message structs with a dozen pointers each made every
// collection walk tens of millions of pointers, which cost throughput and tail latency, and
// needed twice their live size in RSS; records are marked in a few milliseconds.

// rec is the fixed part of a stored message. It holds no pointers.
type rec struct {
	seq  int64
	sec  int64 // CreatedAt
	nsec int32
	loc  uint8 // CreatedAt's location, an index into the store's locations
	seen bool
	// uuid says the id is a canonical UUID, kept in uid rather than in the blob: the blob then
	// holds nothing of one message alone, and a fan-out's messages share one.
	uuid bool
	uid  [16]byte
	// Exact spellings, as dictionary codes, of the indexed fields (fieldVendor … fieldChannel)
	// and of the other repeated strings.
	f                           [fieldCount]uint32
	status, kind, name, address uint32
}

// dict interns the store's repeated strings. Code 0 is "". A code counts the records (and
// history entries) that use it and is freed with the last one, so recipients that come and go
// under --max-messages don't pile up.
type dict struct {
	code  strIndex
	names []string
	lower []uint32 // code → code of its lower-cased spelling
	refs  []int32
	free  []uint32
	// arena, while a batch is added, is room for copies of its new strings.
	arena []byte
	// touched keeps what a batch read ahead of its lookups, so the reads can't be left out.
	touched uint32
}

func newDict() dict {
	return dict{code: newStrIndex(), names: []string{""}, lower: []uint32{0}, refs: []int32{0}}
}

// reserve makes room for n more strings when n is large: a fan-out to 100,000 users new to the
// store otherwise grows the map and slices step by step.
func (d *dict) reserve(n int) {
	if n < 4096 {
		return
	}
	d.code.reserve(d.code.n + n)
	d.names, d.lower, d.refs = slices.Grow(d.names, n), slices.Grow(d.lower, n), slices.Grow(d.refs, n)
}

// intern returns s's code and counts one more use of it; filters can then find it in any case.
func (d *dict) intern(s string) uint32 { return d.add(s, true) }

// internExact is intern for a field no filter reads (a name, an address, a kind): no lower-cased
// spelling is kept for it.
func (d *dict) internExact(s string) uint32 { return d.add(s, false) }

func (d *dict) add(s string, folded bool) uint32 {
	if s == "" { // most names and addresses: no need to hash it
		d.refs[0]++
		return 0
	}
	return d.addHashed(s, d.code.hash(s), folded)
}

// addHashed is add with s's hash already worked out.
func (d *dict) addHashed(s string, h uint32, folded bool) uint32 {
	if c := d.code.find(s, h, d.names); c != 0 {
		return d.use(c, folded)
	}
	s = d.clone(s) // the key must not pin a larger string it was cut from
	var c uint32
	if n := len(d.free); n > 0 {
		c, d.free = d.free[n-1], d.free[:n-1]
		d.names[c], d.lower[c], d.refs[c] = s, c, 1
	} else {
		c = uint32(len(d.names))
		d.names, d.lower, d.refs = append(d.names, s), append(d.lower, c), append(d.refs, 1)
	}
	d.code.insert(h, c)
	if folded {
		d.fold(c)
	}
	return c
}

// clone copies s into the arena a batch set up (one allocation for the strings of a fan-out's
// recipients), or into a string of its own.
func (d *dict) clone(s string) string {
	if len(s) > len(d.arena) {
		return strings.Clone(s)
	}
	b := d.arena[:len(s):len(s)]
	d.arena = d.arena[len(s):]
	copy(b, s)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// use counts one more use of c, a code the dictionary holds.
func (d *dict) use(c uint32, folded bool) uint32 {
	d.refs[c]++
	if folded && d.lower[c] == c {
		d.fold(c)
	}
	return c
}

// fold links c to the code of its lower-cased spelling, which c then holds until it is freed.
func (d *dict) fold(c uint32) {
	if s := d.names[c]; !lowerASCII(s) {
		if low := strings.ToLower(s); low != s {
			d.lower[c] = d.intern(low)
		}
	}
}

// lowerASCII reports whether s is ASCII without an upper-case letter, so lower-casing leaves it
// as it is; checked 8 bytes at a time (a fan-out folds 100,000 ids, nearly all of them so).
func lowerASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A byte of 0x80 or more ends it (w's high bits); so does one from 'A' to 'Z': adding
		// 0x3f sets the high bit of an ASCII byte from 'A' up, adding 0x25 of one past 'Z' (no
		// carry crosses bytes while every byte is ASCII).
		upper := (w + 0x3f*ones) &^ (w + 0x25*ones)
		if (w|upper)&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// release counts one use of c less, freeing it after the last.
func (d *dict) release(c uint32) {
	if c == 0 || int(c) >= len(d.refs) {
		return
	}
	if d.refs[c]--; d.refs[c] > 0 {
		return
	}
	d.code.delete(d.code.hash(d.names[c]), c)
	low := d.lower[c]
	d.names[c], d.lower[c] = "", 0
	d.free = append(d.free, c)
	if low != c {
		d.release(low)
	}
}

// lowerCode is the code of s lower-cased, if any stored string has that spelling.
func (d *dict) lowerCode(s string) (uint32, bool) {
	low := strings.ToLower(s)
	if low == "" {
		return 0, true
	}
	c := d.code.find(low, d.code.hash(low), d.names)
	return c, c != 0
}

// each calls fn with every string the dictionary holds but "", and its code.
func (d *dict) each(fn func(s string, c uint32)) {
	for c, s := range d.names {
		if c != 0 && d.refs[c] > 0 {
			fn(s, uint32(c))
		}
	}
}

// locations remembers the time zones of stored times (usually one or two), so a time comes back
// in the zone it was stored in. It has its own lock: blobs are written outside the store's.
type locations struct {
	mu   sync.RWMutex
	locs []*time.Location
}

func (l *locations) index(loc *time.Location) uint8 {
	l.mu.RLock()
	for i, x := range l.locs {
		if x == loc {
			l.mu.RUnlock()
			return uint8(i)
		}
	}
	l.mu.RUnlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, x := range l.locs {
		if x == loc {
			return uint8(i)
		}
	}
	if len(l.locs) == 255 {
		return 0 // absurdly many zones: the rest come back in the first one, the same instant
	}
	l.locs = append(l.locs, loc)
	return uint8(len(l.locs) - 1)
}

func (l *locations) at(i uint8) *time.Location {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if int(i) < len(l.locs) {
		return l.locs[i]
	}
	return time.UTC
}

// Blob fields, in this order: id, body, title, payload, history (status, time, reason),
// deliverAt, deliveredAt, requestId, and then, to the end, data as JSON. The id is a tag byte,
// followed by the id itself only when it is not a canonical UUID (the record keeps those).
const (
	idInBlob   = 0
	idInRecord = 2 // 1 was a UUID's 16 bytes in the blob, before records held them
)

// encoder caches the JSON of the last Data map written, since a fan-out (and Luma's plain sends)
// share one map among many messages. It has its own lock: blobs are written outside the store's.
type encoder struct {
	mu       sync.Mutex
	lastData map[string]any // held so its address can't be reused by another map
	lastJSON []byte
}

// encodeRec makes the record of m, interning its repeated strings. The store's lock is held.
func (s *MemStore) encodeRec(m *Message) rec {
	r := rec{seq: m.Seq, sec: m.CreatedAt.Unix(), nsec: int32(m.CreatedAt.Nanosecond()), loc: s.locs.index(m.CreatedAt.Location()), seen: m.Seen}
	r.uid, r.uuid = parseUUID(m.ID)
	c := &s.recent
	for f, v := range [fieldCount]string{m.Vendor, m.Tenant, m.Recipient.ID, m.Recipient.Role, m.Recipient.RoleName, m.Channel} {
		r.f[f] = c.intern(&s.dict, f, v, true)
	}
	r.status, r.kind = c.intern(&s.dict, recentStatus, m.Status, true), c.intern(&s.dict, recentKind, m.Kind, false)
	r.name, r.address = s.dict.internExact(m.Recipient.Name), s.dict.internExact(m.Recipient.Address)
	return r
}

// recentCodes remembers the last code interned for each field a fan-out's messages share
// (vendor, tenant, roles, channel, status, kind): the next message with the same string takes
// one more use of the code without hashing it. Interning was a third of storing a 100,000-user
// fan-out. Guarded by the store's lock; cleared with the dictionary.
type recentCodes struct {
	s [recentCount]string
	c [recentCount]uint32
}

const (
	recentStatus = fieldCount + iota
	recentKind
	recentCount
)

func (rc *recentCodes) intern(d *dict, slot int, s string, folded bool) uint32 {
	if c := rc.c[slot]; c != 0 && rc.s[slot] == s && int(c) < len(d.refs) && d.refs[c] > 0 && d.names[c] == s {
		// What add does for a string it knows, without the map lookup.
		d.refs[c]++
		if folded && d.lower[c] == c {
			d.fold(c)
		}
		return c
	}
	c := d.add(s, folded)
	rc.s[slot], rc.c[slot] = d.names[c], c
	return c
}

// encodeBlob writes the rest of m. It needs no store lock, so Add does it before taking one.
func (s *MemStore) encodeBlob(m *Message) []byte { return s.encodeBlobWith(m, nil) }

// encodeBlobWith is encodeBlob with m.Data already encoded (not nil): an update that left the map
// as it was copies its JSON from the old blob instead of encoding the map again.
func (s *MemStore) encodeBlobWith(m *Message, data []byte) []byte {
	size := 64 + len(m.ID) + len(m.Body) + len(m.Title) + len(m.Payload) + len(m.RequestID) + len(data)
	for _, h := range m.History {
		size += 24 + len(h.Status) + len(h.Reason)
	}
	for k, v := range m.Data {
		size += len(k) + 8
		if str, ok := v.(string); ok {
			size += len(str)
		} else {
			size += 24
		}
	}
	b := make([]byte, 0, size)
	if isUUID(m.ID) {
		b = append(b, idInRecord)
	} else {
		b = append(b, idInBlob)
		b = appendString(b, m.ID)
	}
	b = appendString(b, m.Body)
	b = appendString(b, m.Title)
	b = appendOptionalBytes(b, m.Payload)
	b = binary.AppendUvarint(b, uint64(len(m.History)))
	for _, h := range m.History {
		b = appendString(b, h.Status)
		b = s.appendTime(b, h.At)
		b = appendString(b, h.Reason)
	}
	b = s.appendOptionalTime(b, m.DeliverAt)
	b = s.appendOptionalTime(b, m.DeliveredAt)
	b = appendString(b, m.RequestID)
	if data != nil {
		return append(b, data...)
	}
	return s.appendData(b, m.Data) // last, unprefixed: the rest of the blob
}

// appendData writes a Data map as JSON at the end of a blob (nothing for a nil map): the last
// encoding again when the map is the same one (a fan-out's messages, Luma's plain sends share
// one), a flat map without reflection, anything else with json.Marshal.
func (s *MemStore) appendData(b []byte, data map[string]any) []byte {
	if data == nil {
		return b
	}
	e := &s.enc
	e.mu.Lock()
	if e.lastData != nil && reflect.ValueOf(data).UnsafePointer() == reflect.ValueOf(e.lastData).UnsafePointer() {
		enc := e.lastJSON
		e.mu.Unlock()
		return append(b, enc...)
	}
	e.mu.Unlock()
	start := len(b)
	out, ok := appendFlatJSON(b, data)
	if !ok {
		enc, err := json.Marshal(data)
		if err != nil {
			// Data is built by the vendors from JSON values; one that isn't encodable would have
			// failed /_sim/messages before too. Kept as an empty object rather than lost.
			enc = []byte("{}")
		}
		out = append(b[:start], enc...)
	}
	e.mu.Lock()
	e.lastData, e.lastJSON = data, out[start:len(out):len(out)] // a view of this blob, which never changes
	e.mu.Unlock()
	return out
}

// appendFlatJSON encodes a Data map without reflection: its values may be strings, numbers that
// are json.Number or integers, booleans, null, and maps and slices of those (Kore's per-message
// ids, Luminous's template params, header and buttons). It returns false for anything else (a
// float, a struct), which json.Marshal then encodes. Only the store reads it back, so key order
// and HTML escaping don't matter: the value read back is what json.Marshal's would give.
func appendFlatJSON(b []byte, m map[string]any) ([]byte, bool) {
	return appendJSONValue(b, m, 0)
}

// maxEncodeDepth stops a map that holds itself (which json.Marshal refuses too) and absurd nesting.
const maxEncodeDepth = 64

func appendJSONValue(b []byte, v any, depth int) ([]byte, bool) {
	if depth > maxEncodeDepth {
		return nil, false
	}
	switch x := v.(type) {
	case string:
		return AppendJSONString(b, x), true
	case json.Number:
		if !isNumber(string(x)) {
			return nil, false
		}
		return append(b, x...), true
	case bool:
		return strconv.AppendBool(b, x), true
	case nil:
		return append(b, "null"...), true
	case int:
		return strconv.AppendInt(b, int64(x), 10), true
	case int64:
		return strconv.AppendInt(b, x, 10), true
	case json.RawMessage:
		if x == nil {
			return append(b, "null"...), true
		}
		if !json.Valid(x) {
			return nil, false
		}
		return append(b, x...), true
	case map[string]any:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '{')
		first := true
		for k, e := range x {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(AppendJSONString(b, k), ':')
			var ok bool
			if b, ok = appendJSONValue(b, e, depth+1); !ok {
				return nil, false
			}
		}
		return append(b, '}'), true
	case map[string]string:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '{')
		first := true
		for k, e := range x {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = AppendJSONString(append(AppendJSONString(b, k), ':'), e)
		}
		return append(b, '}'), true
	case []any:
		return appendJSONArray(b, x, depth)
	case []string:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONString(b, e)
		}
		return append(b, ']'), true
	case []map[string]any:
		return appendJSONArray(b, x, depth)
	case []json.RawMessage:
		return appendJSONArray(b, x, depth)
	}
	return nil, false
}

func appendJSONArray[T any](b []byte, x []T, depth int) ([]byte, bool) {
	if x == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i, e := range x {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = appendJSONValue(b, e, depth+1); !ok {
			return nil, false
		}
	}
	return append(b, ']'), true
}

func (s *MemStore) appendTime(b []byte, t time.Time) []byte {
	b = binary.AppendVarint(b, t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	return append(b, s.locs.index(t.Location()))
}

func (s *MemStore) appendOptionalTime(b []byte, t *time.Time) []byte {
	if t == nil {
		return append(b, 0)
	}
	return s.appendTime(append(b, 1), *t)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, p []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

// appendOptionalBytes keeps nil and empty apart, as a Message's Payload does.
func appendOptionalBytes(b, p []byte) []byte {
	if p == nil {
		return append(b, 0)
	}
	return appendBytes(append(b, 1), p)
}

// blobReader walks a blob. Blobs are written only by encode, so a malformed one is a bug: the
// reader then yields zero values rather than panic.
type blobReader struct{ b []byte }

func (r *blobReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// varint undoes binary.AppendVarint's zig-zag encoding.
func (r *blobReader) varint() int64 {
	u := r.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (r *blobReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// view returns the next length-prefixed field, sharing the blob's memory.
func (r *blobReader) view() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.b = nil
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// id reads the id a blob holds: "" when the record holds it.
func (r *blobReader) id() string {
	if r.byte() == idInRecord {
		return ""
	}
	return string(r.view())
}

func (r *blobReader) skipID() {
	if r.byte() == idInRecord {
		return
	}
	r.view()
}

func (r *blobReader) time(locs *locations) time.Time {
	sec := r.varint()
	nsec := r.uvarint()
	return time.Unix(sec, int64(nsec)).In(locs.at(r.byte()))
}

func (r *blobReader) skipTime() {
	r.uvarint()
	r.uvarint()
	r.byte()
}

func (r *blobReader) skipOptionalTime() {
	if r.byte() != 0 {
		r.skipTime()
	}
}

func (r *blobReader) optionalTime(locs *locations) *time.Time {
	if r.byte() == 0 {
		return nil
	}
	t := r.time(locs)
	return &t
}

// releaseCodes gives back the dictionary codes a record holds.
func (s *MemStore) releaseCodes(r *rec) {
	for _, c := range r.f {
		s.dict.release(c)
	}
	s.dict.release(r.status)
	s.dict.release(r.kind)
	s.dict.release(r.name)
	s.dict.release(r.address)
}

// text returns a message's body and title as strings sharing the blob's memory, for a text search
// to read without copying; they must not outlive the store's read lock.
func textOf(blob []byte) (body, title string) {
	r := blobReader{blob}
	r.skipID()
	b, t := r.view(), r.view()
	return unsafe.String(unsafe.SliceData(b), len(b)), unsafe.String(unsafe.SliceData(t), len(t))
}

// idOf is the id of a stored message.
func idOf(r *rec, blob []byte) string {
	if r.uuid {
		return formatUUID(r.uid)
	}
	br := blobReader{blob}
	return br.id()
}

// decode rebuilds the Message a record holds. It shares nothing with the store.
func (s *MemStore) decode(r *rec, blob []byte) Message {
	m, data := s.decodeHead(r, blob)
	m.Data = decodeData(data)
	return m
}

// decodeHead is decode without Data, whose JSON (the blob's tail) it returns.
func (s *MemStore) decodeHead(r *rec, blob []byte) (Message, []byte) {
	rs := s.strings(r)
	m := rs.message(r, &s.locs)
	return m, decodeBlob(&m, r, blob, &s.locs)
}

// recStrings are the strings a record holds as dictionary codes.
type recStrings struct {
	vendor, tenant, channel, kind, status string
	recipient                             Recipient
}

func (s *MemStore) strings(r *rec) recStrings {
	d := &s.dict
	return recStrings{vendor: d.names[r.f[fieldVendor]], tenant: d.names[r.f[fieldTenant]], channel: d.names[r.f[fieldChannel]],
		kind: d.names[r.kind], status: d.names[r.status],
		recipient: Recipient{ID: d.names[r.f[fieldRecipient]], Name: d.names[r.name], Role: d.names[r.f[fieldRoleCode]],
			RoleName: d.names[r.f[fieldRoleName]], Address: d.names[r.address]}}
}

// message is the part of a Message the record holds.
func (rs *recStrings) message(r *rec, locs *locations) Message {
	return Message{Vendor: rs.vendor, Tenant: rs.tenant, Recipient: rs.recipient, Channel: rs.channel, Kind: rs.kind,
		Status: rs.status, Seen: r.seen, CreatedAt: time.Unix(r.sec, int64(r.nsec)).In(locs.at(r.loc)), Seq: r.seq}
}

// decodeBlob reads the blob's fields into m, and returns the rest: Data's JSON.
func decodeBlob(m *Message, r *rec, blob []byte, locs *locations) []byte {
	br := blobReader{blob}
	m.ID = br.id()
	if r.uuid {
		m.ID = formatUUID(r.uid)
	}
	m.Body = string(br.view())
	m.Title = string(br.view())
	if br.byte() == 1 {
		m.Payload = bytes.Clone(br.view())
		if m.Payload == nil {
			m.Payload = json.RawMessage{}
		}
	}
	if n := br.uvarint(); n > 0 && n <= uint64(len(br.b)) {
		m.History = make([]StatusChange, n)
		for i := range m.History {
			h := &m.History[i]
			h.Status = string(br.view())
			h.At = br.time(locs)
			h.Reason = string(br.view())
		}
	}
	m.DeliverAt = br.optionalTime(locs)
	m.DeliveredAt = br.optionalTime(locs)
	m.RequestID = string(br.view())
	return br.b // the rest is Data
}

// decodeData reads a Data map back as encoding/json with UseNumber would, without its reflection
// (a status change reads a message's Data back, and it was most of that change's cost).
func decodeData(data []byte) map[string]any {
	if len(data) == 0 {
		return nil
	}
	if v, err := DecodeJSON(data); err == nil {
		if m, ok := v.(map[string]any); ok {
			return m
		}
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	_ = dec.Decode(&m)
	return m
}

// isUUID reports whether parseUUID reads s.
func isUUID(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case i == 8 || i == 13 || i == 18 || i == 23:
		case '0' <= c && c <= '9' || 'a' <= c && c <= 'f':
		default:
			return false
		}
	}
	return true
}

// parseUUID reads a UUID in its canonical lower-case form only, so formatUUID gives back the
// very same string.
func parseUUID(s string) (u [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	var hexDigits [32]byte
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case i == 8 || i == 13 || i == 18 || i == 23:
		case '0' <= c && c <= '9' || 'a' <= c && c <= 'f':
			hexDigits[n] = c
			n++
		default:
			return u, false
		}
	}
	if _, err := hex.Decode(u[:], hexDigits[:]); err != nil {
		return u, false
	}
	return u, true
}

func formatUUID(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// ring holds the store's records and blobs, oldest first, in arrays reused in place: adding a
// message at the cap writes over the slot of the one evicted, instead of appending to a slice
// whose front is cut off, which had to move every record to a fresh array every few tens of
// thousands of messages, under the store's lock.
type ring struct {
	recs  []rec
	blobs [][]byte
	head  int // slot of the oldest
	n     int
}

func (g *ring) slot(i int) int { return (g.head + i) % len(g.recs) }

func (g *ring) rec(i int) *rec { return &g.recs[g.slot(i)] }

func (g *ring) blob(i int) []byte { return g.blobs[g.slot(i)] }

// reserve makes room for k more at once: a fan-out to 100,000 users grows the arrays once rather
// than doubling its way there.
func (g *ring) reserve(k int) {
	if g.n+k <= len(g.recs) {
		return
	}
	size := max(2*len(g.recs), g.n+k, 64)
	recs, blobs := make([]rec, size), make([][]byte, size)
	for i := range g.n {
		recs[i], blobs[i] = g.recs[g.slot(i)], g.blobs[g.slot(i)]
	}
	g.recs, g.blobs, g.head = recs, blobs, 0
}

func (g *ring) push(r rec, blob []byte) *rec {
	g.reserve(1)
	s := g.slot(g.n)
	g.recs[s], g.blobs[s] = r, blob
	g.n++
	return &g.recs[s]
}

// popFront forgets the oldest, letting its blob be freed.
func (g *ring) popFront() {
	g.blobs[g.head] = nil
	g.head = (g.head + 1) % len(g.recs)
	g.n--
}
