package contracts

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	gherkin "github.com/cucumber/gherkin/go/v26"
	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"
)

// Result is what happened to one scenario: where it is written, and for a failure which step
// failed and why. Outline rows are scenarios of their own, named by their example values.
type Result struct {
	Feature  string // the feature's name, the JUnit classname
	File     string // the feature file, as a user finds it (features/luma/notify.feature)
	Line     int    // the scenario's line, or the example row's line for an outline row
	Name     string // the scenario's name; an outline row's adds its example values
	Status   string // passed, failed, undefined, or skipped (a step can't run where the run is: see Message)
	Step     string // the failed (or undefined) step, keyword and text
	StepLine int    // that step's line (0: the failure came after the last step)
	Message  string // why it failed
	Duration time.Duration
}

// Location is file:line, what an editor or a CI log links to.
func (r Result) Location() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

// fileOf is the feature file of a scenario's uri: godog adds ":LINE" when a path named the line.
func fileOf(uri string) string {
	if i := strings.LastIndexByte(uri, ':'); i > 0 {
		if _, err := strconv.Atoi(uri[i+1:]); err == nil {
			return uri[:i]
		}
	}
	return uri
}

// pickleInfo is what the report knows of a scenario from its feature file.
type pickleInfo struct {
	feature   string
	line      int
	example   string
	stepLines []int
	keywords  []string
}

// report collects the results of a run. Scenarios end concurrently, so it locks.
type report struct {
	fsys    fs.FS
	prefix  string // shown before feature paths (features/ for the embedded contracts)
	live    io.Writer
	started time.Time

	mu      sync.Mutex
	parsed  map[string]map[string][]pickleInfo // uri → pickle key → infos (identical rows repeat)
	results []Result
	column  int
}

func newReport(fsys fs.FS, prefix string, live io.Writer) *report {
	return &report{fsys: fsys, prefix: prefix, live: live, started: time.Now(), parsed: map[string]map[string][]pickleInfo{}}
}

// pickleKey identifies a scenario within its file by what godog gives the hooks: the name and
// the steps with their doc strings and tables (where an outline row's values end up). godog's own ids are not reproducible
// outside its parser.
func pickleKey(name string, steps []*messages.PickleStep) string {
	var b strings.Builder
	b.WriteString(name)
	for _, s := range steps {
		b.WriteString("\x00")
		b.WriteString(s.Text)
		// An outline's placeholders may sit only in a doc string or a table.
		if a := s.Argument; a != nil {
			if a.DocString != nil {
				b.WriteString("\x01" + a.DocString.Content)
			}
			if a.DataTable != nil {
				for _, row := range a.DataTable.Rows {
					for _, c := range row.Cells {
						b.WriteString("\x02" + c.Value)
					}
				}
			}
		}
	}
	return b.String()
}

// infos parses a feature file once and indexes its scenarios.
func (r *report) infos(uri string) map[string][]pickleInfo {
	if m, ok := r.parsed[uri]; ok {
		return m
	}
	m := map[string][]pickleInfo{}
	r.parsed[uri] = m
	data, err := fs.ReadFile(r.fsys, uri)
	if err != nil {
		return m
	}
	ids := &messages.Incrementing{}
	doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), ids.NewId)
	if err != nil || doc.Feature == nil {
		return m
	}
	scenarios := map[string]*messages.Scenario{}
	steps := map[string]*messages.Step{}
	rows := map[string]string{}
	rowLines := map[string]int{}
	addScenario := func(s *messages.Scenario) {
		scenarios[s.Id] = s
		for _, st := range s.Steps {
			steps[st.Id] = st
		}
		for _, ex := range s.Examples {
			if ex.TableHeader == nil {
				continue
			}
			for _, row := range ex.TableBody {
				var parts []string
				for i, c := range row.Cells {
					if i < len(ex.TableHeader.Cells) {
						parts = append(parts, ex.TableHeader.Cells[i].Value+"="+c.Value)
					}
				}
				rows[row.Id] = strings.Join(parts, ", ")
				rowLines[row.Id] = int(row.Location.Line)
			}
		}
	}
	addBackground := func(b *messages.Background) {
		for _, st := range b.Steps {
			steps[st.Id] = st
		}
	}
	for _, c := range doc.Feature.Children {
		switch {
		case c.Background != nil:
			addBackground(c.Background)
		case c.Scenario != nil:
			addScenario(c.Scenario)
		case c.Rule != nil:
			for _, rc := range c.Rule.Children {
				if rc.Background != nil {
					addBackground(rc.Background)
				}
				if rc.Scenario != nil {
					addScenario(rc.Scenario)
				}
			}
		}
	}
	for _, p := range gherkin.Pickles(*doc, uri, ids.NewId) {
		info := pickleInfo{feature: doc.Feature.Name}
		if len(p.AstNodeIds) > 0 {
			if s := scenarios[p.AstNodeIds[0]]; s != nil {
				info.line = int(s.Location.Line)
			}
		}
		if len(p.AstNodeIds) > 1 {
			info.example = rows[p.AstNodeIds[1]]
			info.line = rowLines[p.AstNodeIds[1]]
		}
		for _, ps := range p.Steps {
			line, kw := 0, ""
			if len(ps.AstNodeIds) > 0 {
				if st := steps[ps.AstNodeIds[0]]; st != nil {
					line, kw = int(st.Location.Line), strings.TrimSpace(st.Keyword)
				}
			}
			info.stepLines = append(info.stepLines, line)
			info.keywords = append(info.keywords, kw)
		}
		key := pickleKey(p.Name, p.Steps)
		m[key] = append(m[key], info)
	}
	return m
}

// scenarioRun follows one scenario from its first step to its end.
type scenarioRun struct {
	pickle   *godog.Scenario
	started  time.Time
	failed   int // index of the first step that did not pass, -1 for none
	status   string
	stepErr  error
	skipped  int // index of the step that skipped the scenario (godog.ErrSkip), -1 for none
	skipErr  error
	finished bool
}

func (r *report) start(p *godog.Scenario) *scenarioRun {
	return &scenarioRun{pickle: p, started: time.Now(), failed: -1, skipped: -1}
}

// step records a step's outcome; the first one that fails or is undefined is the one reported,
// and the one that skips the scenario (the steps after it are skipped too) says why.
func (s *scenarioRun) step(st *godog.Step, status godog.StepResultStatus, err error) {
	if s.failed >= 0 || status == godog.StepPassed {
		return
	}
	i := slices.IndexFunc(s.pickle.Steps, func(ps *messages.PickleStep) bool { return ps.Id == st.Id })
	if status == godog.StepSkipped {
		if s.skipped < 0 && errors.Is(err, godog.ErrSkip) {
			s.skipped, s.skipErr = i, err
		}
		return
	}
	s.failed = i
	s.status = status.String()
	s.stepErr = err
}

// finish records the scenario; err is the scenario's error after its own clean-up.
func (r *report) finish(s *scenarioRun, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.finished {
		return
	}
	s.finished = true
	p := s.pickle
	uri := fileOf(p.Uri)
	res := Result{File: r.prefix + uri, Name: p.Name, Status: "passed", Duration: time.Since(s.started)}
	key := pickleKey(p.Name, p.Steps)
	var info pickleInfo
	if infos := r.infos(uri)[key]; len(infos) > 0 {
		info = infos[0]
		// Identical outline rows are indistinguishable; hand them out in order.
		if len(infos) > 1 {
			r.parsed[uri][key] = infos[1:]
		}
	}
	res.Feature, res.Line = info.feature, info.line
	if info.example != "" {
		res.Name += " [" + info.example + "]"
	}
	stepText := func(i int) string {
		text := p.Steps[i].Text
		if i < len(info.keywords) {
			text = strings.TrimSpace(info.keywords[i] + " " + text)
			res.StepLine = info.stepLines[i]
		}
		return text
	}
	switch {
	case s.failed < 0 && err == nil && s.skipped >= 0:
		res.Status, res.Step, res.Message = "skipped", stepText(s.skipped), s.skipErr.Error()
	case s.failed >= 0:
		res.Status = s.status
		if res.Status == "undefined" || res.Status == "pending" || res.Status == "ambiguous" {
			res.Status = "undefined"
		} else {
			res.Status = "failed"
		}
		res.Step = stepText(s.failed)
		switch {
		case s.stepErr != nil && res.Status == "undefined":
			res.Message = "no step definition matches this step (see contracts/STEPS.md)"
		case s.stepErr != nil:
			res.Message = s.stepErr.Error()
		case err != nil:
			res.Message = err.Error()
		}
	case err != nil:
		res.Status, res.Message = "failed", err.Error()
		res.Step = "after the last step"
	}
	r.results = append(r.results, res)
	r.progress(res)
}

// progress writes one character per scenario, and a failure in full as soon as it happens.
func (r *report) progress(res Result) {
	if r.live == nil {
		return
	}
	if res.Status == "passed" || res.Status == "skipped" {
		mark := "."
		if res.Status == "skipped" {
			mark = "s"
		}
		fmt.Fprint(r.live, mark)
		r.column++
		if r.column == 70 {
			fmt.Fprintf(r.live, " %d\n", len(r.results))
			r.column = 0
		}
		return
	}
	if r.column > 0 {
		fmt.Fprintln(r.live)
		r.column = 0
	}
	writeFailure(r.live, res)
}

func writeFailure(w io.Writer, res Result) {
	fmt.Fprintf(w, "--- %s: %s  %s\n", strings.ToUpper(res.Status), res.Location(), res.Name)
	if res.StepLine > 0 {
		fmt.Fprintf(w, "    step %s:%d  %s\n", res.File, res.StepLine, res.Step)
	} else if res.Step != "" {
		fmt.Fprintf(w, "    %s\n", res.Step)
	}
	for _, line := range strings.Split(strings.TrimRight(res.Message, "\n"), "\n") {
		fmt.Fprintf(w, "      %s\n", line)
	}
}

// Results returns the results so far, ordered by file and line.
func (r *report) Results() []Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]Result(nil), r.results...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}

// Summary is the last line of a report: how many scenarios passed and failed, and in how long
// when took is not 0.
func Summary(results []Result, took time.Duration) string {
	var passed, failed, undefined, skipped int
	for _, r := range results {
		switch r.Status {
		case "passed":
			passed++
		case "undefined":
			undefined++
		case "skipped":
			skipped++
		default:
			failed++
		}
	}
	s := fmt.Sprintf("%d scenarios: %d passed, %d failed", len(results), passed, failed)
	if undefined > 0 {
		s += fmt.Sprintf(", %d undefined", undefined)
	}
	if skipped > 0 {
		s += fmt.Sprintf(", %d skipped", skipped)
	}
	if took > 0 {
		s += fmt.Sprintf(" (%s)", took.Round(time.Millisecond))
	}
	return s
}

// writeConcise ends the progress report: every failure again by location, then the summary.
func (r *report) writeConcise(w io.Writer) {
	results := r.Results()
	if r.column > 0 {
		fmt.Fprintln(w)
	}
	var failures, skipped []Result
	for _, res := range results {
		switch res.Status {
		case "passed":
		case "skipped":
			skipped = append(skipped, res)
		default:
			failures = append(failures, res)
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "\n%d skipped:\n", len(skipped))
		for _, f := range skipped {
			fmt.Fprintf(w, "  %s  %s\n      %s\n", f.Location(), f.Name, f.Message)
		}
	}
	if len(failures) > 0 {
		fmt.Fprintf(w, "\n%d failed:\n", len(failures))
		for _, f := range failures {
			fmt.Fprintf(w, "  %s  %s\n", f.Location(), f.Name)
		}
	}
	fmt.Fprintln(w, Summary(results, time.Since(r.started)))
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	File     string      `xml:"file,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      int           `xml:"line,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// writeJUnit writes one testsuite per feature file and one testcase per scenario (outline rows
// included), with the feature as classname so CI systems group them the way the files do.
func (r *report) writeJUnit(w io.Writer) error {
	results := r.Results()
	all := junitSuites{Name: "notifysim contracts", Time: seconds(time.Since(r.started))}
	for _, res := range results {
		if len(all.Suites) == 0 || all.Suites[len(all.Suites)-1].File != res.File {
			all.Suites = append(all.Suites, junitSuite{Name: res.Feature, File: res.File})
		}
		s := &all.Suites[len(all.Suites)-1]
		c := junitCase{Name: res.Name, Classname: res.Feature, File: res.File, Line: res.Line, Time: seconds(res.Duration)}
		problem := &junitProblem{Message: res.Step + ": " + firstLine(res.Message), Type: res.Status,
			Text: fmt.Sprintf("%s\nstep %s:%d  %s\n%s\n", res.Location(), res.File, res.StepLine, res.Step, res.Message)}
		switch res.Status {
		case "passed":
		case "skipped":
			c.Skipped = &junitSkipped{Message: res.Step + ": " + res.Message}
			s.Skipped++
			all.Skipped++
		case "undefined":
			c.Error = problem
			s.Errors++
			all.Errors++
		default:
			c.Failure = problem
			s.Failures++
			all.Failures++
		}
		s.Tests++
		all.Tests++
		s.Cases = append(s.Cases, c)
	}
	for i := range all.Suites {
		var d time.Duration
		for _, c := range all.Suites[i].Cases {
			f, _ := strconv.ParseFloat(c.Time, 64)
			d += time.Duration(f * float64(time.Second))
		}
		all.Suites[i].Time = seconds(d)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
