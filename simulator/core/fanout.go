package core

import (
	"encoding/json"
	"sync"
	"time"
)

// FanOut is one message delivered to many recipients: every message is the same Message with
// its own Recipient, id and Seq. A vendor that notifies many users at once (Luma's "0" to every
// user of a tenant) hands the store one FanOut rather than a Message per user: the store keeps
// what the messages share once, and the answer, the events and the journal build a message only
// when they need it. A 100,000-user fan-out was a 34 MB slice of Messages, a blob per message
// repeating the same body, payload and Data, and an id string each, before anything was stored.
type FanOut struct {
	msg        Message
	recipients []Recipient
	uids       []byte    // 16 bytes per message: its id
	firstSeq   int64     // the messages' Seq follow on from it
	msgs       []Message // set instead by a Store that keeps only whole messages
}

// Len is the number of messages.
func (f *FanOut) Len() int { return len(f.recipients) }

// Recipient is the i-th message's recipient. It is shared: read it, don't change it.
func (f *FanOut) Recipient(i int) *Recipient { return &f.recipients[i] }

// ID is the i-th message's id.
func (f *FanOut) ID(i int) string { return formatUUID(f.uid(i)) }

// AppendID appends the i-th message's id to b, as ID spells it, without making a string of it.
func (f *FanOut) AppendID(b []byte, i int) []byte {
	return appendUUID(b, f.uid(i))
}

func (f *FanOut) uid(i int) [16]byte { return [16]byte(f.uids[16*i : 16*i+16]) }

// Message is the i-th message as stored, the very Message a Deliver of it would have returned. It
// shares the maps and slices of every other message of the fan-out: read them, don't change them.
func (f *FanOut) Message(i int) Message {
	if f.msgs != nil {
		return f.msgs[i]
	}
	m := f.msg
	m.ID = f.ID(i)
	m.Recipient = f.recipients[i]
	m.Seq = f.firstSeq + int64(i)
	return m
}

// messages builds every message, for a Store without AddFanOut.
func (f *FanOut) messages() []Message {
	msgs := make([]Message, len(f.recipients))
	for i := range msgs {
		msgs[i] = f.Message(i)
	}
	return msgs
}

// alongThreshold is the fan-out from which DeliverFanOut runs along on a goroutine of its own;
// below it, the goroutine costs more than it saves.
const alongThreshold = 4096

// fanOutStore is a Store that keeps a fan-out's shared part once (MemStore).
type fanOutStore interface {
	AddFanOut(f *FanOut)
}

// DeliverFanOut stores m, delivered now, once per recipient, each with an id of its own, and
// publishes one message.delivered event each: what Deliver does with a Message per recipient
// that differs only in Recipient. m's ID, Recipient and Seq are ignored. Nothing may change m's
// maps and slices, or recipients, afterwards.
//
// along, when not nil, runs once the ids are chosen, while the store takes a large fan-out: a
// vendor writes its answer meanwhile, on the other core (for 100,000 recipients, a 12 MB answer
// and the store's work each take milliseconds). It may read the fan-out's recipients and ids
// (Recipient, ID, AppendID), not its messages.
func (e *Env) DeliverFanOut(req *Request, m Message, recipients []Recipient, along func(*FanOut)) *FanOut {
	now := e.Clock.Now()
	m.ID, m.Recipient, m.Seq = "", Recipient{}, 0
	at := now
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now
	}
	if req != nil {
		m.RequestID = req.ID
	}
	delivered(&m, now, &at, nil)
	f := &FanOut{msg: m, recipients: recipients, uids: e.IDs.uuids(len(recipients))}
	var alongside sync.WaitGroup
	if along != nil {
		if len(recipients) < alongThreshold {
			defer along(f)
		} else {
			alongside.Go(func() { along(f) })
			defer alongside.Wait()
		}
	}
	if len(recipients) == 0 {
		return f
	}
	if fs, ok := e.Store.(fanOutStore); ok {
		fs.AddFanOut(f)
	} else {
		msgs := f.messages()
		e.Store.Add(msgs)
		f.msgs = msgs
	}
	if req != nil {
		req.createdFanOut(f)
	}
	typ := eventFor(m.Status)
	// Each event's message is made when read (most of a large fan-out's events are only kept in
	// the bus's history, until newer ones push them out).
	e.Bus.PublishBatch(f.Len(), func(i int) Event {
		return Event{Type: typ, Time: now, Vendor: m.Vendor, deferred: fanOutMessage{f, i}}
	})
	return f
}

// delivered sets what Deliver sets on a message accepted now: delivered, with its history, unless
// it was accepted in another status (Luminous "sent"): delivered only when its receipt comes, so
// deliveredAt waits for that.
// history, when not nil, is a one-entry history the caller shares among a batch's messages.
func delivered(m *Message, now time.Time, at *time.Time, history []StatusChange) {
	if m.Status == "" || m.Status == StatusDelivered {
		m.Status = StatusDelivered
		if m.History == nil {
			if history == nil {
				history = []StatusChange{{Status: StatusDelivered, At: now}}
			}
			m.History = history[:1:1]
		}
		m.DeliveredAt = at
		return
	}
	m.History = append(m.History, StatusChange{Status: m.Status, At: now})
}

// fanOutMessage is one message of a fan-out as a Durable store's committer encodes it: the JSON
// of the Message it stands for, built only then.
type fanOutMessage struct {
	f *FanOut
	i int
}

func (x fanOutMessage) MarshalJSON() ([]byte, error) { return json.Marshal(x.f.Message(x.i)) }

func (x fanOutMessage) value() any { return x.f.Message(x.i) }

// appendUUID writes u in the canonical form formatUUID gives, a byte pair at a time from a table:
// a fan-out's answer writes 100,000 of them.
func appendUUID(b []byte, u [16]byte) []byte {
	n := len(b)
	b = append(b, "00000000-0000-0000-0000-000000000000"...)
	d := (*[36]byte)(b[n : n+36])
	hexPair(d[0:2], u[0])
	hexPair(d[2:4], u[1])
	hexPair(d[4:6], u[2])
	hexPair(d[6:8], u[3])
	hexPair(d[9:11], u[4])
	hexPair(d[11:13], u[5])
	hexPair(d[14:16], u[6])
	hexPair(d[16:18], u[7])
	hexPair(d[19:21], u[8])
	hexPair(d[21:23], u[9])
	hexPair(d[24:26], u[10])
	hexPair(d[26:28], u[11])
	hexPair(d[28:30], u[12])
	hexPair(d[30:32], u[13])
	hexPair(d[32:34], u[14])
	hexPair(d[34:36], u[15])
	return b
}

func hexPair(d []byte, c byte) {
	_ = d[1]
	d[0], d[1] = hexPairs[2*int(c)], hexPairs[2*int(c)+1]
}

const hexPairs = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" +
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" +
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f" +
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" +
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" +
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf" +
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"

// AddFanOut stores a fan-out's messages, in order, as Add would store them one by one: one blob
// for all of them (the records hold the ids), and the strings they share interned once.
func (s *MemStore) AddFanOut(f *FanOut) {
	n := f.Len()
	if n == 0 {
		return
	}
	m := f.msg
	m.ID = sharedBlobID // any canonical UUID: the blob then leaves the id to each record
	blob := s.encodeBlob(&m)
	s.mu.Lock()
	defer s.mu.Unlock()
	first := s.base + int64(s.ring.n)
	s.ring.reserve(n)
	d := &s.dict
	// One pass over the recipients sizes what the batch adds to.
	size, named, addressed := 0, 0, 0
	for i := range f.recipients {
		rc := &f.recipients[i]
		size += len(rc.ID) + len(rc.Name) + len(rc.Address)
		if rc.Name != "" {
			named++
		}
		if rc.Address != "" {
			addressed++
		}
	}
	s.reserveMaps(n, n+named+addressed)
	if n >= 4096 {
		d.arena = make([]byte, size)
	}
	defer func() { s.dict.arena, s.idx.firsts = nil, nil }()
	f.firstSeq = s.seq + 1
	r := rec{sec: m.CreatedAt.Unix(), nsec: int32(m.CreatedAt.Nanosecond()), loc: s.locs.index(m.CreatedAt.Location()), seen: m.Seen, uuid: true}
	r.f[fieldVendor], r.f[fieldTenant], r.f[fieldChannel] = d.addN(m.Vendor, true, n), d.addN(m.Tenant, true, n), d.addN(m.Channel, true, n)
	r.status, r.kind = d.addN(m.Status, true, n), d.addN(m.Kind, false, n)
	// The recipients' ids, then their names, then their addresses, each in a pass of its own:
	// new ids take codes one after the other, so the index's slots for them are too.
	ids, names, addresses := make([]uint32, n), make([]uint32, n), make([]uint32, n)
	hashes := make([]uint32, n)
	d.internAll(f.recipients, recipientID, hashes, ids)
	if named > 0 {
		d.internAll(f.recipients, recipientName, hashes, names)
	}
	if addressed > 0 {
		d.internAll(f.recipients, recipientAddress, hashes, addresses)
	}
	d.refs[0] += int32(n-named) + int32(n-addressed) // the recipients without: ""
	var roles [2]fewCodes                            // a tenant's users have a handful of roles
	for i := range n {
		rc := &f.recipients[i]
		s.seq++
		r.seq, r.uid = s.seq, f.uid(i)
		r.f[fieldRecipient], r.name, r.address = ids[i], names[i], addresses[i]
		r.f[fieldRoleCode], r.f[fieldRoleName] = roles[0].intern(d, rc.Role), roles[1].intern(d, rc.RoleName)
		s.ring.push(r, blob)
	}
	s.uids.setAll(n, f.uid, first, s.uidAt)
	ix := &s.idx
	for _, fld := range [...]int{fieldVendor, fieldTenant, fieldChannel} {
		ix.addRun(d, fld, r.f[fld], first, n)
	}
	ix.addTime(&r) // the batch's one time
	for i := range n {
		pos := first + int64(i)
		m := s.at(pos)
		ix.addTo(d, fieldRecipient, m.f[fieldRecipient], pos)
		ix.addTo(d, fieldRoleCode, m.f[fieldRoleCode], pos)
		ix.addTo(d, fieldRoleName, m.f[fieldRoleName], pos)
		ix.addInbox(m, pos)
	}
	s.evictLocked()
	if s.cap.durable == nil {
		return
	}
	for i := range n {
		if first+int64(i) < s.base { // already evicted: the batch alone is over the cap
			continue
		}
		seq := f.firstSeq + int64(i)
		record(s.cap.durable, Change{Table: TableMessages, Op: OpPut, Key: f.ID(i), Seq: seq, Value: fanOutMessage{f, i}})
	}
}

const sharedBlobID = "00000000-0000-4000-8000-000000000000"

// aheadBlock is how many lookups a batch reads ahead of: a table mostly out of cache is read
// for a block of keys in a short loop, whose reads the processor overlaps, before the keys are
// looked up one by one (a lookup's wait for memory was most of a fan-out's interning).
const aheadBlock = 64

// The recipient fields a batch interns.
const (
	recipientID = iota
	recipientName
	recipientAddress
)

func recipientField(r *Recipient, field int) string {
	switch field {
	case recipientID:
		return r.ID
	case recipientName:
		return r.Name
	}
	return r.Address
}

// internAll interns one field of every recipient into codes (the id folded, as filters read it;
// a name or address exact), reading the table ahead a block at a time; hashes is room for
// len(rs) hashes. "" is left as code 0 without counting its uses: the caller counts them.
func (d *dict) internAll(rs []Recipient, field int, hashes, codes []uint32) {
	for i := range rs {
		if s := recipientField(&rs[i], field); s != "" {
			hashes[i] = d.code.hash(s)
		}
	}
	folded := field == recipientID
	var ahead [aheadBlock]uint32
	for start := 0; start < len(rs); start += aheadBlock {
		end := min(start+aheadBlock, len(rs))
		for j := end; j < min(end+aheadBlock, len(rs)); j++ {
			ahead[j-end] = d.code.touch(hashes[j])
		}
		for i := start; i < end; i++ {
			if s := recipientField(&rs[i], field); s != "" {
				codes[i] = d.addHashed(s, hashes[i], folded)
			} else if folded {
				d.refs[0]++ // an id "" is counted here, names and addresses by the caller
			}
		}
	}
	d.touched += ahead[0]
}

// addN is add for n uses at once.
func (d *dict) addN(s string, folded bool, n int) uint32 {
	c := d.add(s, folded)
	d.refs[c] += int32(n - 1)
	return c
}

// fewCodes remembers the codes of the few values a field takes across a fan-out (a tenant's
// roles), so most messages take one more use of a code without hashing its string. Codes are
// not freed while a batch is added, so what it remembers stays right.
type fewCodes struct {
	s [8]string
	c [8]uint32
	n int
}

func (fc *fewCodes) intern(d *dict, v string) uint32 {
	for i := range fc.n {
		if fc.s[i] == v {
			d.refs[fc.c[i]]++
			return fc.c[i]
		}
	}
	c := d.intern(v)
	if fc.n < len(fc.s) {
		fc.s[fc.n], fc.c[fc.n] = v, c
		fc.n++
	}
	return c
}
