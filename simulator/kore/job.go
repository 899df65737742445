package kore

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/kore/card"
	"github.com/notifysim/notifysim/simulator/kore/script"
)

// Job statuses, and the words of the status log.
const (
	JobInProgress     = "IN_PROGRESS"
	JobSuccess        = "SUCCESS"
	JobFailure        = "FAILURE"
	JobPartialSuccess = "PARTIAL_SUCCESS"

	jobType   = "PROACTIVE_NOTIFICATIONS_API"
	jobAction = "PROACTIVE_NOTIFICATIONS"

	CommentSent = "Notification has been sent successfully"
	// CommentNotAssociated keeps the single quotes the real API puts around it.
	CommentNotAssociated = "'Identity is not associated with the channel'"
)

// DefaultScriptTimeLimit bounds one script run when the bot sets no limit.
const DefaultScriptTimeLimit = script.DefaultTime

// timeLayout is how Kore writes times: UTC, milliseconds, Z.
const timeLayout = "2006-01-02T15:04:05.000Z"

func kTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// lMod is written at second precision ("…:48.000Z") in the vendor's samples.
func kSecond(t time.Time) string { return t.UTC().Truncate(time.Second).Format(timeLayout) }

func (b *bot) scriptTimeLimit() time.Duration {
	if b.scriptLimit > 0 {
		return b.scriptLimit
	}
	return DefaultScriptTimeLimit
}

// job is one accepted notify request: it works through its identities one pace at a time on the
// simulator clock.
type job struct {
	id         string
	st         *state // the dataset the job belongs to; a reset orphans it
	bot        *bot
	createdBy  string
	channel    string
	msgType    string
	val        string
	program    *script.Program
	compileErr error
	// payload is a script val that is a JSON object: delivered as it is, not run.
	payload    map[string]any
	identities []string
	requestID  string
	// failing maps each identity (lower case) a fail-delivery fault rule fails to that rule.
	failing map[string]string
	// payloadHead is the notify body up to the identities, already encoded: each message's
	// payload is the body narrowed to its own identity, so a 1,000-identity job does not keep
	// (and every event does not copy) the whole list 1,000 times.
	payloadHead []byte
	created     time.Time

	// next is touched only by step, and steps run one at a time on the clock.
	next int

	mu      sync.Mutex
	status  string
	percent int
	logs    []statusLog
	lMod    time.Time
}

type statusLog struct {
	ID             string `json:"_id"`
	RequestID      string `json:"requestId"`
	OriginalID     string `json:"originalId"`
	Status         string `json:"status"`
	CreatedBy      string `json:"createdBy"`
	Comments       string `json:"comments"`
	StreamID       string `json:"streamId"`
	Channel        string `json:"channel"`
	KoreID         string `json:"koreId,omitempty"`
	ChannelID      string `json:"channelId,omitempty"`
	MessagestoreID string `json:"messagestoreId,omitempty"`
	CreatedOn      string `json:"createdOn"`
	V              int    `json:"__v"`
}

// jobView is the job as the API shows it, fields in the vendor's order.
type jobView struct {
	Status             string      `json:"status"`
	PercentageComplete int         `json:"percentageComplete"`
	StreamID           string      `json:"streamId"`
	CreatedBy          string      `json:"createdBy"`
	JobType            string      `json:"jobType"`
	Action             string      `json:"action"`
	StatusLogs         []statusLog `json:"statusLogs"`
	ID                 string      `json:"_id"`
	LMod               string      `json:"lMod"`
	CreatedOn          string      `json:"createdOn"`
	RequestedTime      string      `json:"requestedTime"`
	V                  int         `json:"__v"`
	Count              *int        `json:"count,omitempty"`
}

// view is the job as it stands. The send answer has no count; the status answer has one.
func (j *job) view(withCount bool) jobView {
	j.mu.Lock()
	// Logs are only appended and never changed, so the slice up to len can be read unlocked.
	logs := j.logs[:len(j.logs):len(j.logs)]
	v := jobView{
		Status: j.status, PercentageComplete: j.percent, StreamID: j.bot.id, CreatedBy: j.createdBy,
		JobType: jobType, Action: jobAction, StatusLogs: logs, ID: j.id, LMod: kSecond(j.lMod),
		CreatedOn: kTime(j.created), RequestedTime: kTime(j.created),
	}
	j.mu.Unlock()
	if v.StatusLogs == nil {
		v.StatusLogs = []statusLog{}
	}
	if withCount {
		n := len(logs)
		v.Count = &n
	}
	return v
}

type jobSummary struct {
	ID                 string `json:"_id"`
	StreamID           string `json:"streamId"`
	Channel            string `json:"channel"`
	MessageType        string `json:"messageType"`
	Status             string `json:"status"`
	PercentageComplete int    `json:"percentageComplete"`
	Identities         int    `json:"identities"`
	Count              int    `json:"count"`
	Succeeded          int    `json:"succeeded"`
	Failed             int    `json:"failed"`
	CreatedOn          string `json:"createdOn"`
	LMod               string `json:"lMod"`
	RequestID          string `json:"requestId"`
}

func (j *job) summary() jobSummary {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := jobSummary{ID: j.id, StreamID: j.bot.id, Channel: j.channel, MessageType: j.msgType, Status: j.status,
		PercentageComplete: j.percent, Identities: len(j.identities), Count: len(j.logs),
		CreatedOn: kTime(j.created), LMod: kTime(j.lMod), RequestID: j.requestID}
	for _, l := range j.logs {
		if l.Status == JobSuccess {
			s.Succeeded++
		} else {
			s.Failed++
		}
	}
	return s
}

// start schedules the first identity one pace after the send.
func (v *Vendor) start(j *job) { v.schedule(j) }

// schedule runs the job's next step one pace from now. A script job's step runs away from the
// clock's goroutine (Clock.Go): a script may use its whole time limit, and other timers
// (deliveries, receipts, other jobs) must not wait for it.
func (v *Vendor) schedule(j *job) {
	v.env.Clock.AfterFunc(j.bot.pace, func() {
		if j.msgType == "script" {
			v.env.Clock.Go(func() { v.step(j) })
			return
		}
		v.step(j)
	})
}

// outcome is what happened to one identity.
type outcome struct {
	identity  string
	user      *user
	channelID string
	kind      string
	text      string
	data      map[string]any
	failure   string
}

// step notifies the next identity (every remaining one at zero pace), records the status logs,
// and schedules the next step. A job whose dataset was reset away stops quietly.
func (v *Vendor) step(j *job) {
	if v.state.Load() != j.st {
		return
	}
	n := 1
	if j.bot.pace <= 0 {
		n = len(j.identities) - j.next
	}
	if n <= 0 {
		return
	}
	outs := v.resolve(j, j.identities[j.next:j.next+n])
	now := v.env.Clock.Now()
	// What every log and message of the step shares is made once, not once per identity.
	createdOn := kTime(now)
	var jobID any = j.id
	logs := make([]statusLog, len(outs))
	msgs := make([]core.Message, 0, len(outs))
	for i, o := range outs {
		if len(j.failing) > 0 && o.failure == "" {
			if _, ok := j.failing[strings.ToLower(o.identity)]; ok {
				o.failure = CommentDeliveryFailed // the rule's id is in the journal, not the vendor's log
			}
		}
		l := statusLog{ID: v.env.IDs.PrefixedUUID("nl-"), RequestID: j.id, OriginalID: o.identity, CreatedBy: j.createdBy,
			StreamID: j.bot.id, Channel: j.channel, CreatedOn: createdOn}
		if o.failure != "" {
			l.Status, l.Comments = JobFailure, o.failure
		} else {
			l.Status, l.Comments = JobSuccess, CommentSent
			l.KoreID, l.ChannelID, l.MessagestoreID = o.user.koreID, o.channelID, v.env.IDs.PrefixedUUID("ms-")
			data := make(map[string]any, 6+len(o.data))
			data["jobId"], data["statusLogId"], data["koreId"] = jobID, l.ID, o.user.koreID
			data["channelId"], data["messagestoreId"], data["identity"] = o.channelID, l.MessagestoreID, o.identity
			for k, val := range o.data {
				data[k] = val
			}
			msgs = append(msgs, core.Message{
				ID: l.MessagestoreID, Vendor: "kore", Tenant: j.bot.id, Channel: j.channel, Kind: o.kind,
				Recipient: core.Recipient{ID: o.user.email, Name: o.user.name, Address: o.channelID},
				Body:      o.text, Data: data, Payload: j.payloadFor(o.identity), RequestID: j.requestID,
			})
		}
		logs[i] = l
	}
	// Scripts take time; a reset during them must not deliver into the new dataset's inboxes.
	if v.state.Load() != j.st {
		return
	}
	// Messages land before the log says SUCCESS, so a client that sees SUCCESS finds the message.
	// With --data both commit together: a restart neither loses a step nor repeats one.
	var done bool
	v.env.Atomic(func() {
		if len(msgs) > 0 {
			v.env.Deliver(nil, msgs...)
		}
		j.next += n
		done = j.next >= len(j.identities)
		j.mu.Lock()
		j.logs = append(j.logs, logs...)
		j.percent = j.next * 100 / len(j.identities)
		j.lMod = now
		if done {
			j.status = finalStatus(j.logs)
		}
		j.mu.Unlock()
		v.saveJob(j, nil)
	})
	v.env.Bus.Publish(core.Event{Type: core.EventJobProgress, Time: now, Vendor: "kore", Data: j.summary()})
	if !done {
		v.schedule(j)
	}
}

func (j *job) payloadFor(identity string) json.RawMessage {
	out := make([]byte, 0, len(j.payloadHead)+len(identity)+4)
	out = append(out, j.payloadHead...)
	if plainJSON(identity) {
		out = append(append(append(out, '"'), identity...), '"')
	} else {
		id, _ := json.Marshal(identity)
		out = append(out, id...)
	}
	return append(out, ']', '}')
}

// plainJSON: s encodes in JSON as itself between quotes (json.Marshal escapes control
// characters, quotes, backslashes, <, > and &, and rewrites invalid UTF-8 and U+2028/9).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func finalStatus(logs []statusLog) string {
	ok := 0
	for _, l := range logs {
		if l.Status == JobSuccess {
			ok++
		}
	}
	switch ok {
	case len(logs):
		return JobSuccess
	case 0:
		return JobFailure
	}
	return JobPartialSuccess
}

// resolve maps each identity to the user's identity on the job's channel and renders the
// message; scripts of a batch run side by side, each worker with its own script.Runner.
func (v *Vendor) resolve(j *job, identities []string) []outcome {
	outs := make([]outcome, len(identities))
	var scripted []int
	for i, id := range identities {
		o := outcome{identity: id}
		u := j.st.users[strings.ToLower(strings.TrimSpace(id))]
		if u == nil || u.channels[j.channel] == "" {
			o.failure = CommentNotAssociated
		} else {
			o.user, o.channelID = u, u.channels[j.channel]
			switch {
			case j.payload != nil:
				o.kind, o.text, o.data = payloadMessage(j.payload)
			case j.msgType == "script":
				scripted = append(scripted, i)
			default:
				o.kind, o.text = "text", j.val
			}
		}
		outs[i] = o
	}
	if len(scripted) == 0 {
		return outs
	}
	workers := min(cap(v.scriptSlots), len(scripted))
	// Buffered for the whole batch: the workers never wait on this goroutine to hand them the
	// next identity.
	work := make(chan int, len(scripted))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				r := <-v.scriptSlots
				v.runScript(j, &outs[i], r)
				v.scriptSlots <- r
			}
		}()
	}
	for _, i := range scripted {
		work <- i
	}
	close(work)
	wg.Wait()
	return outs
}

// scriptContext is the context a script sees, as Kore's bot context shapes it: the channel,
// the user's channel id, Kore id, email, first and last name, the identity, the bot's id and name.
var scriptContext = script.MustContextShape(map[string]any{
	"session": map[string]any{
		"BotUserSession": map[string]any{
			"lastMessage": map[string]any{"channel": script.Hole(0)},
			"channels":    []any{map[string]any{"type": script.Hole(0), "uId": script.Hole(1)}},
		},
		"UserContext": map[string]any{
			"_id": script.Hole(2), "emailId": script.Hole(3), "firstName": script.Hole(4), "lastName": script.Hole(5),
			"identities": []any{map[string]any{"val": script.Hole(6), "type": "mapped"}},
		},
		"BotContext": map[string]any{"botId": script.Hole(7), "botName": script.Hole(8)},
	},
	"identity": script.Hole(6),
})

func (v *Vendor) runScript(j *job, o *outcome, r *script.Runner) {
	if j.compileErr != nil {
		o.failure = j.compileErr.Error()
		return
	}
	u := o.user
	first, last, _ := strings.Cut(u.name, " ")
	res, err := r.Run(j.program, script.Env{
		Shape:   scriptContext,
		Values:  []string{j.channel, o.channelID, u.koreID, u.email, first, last, o.identity, j.bot.id, j.bot.name},
		Globals: map[string]any{"identity": o.identity},
		Now:     v.env.Clock.Now,
		Rand:    v.env.IDs.Float64,
	}, script.Limits{Time: j.bot.scriptTimeLimit()})
	if err != nil {
		var se *script.Error
		if errors.As(err, &se) {
			o.failure = se.Msg
		} else {
			o.failure = "Script error: " + err.Error()
		}
		return
	}
	o.kind, o.text = "script", res.Text
	if res.JSON != nil {
		o.kind, o.text, o.data = payloadMessage(res.JSON)
		if _, isCard := card.Find(res.JSON); !isCard {
			o.text = res.Text
		}
	}
}
