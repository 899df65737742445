package fault

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// BlobName is the name under which the rules are kept in a data file (serve --data).
const BlobName = "faults"

// savedRule is one rule as a data file keeps it: the rule, its counters, and where its
// probability draws had got to, so a restart neither re-arms a spent count nor replays draws.
type savedRule struct {
	Rule    Rule   `json:"rule"`
	Seed    uint64 `json:"seed"`
	Matched int    `json:"matched"`
	Fired   int    `json:"fired"`
	File    bool   `json:"file"`
	RNG     []byte `json:"rng"`
}

type savedSet struct {
	Rules []savedRule `json:"rules"`
	Next  int         `json:"next"`
	Seeds []byte      `json:"seeds"`
}

// changed marks the rules as changed for a data file; they are encoded when the change commits.
// Callers may hold s.mu: the snapshot takes it later, on the committer's goroutine.
func (s *Set) changed() {
	if !s.env.Persistent() {
		return
	}
	s.env.SaveBlob(BlobName, core.Snapshot(func() any {
		s.mu.Lock()
		defer s.mu.Unlock()
		out := savedSet{Next: s.next, Rules: make([]savedRule, 0, len(s.rules))}
		out.Seeds, _ = s.seeds.MarshalBinary()
		for _, e := range s.rules {
			rng, _ := e.rng.MarshalBinary()
			out.Rules = append(out.Rules, savedRule{Rule: e.rule, Seed: e.seed, Matched: e.matched, Fired: e.fired, File: e.file, RNG: rng})
		}
		return out
	}))
}

// Restore replaces the rules with those a data file kept, counters and draws included. The
// rules loaded from a --faults file at start-up are among them, so they are replaced too.
func (s *Set) Restore(data []byte) error {
	var saved savedSet
	if err := json.Unmarshal(data, &saved); err != nil {
		return fmt.Errorf("fault rules: %w", err)
	}
	rules := make([]*entry, 0, len(saved.Rules))
	next := saved.Next
	for i, sr := range saved.Rules {
		e := &entry{rule: sr.Rule, seed: sr.Seed, matched: sr.Matched, fired: sr.Fired, file: sr.File, rng: core.NewIDs(sr.Seed)}
		if len(sr.RNG) > 0 {
			if err := e.rng.UnmarshalBinary(sr.RNG); err != nil {
				return fmt.Errorf("fault rule %d (%s): %w", i+1, sr.Rule.ID, err)
			}
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(sr.Rule.ID, "f-")); err == nil && strings.HasPrefix(sr.Rule.ID, "f-") {
			next = max(next, n)
		}
		rules = append(rules, e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(saved.Seeds) > 0 {
		if err := s.seeds.UnmarshalBinary(saved.Seeds); err != nil {
			return fmt.Errorf("fault rules: %w", err)
		}
	}
	s.rules, s.next = rules, next
	s.size.Store(int32(len(s.rules)))
	return nil
}
