package card

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRender(t *testing.T) {
	tests := []struct {
		name    string
		card    string
		lines   []string
		actions []string
	}{
		{"text blocks and submit actions",
			`{"type":"AdaptiveCard","body":[{"type":"TextBlock","text":"Approve leave?"},{"type":"TextBlock","text":"  "}],
			  "actions":[{"type":"Action.Submit","title":"Approve"},{"type":"Action.Submit","title":"Reject"}]}`,
			[]string{"Approve leave?"}, []string{"Approve", "Reject"}},
		{"containers, columns, facts, rich text and images",
			`{"type":"AdaptiveCard","body":[{"type":"Container","items":[{"type":"TextBlock","text":"Ticket 42"},
			  {"type":"ColumnSet","columns":[{"type":"Column","items":[{"type":"FactSet","facts":[{"title":"Priority","value":"P1"},{"title":"Count","value":3}]}]}]}]},
			  {"type":"RichTextBlock","inlines":["Due ",{"type":"TextRun","text":"today"}]},
			  {"type":"Image","url":"https://x/y.png","altText":"chart"},{"type":"Image","url":"https://x/z.png"}]}`,
			[]string{"Ticket 42", "Priority: P1", "Count: 3", "Due today", "(image: chart)"}, []string{}},
		{"action sets, show cards and inputs",
			`{"type":"AdaptiveCard","body":[{"type":"Input.Text","id":"c","label":"Comment"},{"type":"ActionSet","actions":[{"type":"Action.OpenUrl","title":"Open","url":"https://x"}]}],
			  "actions":[{"type":"Action.ShowCard","title":"More","card":{"type":"AdaptiveCard","body":[{"type":"TextBlock","text":"Details"}],"actions":[{"type":"Action.Submit","title":"OK"}]}}]}`,
			[]string{"Comment", "Details"}, []string{"Open", "More", "OK"}},
		{"wrong types are skipped", `{"type":"AdaptiveCard","body":[1,"x",{"type":"TextBlock","text":{"a":1}},{"type":"FactSet","facts":[null,{"title":"T"}]}],"actions":"no"}`,
			[]string{"T:"}, []string{}},
		{"empty", `{"type":"AdaptiveCard"}`, []string{}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(decode(t, tt.card))
			if !reflect.DeepEqual(got.Lines, tt.lines) || !reflect.DeepEqual(got.Actions, tt.actions) {
				t.Fatalf("Render = %q %q, want %q %q", got.Lines, got.Actions, tt.lines, tt.actions)
			}
		})
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"a card", `{"type":"AdaptiveCard","body":[]}`, true},
		{"any case", `{"type":"adaptivecard"}`, true},
		{"a bot framework message", `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"body":[]}}]}`, true},
		{"an attachment that is a card by type", `{"attachments":[{"content":{"type":"AdaptiveCard"}}]}`, true},
		{"a hero card", `{"attachments":[{"contentType":"application/vnd.microsoft.card.hero","content":{"title":"x"}}]}`, false},
		{"plain JSON", `{"text":"hi"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := Find(decode(t, tt.in)); ok != tt.ok {
				t.Fatalf("Find(%s) ok = %v, want %v", tt.in, ok, tt.ok)
			}
		})
	}
}

func TestRenderStopsAtDepth(t *testing.T) {
	inner := `{"type":"TextBlock","text":"deep"}`
	for range 1000 {
		inner = `{"type":"Container","items":[` + inner + `]}`
	}
	got := Render(decode(t, `{"type":"AdaptiveCard","body":[`+inner+`]}`))
	if len(got.Lines) != 0 {
		t.Fatalf("Render followed %d levels", 1000)
	}
	if !strings.Contains(Rendered{Lines: []string{"a"}, Actions: []string{"B"}}.Text(), "[B]") {
		t.Fatal("Text lost the actions")
	}
}

func FuzzRender(f *testing.F) {
	f.Add(`{"type":"AdaptiveCard","body":[{"type":"TextBlock","text":"x"}],"actions":[{"title":"y"}]}`)
	f.Add(`{"attachments":[{"content":{"type":"AdaptiveCard","actions":[{"card":{"body":[{"items":[{}]}]}}]}}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) != nil {
			return
		}
		if c, ok := Find(m); ok {
			_ = Render(c).Text()
		}
	})
}

func ExampleRender() {
	var c map[string]any
	_ = json.Unmarshal([]byte(`{"type": "AdaptiveCard", "version": "1.4",
		"body": [{"type": "TextBlock", "text": "Leave request from Alice"},
		         {"type": "FactSet", "facts": [{"title": "Dates", "value": "3-5 June"}]}],
		"actions": [{"type": "Action.Submit", "title": "Approve"}, {"type": "Action.Submit", "title": "Reject"}]}`), &c)
	fmt.Println(Render(c).Text())
	// Output:
	// Leave request from Alice
	// Dates: 3-5 June
	// [Approve] [Reject]
}
