package mykaarma

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

// Why a user was notified, recorded as the recipient's role so /_sim/messages?role= can filter.
const (
	RoleThreadOwner        = "THREAD_OWNER"
	RoleInternalSubscriber = "INTERNAL_SUBSCRIBER"
	RoleExternalSubscriber = "EXTERNAL_SUBSCRIBER"
	RoleAdditionalNotifier = "ADDITIONAL_NOTIFIER"
)

var roleNames = map[string]string{
	RoleThreadOwner:        "Thread owner",
	RoleInternalSubscriber: "Internal subscriber",
	RoleExternalSubscriber: "External subscriber",
	RoleAdditionalNotifier: "Additional notifier",
}

// Button defaults the vendor's NotificationButton applies to fields left out.
const (
	DefaultButtonWidgetKey = "messagedisplay_widget"
	DefaultButtonKey       = "btnLearnMore"
	DefaultButtonText      = "LEARN MORE"
	DefaultButtonTheme     = "PRIMARY"
)

type notifyRequest struct {
	MessageAttributes      *messageAttributes      `json:"messageAttributes"`
	NotificationAttributes *notificationAttributes `json:"notificationAttributes"`
	Sending                *sendingAttributes      `json:"messageSendingAttributesLite"`
}

type messageAttributes struct {
	Body                       string            `json:"body"`
	Type                       string            `json:"type,omitempty"`
	Protocol                   string            `json:"protocol,omitempty"`
	Purpose                    string            `json:"purpose,omitempty"`
	IsManual                   *bool             `json:"isManual,omitempty"`
	Subject                    string            `json:"subject,omitempty"`
	MetaData                   map[string]string `json:"metaData,omitempty"`
	Tags                       []string          `json:"tags,omitempty"`
	DraftAttributes            *json.RawMessage  `json:"draftAttributes,omitempty"`
	Attachments                []attachment      `json:"attachments,omitempty"`
	DefaultReplyAction         string            `json:"defaultReplyAction,omitempty"`
	UpdateThreadTimestamp      *bool             `json:"updateThreadTimestamp,omitempty"`
	UpdateTotalMessageCount    *bool             `json:"updateTotalMessageCount,omitempty"`
	ShowInCustomerConversation *bool             `json:"showInCustomerConversation,omitempty"`
	MessageTags                []json.RawMessage `json:"messageTags,omitempty"`
}

type attachment struct {
	FileURL             *string `json:"fileURL,omitempty"`
	AttachmentExtension *string `json:"attachmentExtension,omitempty"`
	MimeType            *string `json:"mimeType,omitempty"`
	OriginalFileName    *string `json:"originalFileName,omitempty"`
	DocSize             *string `json:"docSize,omitempty"`
	ThumbnailURL        *string `json:"thumbnailURL,omitempty"`
	MediaPreviewURL     *string `json:"mediaPreviewURL,omitempty"`
}

type notificationAttributes struct {
	InternalSubscribersNotifierPop *bool             `json:"internalSubscribersNotifierPop"`
	ExternalSubscribersNotifierPop *bool             `json:"externalSubscribersNotifierPop"`
	ThreadOwnerNotifierPop         *bool             `json:"threadOwnerNotifierPop"`
	SendPhoneNotification          *bool             `json:"sendPhoneNotification"`
	AdditionalDAUUIDs              []string          `json:"additionalNotifierNotificationDAUUIDs"`
	Buttons                        []button          `json:"notificationButtons"`
	BodyTagsForSpecialRendering    map[string]string `json:"bodyTagsForSpecialRendering"`
}

type button struct {
	WidgetKey       *string           `json:"buttonTextTranslationWidgetKey"`
	TranslationKey  *string           `json:"buttonTextTranslationKey"`
	DefaultText     *string           `json:"buttonDefaultText"`
	Theme           *string           `json:"buttonTheme"`
	ActionEventData map[string]string `json:"buttonActionEventData"`
	IsPrimaryButton *bool             `json:"isPrimaryButton"`
}

// Button is a notification button as delivered, defaults applied.
type Button struct {
	ButtonTextTranslationWidgetKey string            `json:"buttonTextTranslationWidgetKey"`
	ButtonTextTranslationKey       string            `json:"buttonTextTranslationKey"`
	ButtonDefaultText              string            `json:"buttonDefaultText"`
	ButtonTheme                    string            `json:"buttonTheme"`
	ButtonActionEventData          map[string]string `json:"buttonActionEventData"`
	IsPrimaryButton                *bool             `json:"isPrimaryButton"`
}

func withDefaults(in []button) []Button {
	or := func(p *string, def string) string {
		if p == nil {
			return def
		}
		return *p
	}
	out := make([]Button, len(in))
	for i, b := range in {
		out[i] = Button{
			ButtonTextTranslationWidgetKey: or(b.WidgetKey, DefaultButtonWidgetKey),
			ButtonTextTranslationKey:       or(b.TranslationKey, DefaultButtonKey),
			ButtonDefaultText:              or(b.DefaultText, DefaultButtonText),
			ButtonTheme:                    or(b.Theme, DefaultButtonTheme),
			ButtonActionEventData:          b.ActionEventData,
			IsPrimaryButton:                b.IsPrimaryButton,
		}
	}
	return out
}

// sendingAttributes accepts both spellings of the callback fields: the notify page's
// callBackUrl/callBackMetadata and the customer-message API's callbackURL/callbackMetaData.
type sendingAttributes struct {
	// Delay is a float because the spec accepts any integral JSON number within int32 (1e3,
	// 60.0), as Jackson does, and encoding/json only reads plain digits into an int.
	Delay             *float64          `json:"delay"`
	SendSynchronously *bool             `json:"sendSynchronously"`
	CallBackURL       *string           `json:"callBackUrl"`
	CallbackURL       *string           `json:"callbackURL"`
	CallBackMetadata  map[string]string `json:"callBackMetadata"`
	CallbackMetaData  map[string]string `json:"callbackMetaData"`
}

func (s *sendingAttributes) callback() (url string, given bool, meta map[string]string) {
	if s == nil {
		return "", false, nil
	}
	meta = s.CallBackMetadata
	if meta == nil {
		meta = s.CallbackMetaData
	}
	switch {
	case s.CallBackURL != nil && *s.CallBackURL != "":
		return *s.CallBackURL, true, meta
	case s.CallbackURL != nil && *s.CallbackURL != "":
		return *s.CallbackURL, true, meta
	}
	return "", false, meta
}

// CallbackResult is what the simulator POSTs to the callback URL after delivery: the vendor's
// SendMessageResponse with the request's callback metadata.
type CallbackResult struct {
	Errors      []APIError        `json:"errors"`
	Warnings    []APIWarning      `json:"warnings"`
	MessageUUID string            `json:"messageUUID"`
	Status      string            `json:"status"`
	RequestUUID string            `json:"requestUUID"`
	MetaData    map[string]string `json:"metaData"`
}

func isFalse(b *bool) bool { return b != nil && !*b }
func isTrue(b *bool) bool  { return b != nil && *b }

// notify is POST /communications/department/{departmentUUID}/user/{userUUID}/notify. The spec has
// already refused unreadable bodies and a missing body text, so what is left is the vendor's
// processing: force NOTE/NONE/false, collect warnings, resolve who to notify, deliver.
func (v *Vendor) notify(req *core.Request) core.Response {
	var body notifyRequest
	if err := json.Unmarshal(req.Body, &body); err != nil {
		// The spec validated this body; reaching here means spec and struct disagree.
		return v.spring(req, http.StatusBadRequest, "JSON parse error: "+err.Error(),
			[]core.Problem{{In: "body", Rule: "json", Reason: err.Error()}})
	}
	if body.MessageAttributes == nil {
		return failure(req, http.StatusBadRequest, []APIError{apiError(CodeMissingMessageAttributes, descAttributesMissing)},
			[]core.Problem{{In: "body", Field: "messageAttributes", Rule: "required", Reason: descAttributesMissing}})
	}
	ma := body.MessageAttributes
	if ma.Body == "" {
		return failure(req, http.StatusBadRequest, []APIError{apiError(CodeMissingMessageBody, descMessageBody)},
			[]core.Problem{{In: "body", Field: "messageAttributes.body", Rule: "required", Reason: descMessageBody}})
	}
	st := v.state.Load()
	deptID := req.PathParams["departmentUUID"]
	dept := st.byDept[strings.ToLower(deptID)]

	if ma.Type != "" && ma.Type != "NOTE" || ma.Protocol != "" && ma.Protocol != "NONE" || isTrue(ma.IsManual) {
		req.Note("type, protocol and isManual forced to NOTE, NONE and false (sent %q, %q, %v)", ma.Type, ma.Protocol, ma.IsManual != nil && *ma.IsManual)
	}
	f := false
	ma.Type, ma.Protocol, ma.IsManual = "NOTE", "NONE", &f

	// The vendor's notify validator has only the three MISSING_* checks before forcing
	// NOTE/NONE/false: draft attributes and incomplete attachments earn no warning here and stay
	// in the stored message as sent.
	na := body.NotificationAttributes
	if na == nil {
		na = &notificationAttributes{}
	}
	owner := v.resolveOwner(req, st, dept, deptID)
	recipients := fanOut(req, st, dept, owner, na)

	messageUUID := notificationMessageUUID(v.env.IDs)
	data := map[string]any{
		"notificationMessageUUID": messageUUID,
		"departmentUUID":          deptID,
		"userUUID":                req.PathParams["userUUID"],
		"messageAttributes":       ma,
		"buttons":                 withDefaults(na.Buttons),
	}
	if na.BodyTagsForSpecialRendering != nil {
		data["bodyTagsForSpecialRendering"] = na.BodyTagsForSpecialRendering
	}
	tenant := deptID
	if dept != nil {
		tenant = dept.UUID
	}
	msgs := make([]core.Message, 0, len(recipients)+1)
	for _, r := range recipients {
		msgs = append(msgs, core.Message{
			Vendor: "mykaarma", Tenant: tenant, Channel: core.ChannelMyKaarmaNotify, Kind: "note",
			Recipient: core.Recipient{ID: r.user.UUID, Name: r.user.Name, Role: r.role, RoleName: roleNames[r.role]},
			Title:     ma.Subject, Body: ma.Body, Data: data, Payload: req.Body,
		})
	}
	if isTrue(na.SendPhoneNotification) {
		switch {
		case owner == nil:
			req.Note("sendPhoneNotification: the thread owner is not a known user; no phone notification")
		case owner.Phone == "":
			req.Note("sendPhoneNotification: thread owner %s has no phone number in the fixtures; no phone notification", owner.UUID)
		default:
			msgs = append(msgs, core.Message{
				Vendor: "mykaarma", Tenant: tenant, Channel: core.ChannelMyKaarmaPhone, Kind: "note",
				Recipient: core.Recipient{ID: owner.UUID, Name: owner.Name, Role: RoleThreadOwner, RoleName: roleNames[RoleThreadOwner], Address: owner.Phone},
				Title:     ma.Subject, Body: ma.Body, Data: data, Payload: req.Body,
			})
		}
	}
	if len(msgs) == 0 {
		req.Note("nobody to notify: no known thread owner, subscriber or additional user was selected")
	}

	msgs, failed := v.failDeliveries(req, tenant, msgs)
	var after func(at time.Time, sync bool)
	if url, ok, meta := body.Sending.callback(); ok {
		result := CallbackResult{Errors: []APIError{}, Warnings: []APIWarning{}, MessageUUID: messageUUID,
			Status: StatusSuccess, RequestUUID: req.ID, MetaData: meta}
		reportFailures(&result, failed)
		after = func(at time.Time, sync bool) {
			if sync {
				v.env.Callbacks.Send("mykaarma", req.ID, url, result)
				return
			}
			v.env.Callbacks.SendAt(at, "mykaarma", req.ID, url, result)
		}
	}
	v.deliver(req, body.Sending, msgs, v.storeFailures(req, failed, after))
	return success(req, messageUUID)
}

// resolveOwner finds the thread owner: DEFAULT (any case) is the department's default user; any
// other UUID is looked up among every known user. An unknown UUID is accepted, as the vendor
// does, and simply has no notifier to pop.
func (v *Vendor) resolveOwner(req *core.Request, st *state, dept *department, deptID string) *user {
	id := req.PathParams["userUUID"]
	if strings.EqualFold(id, DefaultUser) {
		if dept == nil || dept.DefaultUser == "" {
			req.Note("userUUID DEFAULT: department %s has no default user", deptID)
			return nil
		}
		return st.users[strings.ToLower(dept.DefaultUser)]
	}
	u, ok := st.users[strings.ToLower(id)]
	if !ok {
		req.Note("userUUID %q is not a known user; accepted as the vendor does, but there is no thread owner to notify", id)
		return nil
	}
	// The subscriber's scope is on the path's department: a user of another department is not
	// one this call may reach, so it is treated as unknown here.
	if !strings.EqualFold(u.Department, deptID) {
		req.Note("userUUID %q belongs to department %s, not to %s; accepted as an unknown user would be, with no thread owner to notify", id, u.Department, deptID)
		return nil
	}
	return u
}

type target struct {
	user *user
	role string
}

// fanOut lists who gets a notifier pop, each user once, in the order: thread owner (unless
// threadOwnerNotifierPop is false), internal subscribers (when true), external subscribers (when
// true), then the additional dealer-associate UUIDs.
func fanOut(req *core.Request, st *state, dept *department, owner *user, na *notificationAttributes) []target {
	var out []target
	seen := map[string]bool{}
	add := func(u *user, role string) {
		k := strings.ToLower(u.UUID)
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, target{user: u, role: role})
	}
	if owner != nil && !isFalse(na.ThreadOwnerNotifierPop) {
		add(owner, RoleThreadOwner)
	}
	if dept != nil && isTrue(na.InternalSubscribersNotifierPop) {
		for _, id := range dept.InternalSubscribers {
			add(st.users[strings.ToLower(id)], RoleInternalSubscriber)
		}
	}
	if dept != nil && isTrue(na.ExternalSubscribersNotifierPop) {
		for _, id := range dept.ExternalSubscribers {
			add(st.users[strings.ToLower(id)], RoleExternalSubscriber)
		}
	}
	for _, id := range na.AdditionalDAUUIDs {
		u, ok := st.users[strings.ToLower(strings.TrimSpace(id))]
		if !ok {
			req.Note("additionalNotifierNotificationDAUUIDs: %q is not a known user; skipped", id)
			continue
		}
		if dept == nil || !strings.EqualFold(u.Department, dept.UUID) {
			req.Note("additionalNotifierNotificationDAUUIDs: %q belongs to department %s, not to this one; skipped", id, u.Department)
			continue
		}
		add(u, RoleAdditionalNotifier)
	}
	return out
}

// deliver applies messageSendingAttributesLite: a positive delay (seconds) schedules delivery on
// the simulator's clock; sendSynchronously without a delay delivers before the answer; otherwise
// the messages are scheduled for now and delivered right after the answer. after (the callback)
// runs once the messages are delivered.
func (v *Vendor) deliver(req *core.Request, s *sendingAttributes, msgs []core.Message, after func(at time.Time, sync bool)) {
	var delay time.Duration
	sync := false
	if s != nil {
		if s.Delay != nil && *s.Delay > 0 {
			delay = time.Duration(*s.Delay) * time.Second
		} else if s.Delay != nil && *s.Delay < 0 {
			req.Note("delay %d is negative; delivering without delay", int64(*s.Delay))
		}
		sync = isTrue(s.SendSynchronously)
	}
	if sync && delay > 0 {
		req.Note("sendSynchronously ignored: a delayed notification can't be delivered before the answer")
		sync = false
	}
	if sync {
		if len(msgs) > 0 {
			v.env.Deliver(req, msgs...)
		}
		if after != nil {
			after(v.env.Clock.Now(), true)
		}
		return
	}
	at := v.env.Clock.Now().Add(delay)
	if len(msgs) > 0 {
		v.env.Schedule(req, at, msgs...)
	}
	if after != nil {
		// Timers run in deadline order, and this one is due no earlier than the delivery and was
		// set after it, so the callback follows delivery. A reset drops both; a restart with
		// --data resumes both.
		after(at, false)
	}
}

// notificationMessageUUID is how the vendor names a notification: the SHA-256 of a random UUID in
// unpadded URL-safe base64 (43 characters).
func notificationMessageUUID(ids *core.IDs) string {
	sum := sha256.Sum256([]byte(ids.UUID()))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
