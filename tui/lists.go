package tui

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/notifysim/notifysim/simulator/client"
)

// lists holds the Requests, Jobs, Callbacks and Troubleshoot tabs.
type lists struct {
	requests  []client.JournalEntry
	reqTotal  int64
	reqNext   string
	reqMore   bool // a next page is on its way
	jobs      []client.Job
	callbacks []client.Callback
	trouble   []client.TroubleshootEntry
	cursor    map[tab]int
	offset    map[tab]int
	loaded    map[tab]bool
	// stale tabs changed on the server while out of sight: opening them loads them again.
	stale map[tab]bool
	err   map[tab]string
	// rowsTop is the first row's line at the last draw, for mouse clicks.
	rowsTop int
}

func newLists() lists {
	return lists{cursor: map[tab]int{}, offset: map[tab]int{}, loaded: map[tab]bool{}, stale: map[tab]bool{}, err: map[tab]string{}}
}

// setRequests replaces the journal's first page, keeping the cursor on the entry it was on.
func (l *lists) setRequests(reqs []client.JournalEntry) {
	var id string
	if i := l.cursor[tabRequests]; i > 0 && i < len(l.requests) {
		id = l.requests[i].ID
	}
	l.requests = reqs
	l.cursor[tabRequests] = clamp(l.cursor[tabRequests], 0, max(len(reqs)-1, 0))
	for i, e := range reqs {
		if id != "" && e.ID == id {
			l.cursor[tabRequests] = i
		}
	}
}

func (l *lists) count(t tab) int {
	switch t {
	case tabRequests:
		return len(l.requests)
	case tabJobs:
		return len(l.jobs)
	case tabCallbacks:
		return len(l.callbacks)
	case tabTroubleshoot:
		return len(l.trouble)
	}
	return 0
}

func (l *lists) move(t tab, d int) {
	l.cursor[t] = clamp(l.cursor[t]+d, 0, max(l.count(t)-1, 0))
}

// applyJob updates a job in place from a job.progress event, or puts a new one on top.
func (l *lists) applyJob(j client.Job) {
	l.jobs = upsertOnTop(l, tabJobs, l.jobs, j, func(x client.Job) bool { return x.ID == j.ID })
}

func (l *lists) applyCallback(c client.Callback) {
	l.callbacks = upsertOnTop(l, tabCallbacks, l.callbacks, c, func(x client.Callback) bool { return x.ID == c.ID })
}

// upsertOnTop replaces the entry same picks out, or puts v on top of the list of tab t and moves
// that tab's cursor down one, so it stays on the row it was on.
func upsertOnTop[T any](l *lists, t tab, list []T, v T, same func(T) bool) []T {
	for i := range list {
		if same(list[i]) {
			list[i] = v
			return list
		}
	}
	if l.cursor[t] > 0 {
		l.cursor[t]++
	}
	return append([]T{v}, list...)
}

// progressBar draws a job's progress without colour so it reads the same everywhere.
func progressBar(pct, w int) string {
	w = max(w, 4)
	done := clamp(pct, 0, 100) * w / 100
	return "[" + strings.Repeat("█", done) + strings.Repeat("░", w-done) + "]"
}

func statusStyle(st styles, code int, s string) string {
	switch {
	case code >= 500:
		return st.Bad(s)
	case code >= 400:
		return st.Warn(s)
	}
	return st.OK(s)
}

// firstProblem is a journal entry's first reason, reason first: a row cut short keeps what
// went wrong and loses where.
func firstProblem(e client.JournalEntry) string {
	if len(e.Problems) > 0 {
		p := e.Problems[0]
		if p.Field != "" {
			return p.Reason + " (" + p.Field + ")"
		}
		return p.Reason
	}
	if len(e.Notes) > 0 {
		return e.Notes[0]
	}
	if e.MessageCount > 0 {
		return plural(e.MessageCount, "message")
	}
	return ""
}

func (l *lists) view(st styles, t tab, w, h int) []string {
	var head string
	switch t {
	case tabRequests:
		head = fmt.Sprintf("Requests · %d seen, newest first", l.reqTotal)
	case tabJobs:
		head = "Kore.ai jobs · " + plural(len(l.jobs), "job")
	case tabCallbacks:
		head = "Callbacks · " + plural(len(l.callbacks), "callback")
	case tabTroubleshoot:
		head = "Luma troubleshoot log · " + plural(len(l.trouble), "entry")
		head = strings.Replace(head, "entrys", "entries", 1)
	}
	lines := []string{st.Header(fit(head, w))}
	if e := l.err[t]; e != "" {
		lines = append(lines, st.Bad(fit("! "+e, w)))
	}
	if l.count(t) == 0 && l.loaded[t] {
		lines = append(lines, st.Dim(fit("  nothing yet", w)))
	}
	l.rowsTop = len(lines)
	body := h - len(lines)
	l.offset[t] = scrollTo(l.offset[t], l.cursor[t], body, l.count(t))
	for i := l.offset[t]; i < l.count(t) && len(lines) < h; i++ {
		marker := cursorMark(i == l.cursor[t], true)
		var line string
		switch t {
		case tabRequests:
			e := l.requests[i]
			code := fmt.Sprintf("%d", e.Status)
			rest := w - 1 - 9 - 4 - 7 - 1
			pathW := clamp(rest/2, 12, 48)
			if e.Status >= 400 {
				// A refused request's reason matters more than its path: the path gives way.
				pathW = clamp(rest/3, 12, 32)
			}
			line = marker + e.Time.UTC().Format("15:04:05") + " " + statusStyle(st, e.Status, code) + " " +
				fit(e.Method, 6) + " " + fit(e.Path, pathW) + " " + cut(firstProblem(e), rest-pathW-1)
		case tabJobs:
			j := l.jobs[i]
			line = marker + fit(j.ID, 14) + " " + fit(j.StreamID+" "+j.Channel, 22) + " " + progressBar(j.PercentageComplete, 10) +
				fmt.Sprintf(" %3d%% ", j.PercentageComplete) + fit(j.Status, 15) +
				cut(fmt.Sprintf(" %d ok, %d failed of %d", j.Succeeded, j.Failed, j.Identities), max(w-72, 0))
		case tabCallbacks:
			c := l.callbacks[i]
			last := ""
			if n := len(c.Attempts); n > 0 {
				a := c.Attempts[n-1]
				last = fmt.Sprintf("attempt %d: %d %s", a.Attempt, a.Status, a.Error)
			}
			line = marker + c.Created.UTC().Format("15:04:05") + " " + fit(c.State, 9) + " " + fit(c.URL, clamp(w/3, 16, 48)) + " " + cut(last, w)
		case tabTroubleshoot:
			e := l.trouble[i]
			first := ""
			if len(e.Errors) > 0 {
				first = e.Errors[0]
			}
			line = marker + e.Time.UTC().Format("15:04:05") + " " + fmt.Sprintf("%d", e.Status) + " " + fit(e.Tenant, 10) + " " + cut(first, w)
		}
		line = fit(line, w)
		if i == l.cursor[t] {
			line = st.Selected(line)
		}
		lines = append(lines, line)
	}
	return lines
}

// detail is the text shown when a list row is opened.
func (l *lists) detail(t tab) (string, []string) {
	i := l.cursor[t]
	if i >= l.count(t) {
		return "", nil
	}
	pretty := func(s string) string {
		var v any
		if json.Unmarshal([]byte(s), &v) == nil {
			b, _ := json.MarshalIndent(v, "", "  ")
			return string(b)
		}
		return s
	}
	switch t {
	case tabRequests:
		e := l.requests[i]
		out := []string{fmt.Sprintf("%s %s → %d  (%s %s, %.1f ms)", e.Method, e.Path, e.Status, e.Vendor, e.Operation, e.DurationMS)}
		for _, p := range e.Problems {
			out = append(out, "problem: "+p.String())
		}
		for _, n := range e.Notes {
			out = append(out, "note: "+n)
		}
		out = append(out, "", "request body:", pretty(e.Body), "", "response:", pretty(e.Response))
		return "Request " + e.ID, out
	case tabJobs:
		j := l.jobs[i]
		return "Job " + j.ID, []string{
			fmt.Sprintf("bot %s · channel %s · %s", j.StreamID, j.Channel, j.MessageType),
			fmt.Sprintf("%s %d%% %s", progressBar(j.PercentageComplete, 30), j.PercentageComplete, j.Status),
			fmt.Sprintf("%d identities: %d succeeded, %d failed, %d done", j.Identities, j.Succeeded, j.Failed, j.Count),
			"created " + j.CreatedOn + " · last change " + j.LMod, "request " + j.RequestID,
		}
	case tabCallbacks:
		c := l.callbacks[i]
		out := []string{fmt.Sprintf("%s → %s (%s)", c.Vendor, c.URL, c.State)}
		for _, a := range c.Attempts {
			out = append(out, fmt.Sprintf("attempt %d at %s: status %d %s (%.1f ms)", a.Attempt, a.Time.UTC().Format("15:04:05"), a.Status, a.Error, a.DurationMS))
		}
		return "Callback " + c.ID, append(out, "", "body:", pretty(string(c.Body)))
	case tabTroubleshoot:
		e := l.trouble[i]
		out := []string{fmt.Sprintf("%s %s → %d", e.Vendor, e.Tenant, e.Status)}
		for _, er := range e.Errors {
			out = append(out, "error: "+er)
		}
		return "Troubleshoot " + e.RequestID, append(out, "", "body:", pretty(e.Body))
	}
	return "", nil
}
