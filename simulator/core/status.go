package core

import (
	"encoding/binary"
	"encoding/json"
	"time"
)

// A status change (a Luminous receipt, a scheduled message delivered) touches two fields of a
// stored message, its status and history, and maybe deliveredAt. MemStore.setStatus makes it
// without reading the message back: the record takes the new status's code and the blob is
// copied around one more history entry. The changed message is kept as a snapshot, which the
// event (and, with --data, the record on disk) reads only when something asks for it: Luminous
// made two such changes per message sent, each reading the message and its Data back, encoding
// them again, and building a Message for an event nobody might read.

// snapshot is a stored message as it stood after a change: the strings its record named then and
// its blob, which the store never changes (a change writes a new one).
type snapshot struct {
	strs recStrings
	r    rec
	blob []byte
	locs *locations
}

// Message reads the message back.
func (v *snapshot) Message() Message {
	m := v.strs.message(&v.r, v.locs)
	m.Data = decodeData(decodeBlob(&m, &v.r, v.blob, v.locs))
	return m
}

func (v *snapshot) value() any { return v.Message() }

// MarshalJSON is the Message's JSON: a Durable store encodes the change with it.
func (v *snapshot) MarshalJSON() ([]byte, error) { return json.Marshal(v.Message()) }

// statusStore is a Store that changes a status without reading the message (MemStore).
type statusStore interface {
	setStatus(id, status, reason string, at time.Time) (*snapshot, bool)
}

// setStatus moves the message id to status at time at, as Update would with a function that sets
// Status, appends {status, at, reason} to History and, for delivered, sets DeliveredAt to at.
func (s *MemStore) setStatus(id, status, reason string, at time.Time) (*snapshot, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pos, ok := s.find(id)
	if !ok {
		return nil, false
	}
	r := s.at(pos)
	slot := s.ring.slot(int(pos - s.base))
	blob, ok := s.withStatus(s.ring.blobs[slot], status, reason, at, status == StatusDelivered)
	if !ok { // a blob it can't walk (a bug): read back, changed and written again
		m := s.message(pos)
		statusChange(status, reason, at)(&m)
		blob = s.encodeBlob(&m)
	}
	s.ring.blobs[slot] = blob
	old := r.status
	r.status = s.recent.intern(&s.dict, recentStatus, status, true)
	s.dict.release(old)
	v := &snapshot{strs: s.strings(r), r: *r, blob: blob, locs: &s.locs}
	record(s.cap.durable, Change{Table: TableMessages, Op: OpPut, Key: id, Seq: r.seq, Value: v})
	return v, true
}

// statusChange is what SetStatus does to a message, as an Update function.
func statusChange(status, reason string, at time.Time) func(*Message) {
	return func(m *Message) {
		m.Status = status
		m.History = append(m.History, StatusChange{Status: status, At: at, Reason: reason})
		if status == StatusDelivered {
			t := at
			m.DeliveredAt = &t
		}
	}
}

// withStatus is blob with one more history entry and, when delivered, deliveredAt set to at: the
// bytes before, between and after copied as they are. It reports false for a blob it can't walk.
func (s *MemStore) withStatus(blob []byte, status, reason string, at time.Time, delivered bool) ([]byte, bool) {
	br := blobReader{blob}
	offset := func() int { return len(blob) - len(br.b) }
	br.skipID()
	br.view() // body
	br.view() // title
	if br.byte() == 1 {
		br.view() // payload
	}
	count := offset()
	n := br.uvarint()
	if br.b == nil || n > uint64(len(br.b)) {
		return nil, false
	}
	entries := offset()
	for range n {
		br.view()
		br.skipTime()
		br.view()
	}
	deliverAt := offset()
	br.skipOptionalTime()
	deliveredAt := offset()
	br.skipOptionalTime()
	rest := offset()
	if br.b == nil && rest != len(blob) {
		return nil, false
	}
	out := make([]byte, 0, len(blob)+len(status)+len(reason)+40)
	out = append(out, blob[:count]...)
	out = binary.AppendUvarint(out, n+1)
	out = append(out, blob[entries:deliverAt]...)
	out = appendString(out, status)
	out = s.appendTime(out, at)
	out = appendString(out, reason)
	out = append(out, blob[deliverAt:deliveredAt]...)
	if delivered {
		out = s.appendOptionalTime(out, &at)
	} else {
		out = append(out, blob[deliveredAt:rest]...)
	}
	return append(out, blob[rest:]...), true
}
