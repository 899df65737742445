package mykaarma

import (
	"regexp"
	"strings"
	"testing"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
)

func load(t *testing.T, yaml string) error {
	t.Helper()
	ds, err := fixtures.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(&core.Env{}).Load(ds["mykaarma"])
	return err
}

func TestLoadRejectsInconsistentFixtures(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"ok", `mykaarma: {departments: [{uuid: d, defaultUser: u, users: [{uuid: u}], internalSubscribers: [u]}], subscribers: [{username: s, password: p, scopes: {d: [x]}}]}`, ""},
		{"department without uuid", `mykaarma: {departments: [{name: x}]}`, "uuid is required"},
		{"department twice", `mykaarma: {departments: [{uuid: d}, {uuid: D}]}`, "defined twice"},
		{"user in two departments", `mykaarma: {departments: [{uuid: a, users: [{uuid: u}]}, {uuid: b, users: [{uuid: u}]}]}`, "already defined in department a"},
		{"DEFAULT as a user uuid", `mykaarma: {departments: [{uuid: a, users: [{uuid: default}]}]}`, "not a usable user UUID"},
		{"default user from elsewhere", `mykaarma: {departments: [{uuid: a, defaultUser: u}]}`, "defaultUser"},
		{"internal subscriber from elsewhere", `mykaarma: {departments: [{uuid: a, internalSubscribers: [u]}]}`, "internalSubscribers"},
		{"unknown external subscriber", `mykaarma: {departments: [{uuid: a, externalSubscribers: [u]}]}`, "not a user of any department"},
		{"subscriber without password", `mykaarma: {subscribers: [{username: s}]}`, "password are required"},
		{"username with a colon", `mykaarma: {subscribers: [{username: "a:b", password: p}]}`, "colon"},
		{"subscriber twice", `mykaarma: {subscribers: [{username: s, password: p}, {username: s, password: q}]}`, "defined twice"},
		{"scope on an unknown department", `mykaarma: {subscribers: [{username: s, password: p, scopes: {nope: [x]}}]}`, "not defined"},
		{"empty scope name", `mykaarma: {departments: [{uuid: d}], subscribers: [{username: s, password: p, scopes: {d: [""]}}]}`, "empty scope"},
		{"a typo in a field", `mykaarma: {departments: [{uuid: d, defaultUsr: u}]}`, "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := load(t, tc.yaml)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestNotificationMessageUUIDIs43URLSafeCharacters(t *testing.T) {
	ids := core.NewIDs(7)
	re := regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	seen := map[string]bool{}
	for range 100 {
		id := notificationMessageUUID(ids)
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("%q is not a fresh 43-character URL-safe base64 id", id)
		}
		seen[id] = true
	}
}

func TestRewordShortensLongEnumLists(t *testing.T) {
	long := core.Problem{Field: "messageAttributes.purpose", Rule: "enum",
		Reason: "must be one of " + strings.Repeat("X, ", 20) + "Y, got \"Z\""}
	if got := reword(long).Reason; !strings.Contains(got, "21 values") || !strings.HasSuffix(got, `got "Z"`) {
		t.Fatalf("long enum reworded as %q", got)
	}
	short := core.Problem{Field: "messageAttributes.tags.0", Rule: "enum", Reason: `must be one of TRASH, got "A"`}
	if got := reword(short).Reason; got != short.Reason {
		t.Fatalf("short enum changed to %q", got)
	}
	// A JSON null ("got null", "must not be null") is worded by the server for every vendor
	// (simulator/problems.go); reword leaves that wording as it is.
	null := core.Problem{Field: "messageAttributes.tags.0", Rule: "enum", Reason: "must be one of TRASH, got null"}
	if got := reword(null).Reason; got != "must be one of TRASH, got null" {
		t.Fatalf("null enum reworded as %q", got)
	}
	if got := reword(core.Problem{Field: "messageAttributes.attachments.0", Rule: "nullable", Reason: "must not be null"}).Reason; got != "must not be null" {
		t.Fatalf("nullable reworded as %q", got)
	}
	if got := reword(core.Problem{Rule: "type", Reason: "must be an object"}).Field; got != "request body" {
		t.Fatalf("root problem named %q", got)
	}
}
