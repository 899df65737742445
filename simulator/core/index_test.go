package core

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// refQuery is the store's contract written as a plain scan: what the indexes must agree with.
func refQuery(all []*Message, f Filter) []string {
	var out []string
	for i := len(all) - 1; i >= 0; i-- {
		if f.Match(all[i]) {
			out = append(out, all[i].ID)
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
		}
	}
	return out
}

func refInboxes(all []*Message, f Filter) []string {
	type agg struct {
		count, unread int
		channels      map[string]bool
	}
	seen := map[string]*agg{}
	var order []string
	for i := len(all) - 1; i >= 0; i-- {
		m := all[i]
		if !f.Match(m) {
			continue
		}
		k := m.Vendor + "|" + m.Tenant + "|" + m.Recipient.ID
		a, ok := seen[k]
		if !ok {
			a = &agg{channels: map[string]bool{}}
			seen[k] = a
			order = append(order, k)
		}
		a.count++
		if !m.Seen {
			a.unread++
		}
		a.channels[m.Channel] = true
	}
	var out []string
	for _, k := range order {
		a := seen[k]
		var ch []string
		for c := range a.channels {
			ch = append(ch, c)
		}
		sort.Strings(ch)
		out = append(out, fmt.Sprintf("%s %d/%d %v", k, a.count, a.unread, ch))
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out
}

func inboxStrings(in []Inbox) []string {
	var out []string
	for _, x := range in {
		out = append(out, fmt.Sprintf("%s|%s|%s %d/%d %v", x.Vendor, x.Tenant, x.Recipient.ID, x.Count, x.Unread, x.Channels))
	}
	return out
}

// randomMessages is a mixed store: several vendors, tenants, recipients differing only in case,
// roles by code and name, channels, statuses, and a clock that sometimes goes back.
func randomMessages(r *rand.Rand, n int) []Message {
	vendors := []string{"luma", "luminous", "kore", "mykaarma"}
	tenants := []string{"acme", "Demo", "st-demo-bot"}
	recipients := []string{"ruth", "Ruth", "sam.phyll", "+256751351363", "alice@example.com", "bob"}
	roles := [][2]string{{"-1", "Administrator"}, {"-4", "Self-service"}, {"", ""}}
	channels := []string{ChannelLumaChat, ChannelWhatsApp, ChannelSlack}
	words := []string{"Exchange is down", "order shipped", "DISK full", "Ünïcode straße", "deploy done"}
	at := t0
	msgs := make([]Message, n)
	for i := range msgs {
		role := roles[r.IntN(len(roles))]
		if r.IntN(20) == 0 {
			at = at.Add(-time.Hour) // a clock set back
		} else {
			at = at.Add(time.Duration(r.IntN(3)) * time.Second)
		}
		msgs[i] = Message{ID: fmt.Sprintf("m%d", i), Vendor: vendors[r.IntN(len(vendors))], Tenant: tenants[r.IntN(len(tenants))],
			Recipient: Recipient{ID: recipients[r.IntN(len(recipients))], Role: role[0], RoleName: role[1]},
			Channel:   channels[r.IntN(len(channels))], Body: words[r.IntN(len(words))], Status: []string{StatusDelivered, StatusFailed}[r.IntN(2)],
			Seen: r.IntN(3) == 0, CreatedAt: at}
	}
	return msgs
}

func randomFilter(r *rand.Rand) Filter {
	pick := func(opts ...string) string { return opts[r.IntN(len(opts))] }
	f := Filter{
		Vendor:    pick("", "", "luma", "KORE", "nobody"),
		Tenant:    pick("", "", "acme", "demo"),
		Recipient: pick("", "", "ruth", "RUTH", "sam.phyll", "nobody"),
		Role:      pick("", "", "-4", "administrator", "Self-service"),
		Channel:   pick("", "", ChannelSlack, ChannelWhatsApp),
		Status:    pick("", "", StatusFailed),
		Text:      pick("", "", "disk", "STRASSE", "straße", "ship", "zzz"),
		Limit:     []int{0, 0, 1, 5}[r.IntN(4)],
	}
	if r.IntN(4) == 0 {
		f.Since = t0.Add(time.Duration(r.IntN(200)) * time.Second)
	}
	if r.IntN(4) == 0 {
		f.Recipients = []string{pick("ruth", "RUTH", "bob"), pick("sam.phyll", "ruth", "nobody")}
	}
	if r.IntN(4) == 0 {
		f.Before = int64(1 + r.IntN(300)) // a page cursor
	}
	return f
}

func TestIndexesAgreeWithAScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 20; round++ {
		s := NewMemStore()
		for b := 0; b < 5; b++ {
			s.Add(randomMessages(r, 1+r.IntN(80)))
			// And fan-outs, stored as one blob their records share.
			s.AddFanOut(randomFanOut(r, 1+r.IntN(40), t0.Add(time.Duration(r.IntN(200))*time.Second)))
		}
		// Mark some seen through Update, as GET /_sim/messages/{id} does.
		for i := 0; i < 10; i++ {
			id := stored(s)[r.IntN(s.Len())].ID
			s.Update(id, func(m *Message) { m.Seen = !m.Seen })
		}
		// Drop the oldest, as a capped store evicts.
		s.evictFirst(min(r.IntN(30), s.Len()))
		// And add after evicting: lists emptied by the eviction must not be reused stale.
		more := randomMessages(r, 1+r.IntN(20))
		for i := range more {
			more[i].ID = fmt.Sprintf("late%d-%d", round, i)
		}
		s.Add(more)
		// Queries change nothing, so the reference reads the messages once per round (decoding
		// them all per query was most of this test's time, ten times more under -race).
		all := stored(s)
		for i := 0; i < 200; i++ {
			f := randomFilter(r)
			if got, want := ids(s.Query(f)), refQuery(all, f); !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
				t.Fatalf("round %d: Query(%+v)\n got %v\nwant %v", round, f, got, want)
			}
			noLimit := f
			noLimit.Limit = 0
			if got, want := s.Count(f), len(refQuery(all, noLimit)); got != want {
				t.Fatalf("round %d: Count(%+v) = %d, want %d", round, f, got, want)
			}
			if got, want := inboxStrings(s.Inboxes(f)), refInboxes(all, f); !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
				t.Fatalf("round %d: Inboxes(%+v)\n got %v\nwant %v", round, f, got, want)
			}
		}
	}
}

func TestUpdateThatMovesAMessageReindexes(t *testing.T) {
	s := newFilledStore(t)
	s.Update("m1", func(m *Message) { m.Recipient = Recipient{ID: "moved"}; m.Channel = ChannelSlack })
	if got := ids(s.Query(Filter{Recipient: "moved"})); !reflect.DeepEqual(got, []string{"m1"}) {
		t.Fatalf("Query(recipient=moved) = %v", got)
	}
	if got := s.Count(Filter{Recipient: "sam.phyll"}); got != 0 {
		t.Fatalf("Count(recipient=sam.phyll) = %d after the move, want 0", got)
	}
}

func TestEvictedPostingsAreCompacted(t *testing.T) {
	s := NewMemStore()
	s.Add(randomMessages(rand.New(rand.NewPCG(3, 4)), 1000))
	s.evictFirst(990)
	check := func(f int, k uint32, p *posting) {
		if len(p.pos) > 2*len(p.live())+65 {
			t.Errorf("field %d list %v keeps %d slots for %d live messages", f, k, len(p.pos), len(p.live()))
		}
	}
	for f, lists := range s.idx.lists {
		for k, p := range lists {
			check(f, k, p)
		}
	}
	for k := range s.idx.codes {
		check(fieldRecipient, uint32(k), &s.idx.codes[k].list)
	}
	total := 0
	s.idx.eachInbox(func(in *inboxAgg) { total += int(in.count) })
	if total != 10 {
		t.Fatalf("inbox counts add up to %d, want 10", total)
	}
}

// TestDictionaryForgetsEvictedStrings: strings only evicted messages used are freed, and their
// codes reused, so a store under its cap doesn't grow with every new recipient.
func TestDictionaryForgetsEvictedStrings(t *testing.T) {
	s := NewBoundedMemStore(10)
	for i := range 1000 {
		s.Add([]Message{{ID: fmt.Sprint(i), Vendor: "kore", Recipient: Recipient{ID: fmt.Sprintf("User%d@Example.com", i), Name: fmt.Sprint("N", i)},
			Status: StatusDelivered, History: []StatusChange{{Status: fmt.Sprint("s", i)}}}})
	}
	if n := s.dict.code.n; n > 100 {
		t.Fatalf("the dictionary holds %d strings for 10 messages", n)
	}
	if got := s.Query(Filter{Recipient: "user999@example.com"}); len(got) != 1 || got[0].Recipient.Name != "N999" || got[0].History[0].Status != "s999" {
		t.Fatalf("newest message read back as %+v", got)
	}
	if got := s.Count(Filter{Recipient: "user5@example.com"}); got != 0 {
		t.Fatalf("an evicted recipient still counts %d", got)
	}
}

// stored decodes every message of s, oldest first.
func stored(s *MemStore) []*Message {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Message, s.ring.n)
	for i := range s.ring.n {
		m := s.message(s.base + int64(i))
		out[i] = &m
	}
	return out
}

func TestContainsText(t *testing.T) {
	tests := []struct {
		s, q string
		want bool
	}{
		{"Disk is FULL", "full", true},
		{"Disk is FULL", "Disk Is", true},
		{"Disk is FULL", "fulll", false},
		{"", "a", false},
		{"abc", "", true},
		{"Straße", "STRASSE", false},
		{"STRASSE", "straße", false},
		{"Ünïcode", "üNÏ", true},
		{"aaab", "aab", true},
		{"x[y]", "[Y]", true},
	}
	for _, tt := range tests {
		if got := containsText(tt.s, tt.q); got != tt.want {
			t.Errorf("containsText(%q, %q) = %v, want %v", tt.s, tt.q, got, tt.want)
		}
		if want := strings.Contains(strings.ToLower(tt.s), strings.ToLower(tt.q)); want != tt.want {
			t.Errorf("case %q/%q disagrees with strings.Contains(ToLower)", tt.s, tt.q)
		}
	}
}

func FuzzContainsText(f *testing.F) {
	f.Add("Disk is FULL", "full")
	f.Add("Ünïcode", "üNÏ")
	f.Fuzz(func(t *testing.T, s, q string) {
		if got, want := containsText(s, q), strings.Contains(strings.ToLower(s), strings.ToLower(q)); got != want {
			t.Fatalf("containsText(%q, %q) = %v, strings.Contains(ToLower) = %v", s, q, got, want)
		}
	})
}

// storeOf fills a store with n small Luma messages to one of 100 users, as a load test leaves it.
func storeOf(b *testing.B, n int) *MemStore {
	b.Helper()
	s := NewBoundedMemStore(n) // NewMemStore would keep only the default 100,000
	data := map[string]any{"templateId": "-1", "responseType": "TEXT"}
	payload := []byte(`{"recipients":{"contacts":["ruth"]},"message":"Exchange is down until 9 PM"}`)
	const batch = 10_000
	at := t0
	for done := 0; done < n; done += batch {
		msgs := make([]Message, min(batch, n-done))
		for i := range msgs {
			at = at.Add(time.Millisecond)
			user := fmt.Sprintf("user%02d", (done+i)%100)
			msgs[i] = Message{ID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", done+i), Vendor: "luma", Tenant: "acme",
				Recipient: Recipient{ID: user, Name: "User", Role: "-4", RoleName: "Self-service"}, Channel: ChannelLumaChat,
				Kind: "text", Body: "Exchange is down until 9 PM", Data: data, Payload: payload, Status: StatusDelivered,
				History: []StatusChange{{Status: StatusDelivered, At: at}}, CreatedAt: at, DeliveredAt: &at, RequestID: "req"}
		}
		s.Add(msgs)
	}
	return s
}

var storeSizes = []int{1_000, 1_000_000}

func BenchmarkStoreInboxPage(b *testing.B) {
	for _, n := range storeSizes {
		s := storeOf(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if got := s.Query(Filter{Recipient: "user42", Limit: 50}); len(got) != min(50, n/100) {
					b.Fatalf("%d messages", len(got))
				}
			}
		})
	}
}

func BenchmarkStoreInboxes(b *testing.B) {
	for _, n := range storeSizes {
		s := storeOf(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if got := s.Inboxes(Filter{}); len(got) != 100 {
					b.Fatalf("%d inboxes", len(got))
				}
			}
		})
	}
}

func BenchmarkStoreCountRecipient(b *testing.B) {
	for _, n := range storeSizes {
		s := storeOf(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				s.Count(Filter{Recipient: "user42"})
			}
		})
	}
}

func BenchmarkStoreTextSearchNoMatch(b *testing.B) {
	for _, n := range storeSizes {
		s := storeOf(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if got := s.Query(Filter{Text: "no such words", Limit: 50}); len(got) != 0 {
					b.Fatal("matched")
				}
			}
		})
	}
}

// BenchmarkStoreMemoryPerMessage reports the live heap per stored small message at 1,000,000
// messages (messages, their strings, the id map, the indexes), after a full GC.
func BenchmarkStoreMemoryPerMessage(b *testing.B) {
	const n = 1_000_000
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := storeOf(b, n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		if s.Len() != n {
			b.Fatalf("the store holds %d messages, not %d", s.Len(), n)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/msg")
		runtime.KeepAlive(s)
	}
}

func TestTextSearchLooksAtTheNewestCandidatesOnly(t *testing.T) {
	s := NewMemStore()
	s.idx.textCap = 10
	msgs := make([]Message, 30)
	for i := range msgs {
		msgs[i] = Message{ID: fmt.Sprint(i), Vendor: "luma", Recipient: Recipient{ID: "ruth"}, Body: "old news", CreatedAt: t0}
		if i >= 25 {
			msgs[i].Body = "fresh news"
		}
		if i%2 == 1 {
			msgs[i].Recipient.ID = "sam"
		}
	}
	s.Add(msgs)
	tests := []struct {
		f    Filter
		want int
	}{
		{Filter{Text: "news"}, 10},                  // the newest 10 of 30
		{Filter{Text: "old"}, 5},                    // 20..24 of the newest ten (20..29)
		{Filter{Text: "old", Vendor: "luma"}, 5},    // the window is of candidates, as the index gives them
		{Filter{Text: "old", Recipient: "ruth"}, 8}, // ruth's newest ten are 10, 12 … 28: eight of them old
		{Filter{Recipient: "ruth"}, 15},             // no text: no window
	}
	for _, tt := range tests {
		if got := len(s.Query(tt.f)); got != tt.want {
			t.Errorf("Query(%+v) found %d, want %d", tt.f, got, tt.want)
		}
		if got := s.Count(tt.f); got != tt.want {
			t.Errorf("Count(%+v) = %d, want %d", tt.f, got, tt.want)
		}
	}
}
