package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestStoreKeepsEveryField stores messages that use every field, in the corners the compact
// records must get right, and reads each back equal.
func TestStoreKeepsEveryField(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	first := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(9998, 12, 31, 23, 59, 59, 999999999, berlin)
	at := time.Date(2026, 11, 30, 4, 5, 6, 7, berlin)
	tests := []Message{
		{ID: "6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21", Vendor: "luma", Tenant: "acme",
			Recipient: Recipient{ID: "Ruth", Name: "Ruth Ü", Role: "-4", RoleName: "Self-service", Address: "ruth@example.com"},
			Channel:   ChannelLumaChat, Kind: "card", Body: "Exchange ✓ down", Title: "Outage",
			Data:    map[string]any{"templateId": "1002", "nested": map[string]any{"n": json.Number("12345678901234567890"), "list": []any{"a", true, nil}}},
			Payload: json.RawMessage(`{"message":"x"}`), Status: "sent",
			History: []StatusChange{{Status: "sent", At: at}, {Status: StatusFailed, At: at.Add(time.Second), Reason: "bounced"}},
			Seen:    true, CreatedAt: at, DeliverAt: &last, DeliveredAt: &first, RequestID: "req-1", Seq: 1},
		{ID: "6C3B3F0E-7D1A-4A8E-9A55-0D7C4F0B8A21", Vendor: "kore", CreatedAt: first, Payload: json.RawMessage{}, Seq: 2},
		{ID: "", Vendor: "luminous", Data: map[string]any{}, CreatedAt: last, Seq: 3},
		{ID: "not-a-uuid-but-36-characters-long-xx", Body: string([]byte{0xff, 'a'}), CreatedAt: at, Seq: 4},
	}
	s := NewMemStore()
	batch := append([]Message(nil), tests...)
	s.Add(batch)
	for _, want := range tests {
		got, ok := s.Get(want.ID)
		if !ok {
			t.Fatalf("Get(%q): not found", want.ID)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Get(%q)\n got %#v\nwant %#v", want.ID, got, want)
		}
	}
}

func TestParseUUIDOnlyCanonical(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21", true},
		{"6C3B3F0E-7D1A-4A8E-9A55-0D7C4F0B8A21", false},
		{"6c3b3f0e7d1a4a8e9a550d7c4f0b8a21", false},
		{"{6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a2}", false},
		{"6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a2g", false},
	} {
		u, ok := parseUUID(tt.in)
		if ok != tt.ok || ok && formatUUID(u) != tt.in {
			t.Errorf("parseUUID(%q) = %v, %v", tt.in, formatUUID(u), ok)
		}
	}
}

// FuzzStoreRoundTrip: whatever strings a message holds come back as they went in.
func FuzzStoreRoundTrip(f *testing.F) {
	f.Add("6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21", "Ruth", "body", "reason", int64(0), []byte(`{}`))
	f.Add("", "", "", "", int64(-62135596800), []byte(nil))
	f.Fuzz(func(t *testing.T, id, recipient, body, reason string, sec int64, payload []byte) {
		if sec < MinTime.Unix() || sec > MaxTime.Unix() {
			return
		}
		at := time.Unix(sec, 0).UTC()
		want := Message{ID: id, Recipient: Recipient{ID: recipient, Name: recipient}, Body: body, Title: body, Payload: payload,
			History: []StatusChange{{Status: reason, At: at, Reason: reason}}, CreatedAt: at, RequestID: id, Seq: 1}
		s := NewMemStore()
		s.Add([]Message{want})
		got := s.Query(Filter{})
		if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Fatalf("got %#v\nwant %#v", got, want)
		}
	})
}

// TestFlatDataReadsBack: a Data map encoded without reflection comes back as json.Marshal's
// encoding would; anything else goes to json.Marshal.
func TestFlatDataReadsBack(t *testing.T) {
	for _, data := range []map[string]any{
		{},
		{"jobId": "nj-1", "koreId": "u-\"1\"<>&", "n": json.Number("12345678901234567890"), "ok": true, "none": nil, "i": 7, "i64": int64(-8)},
		{"nested": map[string]any{"a": 1.5}, "list": []any{"x"}},
		// Luminous: template params, a header map, buttons, carousel cards and a location's raw
		// coordinates, written without reflection.
		{"templateParams": []string{"Ann", "<ORD-1>"}, "none": []string(nil), "header": map[string]any{"type": "location",
			"latitude": json.RawMessage(` 12.5 `), "longitude": json.RawMessage(`"77.1"`), "name": ""},
			"buttons":       []map[string]any{{"type": "url", "url": "https://x.test/a?b=1&c=2"}, {"type": "copy_code", "code": nil}},
			"carouselCards": []json.RawMessage{json.RawMessage(`{"a":[1,2]}`), nil}, "attrs": map[string]string{"city": "Pune"},
			"emptyMap": map[string]any{}, "nilMap": map[string]any(nil), "emptyList": []any{}},
	} {
		s := NewMemStore()
		s.Add([]Message{{ID: "m", Data: data}})
		got, _ := s.Get("m")
		want := map[string]any{}
		enc, _ := json.Marshal(data)
		dec := json.NewDecoder(bytes.NewReader(enc))
		dec.UseNumber()
		_ = dec.Decode(&want)
		if !reflect.DeepEqual(got.Data, want) {
			t.Errorf("Data %v read back as %#v, want %#v", data, got.Data, want)
		}
	}
	for _, bad := range []map[string]any{
		{"n": json.Number("1e")},
		{"raw": json.RawMessage(`{"a":`)},
		{"deep": map[string]any{"f": 1.5}},
		{"list": []any{struct{}{}}},
	} {
		if _, ok := appendFlatJSON(nil, bad); ok {
			t.Errorf("%#v was written without json.Marshal", bad)
		}
	}
	loop := map[string]any{}
	loop["self"] = loop
	if _, ok := appendFlatJSON(nil, loop); ok {
		t.Error("a map that holds itself was written")
	}
}

// FuzzDataEncoding holds the encoder without reflection to json.Marshal: for any document, the
// map read from it, written by appendFlatJSON, reads back as json.Marshal's encoding of it does.
func FuzzDataEncoding(f *testing.F) {
	for _, s := range []string{`{"a":[1,"b",null,true,{"c":[]}]}`, `{"k":"\u003c\ud800\u00e9"}`, `{}`, `{"n":-1.5E-7}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(doc))
		dec.UseNumber()
		if dec.Decode(&m) != nil || m == nil {
			return
		}
		mine, ok := appendFlatJSON(nil, m)
		if !ok {
			t.Fatalf("appendFlatJSON refused %s", doc)
		}
		std, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := decodeData(mine), decodeData(std); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s read back as %#v, json.Marshal's as %#v", doc, got, want)
		}
	})
}

// TestUpdateKeepsDataUnlessReplaced: a status change copies Data's JSON from the old record and
// answers with the map it read; an update that replaces the map stores the new one.
func TestUpdateKeepsDataUnlessReplaced(t *testing.T) {
	data := map[string]any{"campaign": "order_update", "templateParams": []string{"Ann", "ORD-1"},
		"header": map[string]any{"type": "text", "text": "Hi"}, "n": json.Number("3")}
	at := time.Date(2026, 11, 30, 4, 5, 6, 7, time.UTC)
	s := NewMemStore()
	s.Add([]Message{{ID: "6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21", Vendor: "luminous", Status: "sent", Data: data, CreatedAt: at}})
	before, _ := s.Get("6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21")
	got, ok := s.Update(before.ID, func(m *Message) {
		m.Status = StatusDelivered
		m.History = append(m.History, StatusChange{Status: StatusDelivered, At: at})
		m.DeliveredAt = &at
	})
	if !ok {
		t.Fatal("Update: not found")
	}
	stored, _ := s.Get(before.ID)
	if !reflect.DeepEqual(got, stored) {
		t.Errorf("Update answered\n%#v\nGet reads\n%#v", got, stored)
	}
	if !reflect.DeepEqual(stored.Data, before.Data) || stored.Status != StatusDelivered || len(stored.History) != 1 || stored.DeliveredAt == nil {
		t.Errorf("after a status change: %#v", stored)
	}
	got.Data["campaign"] = "changed by the caller"
	if again, _ := s.Get(before.ID); again.Data["campaign"] != "order_update" {
		t.Error("the answer's Data is the store's")
	}

	replaced, _ := s.Update(before.ID, func(m *Message) { m.Data = map[string]any{"only": true} })
	if want := map[string]any{"only": true}; !reflect.DeepEqual(replaced.Data, want) {
		t.Errorf("a replaced map reads back as %#v", replaced.Data)
	}
	cleared, _ := s.Update(before.ID, func(m *Message) { m.Data = nil })
	if cleared.Data != nil {
		t.Errorf("a removed map reads back as %#v", cleared.Data)
	}
	if m, _ := s.Get(before.ID); m.Data != nil || m.Status != StatusDelivered {
		t.Errorf("stored after the map was removed: %#v", m)
	}
}

// BenchmarkStoreSetStatus is a Luminous receipt: one stored message (with its template's Data)
// moved to delivered.
func BenchmarkStoreSetStatus(b *testing.B) {
	s := NewMemStore()
	at := time.Date(2026, 11, 30, 4, 5, 6, 7, time.UTC)
	data := map[string]any{"campaign": "order_update", "template": "order_update", "language": "en",
		"templateParams": []string{"Test User", "ORD-1"}, "waId": "256751351363", "project": "demo"}
	s.Add([]Message{{ID: "6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21", Vendor: "luminous", Status: "sent", Data: data, CreatedAt: at,
		Body: "Hi Test User, your order ORD-1 has shipped", Payload: json.RawMessage(`{"apiKey":"luminous-demo-key"}`)}})
	b.ReportAllocs()
	for b.Loop() {
		s.Update("6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21", func(m *Message) {
			m.Status = StatusDelivered
			m.History = append(m.History[:0:0], StatusChange{Status: StatusDelivered, At: at})
			m.DeliveredAt = &at
		})
	}
}

// TestRecentCodesAreTheDictionarys: the codes taken from the last-interned cache are the ones the
// dictionary gives, with the same use counts, across frees and reuse of codes and a string
// stored first where no filter reads it (a kind) and then where one does (a status).
func TestRecentCodesAreTheDictionarys(t *testing.T) {
	s := NewBoundedMemStore(3) // codes are freed with evicted messages and reused
	at := time.Date(2026, 11, 30, 4, 5, 6, 7, time.UTC)
	msg := func(i int, status, kind string) Message {
		return Message{ID: fmt.Sprintf("m%d", i), Vendor: "Luma", Tenant: "acme", Recipient: Recipient{ID: fmt.Sprintf("U%d", i%2)},
			Channel: ChannelLumaChat, Status: status, Kind: kind, CreatedAt: at}
	}
	for i := range 10 {
		status := []string{"Sent", "QUEUED", "sent"}[i%3]
		s.Add([]Message{msg(i, status, status)}) // the same string as status and as kind
	}
	for i := 10; i < 14; i++ {
		s.Add([]Message{msg(i, "Delivered", "text"), msg(i+100, "Delivered", "text")})
	}
	for _, f := range []Filter{{Vendor: "luma"}, {Status: "delivered"}, {Vendor: "LUMA", Recipient: "u0"}} {
		if got := s.Count(f); got != len(s.Query(f)) || got == 0 {
			t.Errorf("%+v: count %d, query %d", f, got, len(s.Query(f)))
		}
	}
	fresh := newDict()
	for i := range s.ring.n {
		m := s.message(s.base + int64(i))
		r := rec{}
		for f, v := range [fieldCount]string{m.Vendor, m.Tenant, m.Recipient.ID, m.Recipient.Role, m.Recipient.RoleName, m.Channel} {
			r.f[f] = fresh.intern(v)
		}
		fresh.intern(m.Status)
		fresh.internExact(m.Kind)
		fresh.internExact(m.Recipient.Name)
		fresh.internExact(m.Recipient.Address)
	}
	// "" is never freed, so its count only grows: each leaves it out.
	s.dict.each(func(name string, c uint32) {
		fc := fresh.code.find(name, fresh.code.hash(name), fresh.names)
		if fc == 0 || s.dict.refs[c] != fresh.refs[fc] {
			t.Errorf("%q: %d uses, a dictionary built from what is stored has %d", name, s.dict.refs[c], fresh.refs[fc])
		}
		if got := s.dict.code.find(name, s.dict.code.hash(name), s.dict.names); got != c {
			t.Errorf("%q: the table finds code %d, the dictionary holds it as %d", name, got, c)
		}
	})
	if s.dict.code.n != fresh.code.n {
		t.Errorf("%d strings interned, what is stored needs %d", s.dict.code.n, fresh.code.n)
	}
}

// BenchmarkStoreAddFanOut is the store's part of Luma's "0" to a 100,000-user tenant: one batch of
// messages sharing vendor, tenant, role, channel, status, kind, body and Data, each to a recipient
// new to the store.
func BenchmarkStoreAddFanOut(b *testing.B) {
	const n = 100000
	at := time.Date(2026, 11, 30, 4, 5, 6, 7, time.UTC)
	data := map[string]any{"templateId": "-1", "templateType": "TEXT"}
	batch := make([]Message, n)
	s := NewBoundedMemStore(n)
	b.ReportAllocs()
	b.StopTimer()
	for range b.N {
		s.Reset()
		ids := NewIDs(1)
		for i := range batch {
			user := fmt.Sprintf("user%06d", i)
			batch[i] = Message{ID: ids.UUID(), Vendor: "luma", Tenant: "big", Channel: ChannelLumaChat, Kind: "text", Status: "sent",
				Recipient: Recipient{ID: user, Name: "User " + user, Role: "-4", RoleName: "Self-service", Address: user + "@example.com"},
				Body:      "Company-wide: the office is closed tomorrow", Data: data, CreatedAt: at, RequestID: "req-1",
				Payload: json.RawMessage(`{"recipients":{"contacts":"0"},"message":"Company-wide: the office is closed tomorrow"}`)}
		}
		b.StartTimer()
		s.Add(batch)
		b.StopTimer()
	}
}

// BenchmarkStoreAddFanOutShared is BenchmarkStoreAddFanOut stored as one FanOut, the way
// Env.DeliverFanOut hands a fan-out to the store: one blob for all, the recipients' strings
// interned in a batch.
func BenchmarkStoreAddFanOutShared(b *testing.B) {
	const n = 100000
	at := time.Date(2026, 11, 30, 4, 5, 6, 7, time.UTC)
	data := map[string]any{"templateId": "-1", "templateType": "TEXT"}
	recipients := make([]Recipient, n)
	for i := range recipients {
		user := fmt.Sprintf("user%06d", i)
		recipients[i] = Recipient{ID: user, Name: "User " + user, Role: "-4", RoleName: "Self-service", Address: user + "@example.com"}
	}
	m := Message{Vendor: "luma", Tenant: "big", Channel: ChannelLumaChat, Kind: "text", Status: "sent",
		Body: "Company-wide: the office is closed tomorrow", Data: data, CreatedAt: at, RequestID: "req-1",
		Payload: json.RawMessage(`{"recipients":{"contacts":"0"},"message":"Company-wide: the office is closed tomorrow"}`)}
	s := NewBoundedMemStore(n)
	ids := NewIDs(1)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s.Reset()
		f := &FanOut{msg: m, recipients: recipients, uids: ids.uuids(n)}
		b.StartTimer()
		s.AddFanOut(f)
	}
}

// TestLowerASCII: the word-at-a-time check agrees with lower-casing for every byte in every place
// of a word and around it.
func TestLowerASCII(t *testing.T) {
	for c := range 256 {
		for at := 0; at < 20; at++ {
			s := strings.Repeat("a", at) + string([]byte{byte(c)}) + strings.Repeat("z", 19-at)
			want := isASCII(s) && strings.ToLower(s) == s
			if got := lowerASCII(s); got != want {
				t.Fatalf("lowerASCII(%q) = %v, want %v", s, got, want)
			}
		}
	}
}

func FuzzLowerASCII(f *testing.F) {
	f.Add("user000001@example.com")
	f.Add("User@Example.COM")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lowerASCII(s), isASCII(s) && strings.ToLower(s) == s; got != want {
			t.Fatalf("lowerASCII(%q) = %v, want %v", s, got, want)
		}
	})
}
