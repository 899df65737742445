package simulator

import (
	"fmt"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fault"
	"github.com/notifysim/notifysim/simulator/fixtures"
	"github.com/notifysim/notifysim/simulator/store"
)

// openData opens Options.DataFile and reads back what it holds; nil without a data file.
func (s *Simulator) openData() (*store.Saved, error) {
	if s.opts.DataFile == "" {
		return nil, nil
	}
	db, err := store.Open(s.opts.DataFile, s.opts.Logger)
	if err != nil {
		return nil, err
	}
	mem, ok := s.env.Store.(*core.MemStore)
	if !ok {
		db.Close()
		return nil, fmt.Errorf("data file %s: the message store is a %T, which can't be restored", s.opts.DataFile, s.env.Store)
	}
	saved, err := db.Load(mem.Cap())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("data file %s: %w", s.opts.DataFile, err)
	}
	s.data, s.saved = db, saved
	return saved, nil
}

// closeData commits what is pending and closes the data file.
func (s *Simulator) closeData() {
	s.mu.Lock()
	db := s.data
	s.mu.Unlock()
	if db == nil {
		return
	}
	if err := db.Close(); err != nil {
		s.env.Log.Error("closing the data file", "file", db.Path(), "error", err)
	}
}

// resume puts back what the data file held, on top of the freshly loaded dataset ds, then
// starts recording. What restarts timers (callbacks, jobs, scheduled deliveries) comes after
// recording starts, so what those timers change is recorded too.
func (s *Simulator) resume(saved *store.Saved, ds fixtures.Dataset) error {
	if s.data == nil {
		return nil
	}
	mem := s.env.Store.(*core.MemStore) // openData checked it
	fresh := saved.Empty()
	if !fresh && s.opts.Fixtures != nil {
		s.env.Log.Warn("the data file holds a dataset already: resuming with it, not with the one given; PUT /_sim/fixtures replaces it",
			"file", s.opts.DataFile)
	}
	if !fresh {
		if c := saved.Clock; c != nil {
			if c.Frozen {
				s.env.Clock.Freeze()
				s.env.Clock.Set(c.Now)
			} else {
				s.env.Clock.Resume()
				s.env.Clock.Set(time.Now().Add(c.Offset))
			}
		}
		// A resumed run must not hand out the ids the last one did; seeded, it stays reproducible.
		if s.opts.Seed != 0 {
			s.env.IDs.Reseed(s.opts.Seed + uint64(saved.Runs)*0x9E3779B97F4A7C15)
		}
		mem.Restore(saved.Messages)
		s.journal.Restore(saved.Journal, saved.JournalSeqs, int64(len(saved.Journal)))
		s.env.Troubleshoot.Restore(saved.Troubleshoot, saved.TroubleSeqs)
	}
	db := s.data
	s.env.Durable = db
	mem.SetDurable(db)
	s.journal.SetDurable(db)
	s.env.Troubleshoot.SetDurable(db)
	s.env.Callbacks.SetDurable(db)
	db.Start(s.env.Clock)
	if fresh {
		db.ResetTo(ds)
		return db.Sync()
	}
	if b, ok := saved.Blobs[fault.BlobName]; ok {
		if err := s.faults.Restore(b); err != nil {
			return fmt.Errorf("data file %s: %w", s.opts.DataFile, err)
		}
	}
	s.env.Callbacks.Restore(saved.Callbacks)
	for _, v := range s.vendors {
		r, ok := v.(core.Restorer)
		if !ok {
			continue
		}
		if err := r.Restore(saved.State[v.Name()]); err != nil {
			return fmt.Errorf("data file %s: %s state: %w", s.opts.DataFile, v.Name(), err)
		}
	}
	s.saved = &store.Saved{Blobs: saved.Blobs} // the rest is in memory now, where it belongs
	n := s.env.ResumeScheduled()
	s.env.Log.Info("resumed from the data file", "file", s.opts.DataFile, "messages", len(saved.Messages),
		"journal", len(saved.Journal), "callbacks", len(saved.Callbacks), "scheduled", n)
	return nil
}

// Blob is a named JSON document a previous run saved with Env.SaveBlob (fault rules, for
// instance); false without a data file or when none was saved.
func (s *Simulator) Blob(name string) ([]byte, bool) {
	if s.saved == nil {
		return nil, false
	}
	b, ok := s.saved.Blobs[name]
	return b, ok
}
