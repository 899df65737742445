package kore

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/kore/script"
)

// Rows this package records with --data: every job with its status logs, and each bot's
// rate-limit window. Apps, bots and users come from the dataset and never change.
const (
	kindJob     = "job"
	kindLimiter = "ratelimit"
)

type savedJob struct {
	ID          string      `json:"id"`
	Bot         string      `json:"bot"`
	CreatedBy   string      `json:"createdBy"`
	Channel     string      `json:"channel"`
	MsgType     string      `json:"msgType"`
	Val         string      `json:"val"`
	Identities  []string    `json:"identities"`
	RequestID   string      `json:"requestId"`
	PayloadHead []byte      `json:"payloadHead"`
	Created     time.Time   `json:"created"`
	Status      string      `json:"status"`
	Percent     int         `json:"percent"`
	Logs        []statusLog `json:"logs"`
	LMod        time.Time   `json:"lMod"`
}

// saveJob marks j as changed and forgets the jobs addJob dropped. The row is encoded at commit
// time; each identity has one status log, so the logs also say how far the job got.
func (v *Vendor) saveJob(j *job, dropped []*job) {
	if !v.env.Persistent() {
		return
	}
	for _, old := range dropped {
		v.env.DeleteState(v.Name(), kindJob, old.id)
	}
	v.env.SaveState(v.Name(), kindJob, j.id, func() any {
		j.mu.Lock()
		defer j.mu.Unlock()
		return savedJob{ID: j.id, Bot: j.bot.id, CreatedBy: j.createdBy, Channel: j.channel, MsgType: j.msgType, Val: j.val,
			Identities: j.identities, RequestID: j.requestID, PayloadHead: j.payloadHead, Created: j.created,
			Status: j.status, Percent: j.percent, Logs: j.logs[:len(j.logs):len(j.logs)], LMod: j.lMod}
	})
}

// saveLimiter marks a bot's rate-limit window as changed: the calls of the last hour, as
// milliseconds since the first, so a restart does not hand a bot a fresh hour.
func (v *Vendor) saveLimiter(b *bot) {
	if !v.env.Persistent() {
		return
	}
	v.env.SaveState(v.Name(), kindLimiter, b.id, func() any {
		b.limiter.mu.Lock()
		defer b.limiter.mu.Unlock()
		w := savedWindow{Hits: make([]int64, len(b.limiter.hits))}
		if len(b.limiter.hits) > 0 {
			w.Base = b.limiter.hits[0]
		}
		for i, t := range b.limiter.hits {
			w.Hits[i] = t.Sub(w.Base).Milliseconds()
		}
		return w
	})
}

type savedWindow struct {
	Base time.Time `json:"base"`
	Hits []int64   `json:"hits"` // ms after Base
}

// Restore puts back the jobs and rate-limit windows a previous run recorded, and sets the jobs
// still in progress going again from the identity they had reached. Rows for bots the dataset no
// longer has are skipped.
func (v *Vendor) Restore(rows []core.StateRow) error {
	st := v.state.Load()
	var jobs []*job
	for _, r := range rows {
		switch r.Kind {
		case kindLimiter:
			b := st.bots[r.Key]
			if b == nil {
				continue
			}
			var w savedWindow
			if err := json.Unmarshal(r.Value, &w); err != nil {
				return fmt.Errorf("rate-limit window of bot %s: %w", r.Key, err)
			}
			hits := make([]time.Time, len(w.Hits))
			for i, ms := range w.Hits {
				hits[i] = w.Base.Add(time.Duration(ms) * time.Millisecond)
			}
			sort.Slice(hits, func(i, k int) bool { return hits[i].Before(hits[k]) })
			b.limiter.mu.Lock()
			b.limiter.hits = hits
			b.limiter.mu.Unlock()
		case kindJob:
			var sj savedJob
			if err := json.Unmarshal(r.Value, &sj); err != nil {
				return fmt.Errorf("job %s: %w", r.Key, err)
			}
			b := st.bots[sj.Bot]
			if b == nil || len(sj.Identities) == 0 || len(sj.Logs) > len(sj.Identities) {
				continue
			}
			j := &job{id: sj.ID, st: st, bot: b, createdBy: sj.CreatedBy, channel: sj.Channel, msgType: sj.MsgType,
				val: sj.Val, identities: sj.Identities, requestID: sj.RequestID, payloadHead: sj.PayloadHead,
				created: sj.Created, next: len(sj.Logs), status: sj.Status, percent: sj.Percent, logs: sj.Logs, lMod: sj.LMod}
			if j.msgType == "script" {
				j.program, j.compileErr = script.Compile(j.val)
			}
			jobs = append(jobs, j)
		}
	}
	for _, j := range jobs {
		for _, old := range st.addJob(j) {
			v.env.DeleteState(v.Name(), kindJob, old.id)
		}
		if j.status == JobInProgress {
			// The next step falls due one pace after the last, as it would have without the restart.
			wait := max(j.lMod.Add(j.bot.pace).Sub(v.env.Clock.Now()), 0)
			v.env.Clock.AfterFunc(wait, func() { v.step(j) })
		}
	}
	return nil
}
