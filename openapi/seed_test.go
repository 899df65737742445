package openapi

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// seedExamples finds every JSON object in a vendor page: a '{' that starts a run of text which
// parses as JSON up to its matching '}' (strings and escapes skipped), each distinct one once.
func seedExamples(t *testing.T, page string) []map[string]any {
	t.Helper()
	var out []map[string]any
	seen := map[string]bool{}
	for i := 0; i < len(page); i++ {
		if page[i] != '{' {
			continue
		}
		end := matchingBrace(page, i)
		if end < 0 {
			continue
		}
		var obj map[string]any
		if json.Unmarshal([]byte(page[i:end+1]), &obj) != nil {
			continue
		}
		key, _ := json.Marshal(obj)
		if !seen[string(key)] {
			seen[string(key)] = true
			out = append(out, obj)
		}
		i = end
	}
	return out
}

func matchingBrace(s string, start int) int {
	depth, inString, escaped := 0, false, false
	for j := start; j < len(s); j++ {
		c := s[j]
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
		case inString:
		case c == '"':
			inString = true
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// The served spec accepts every example of the vendor's own page (testdata/mykaarma-seed.txt, a
// copy of the myKaarma "send Notification without single customer context" reference): the
// request body of its curl samples against the request schema, the response example against the
// 200 response. The page writes "string" for every free-text field, warningCode and errorCode
// included, so the codes it lists as known are documented values, not an enum.
func TestMyKaarmaSpecAcceptsTheSeedExamples(t *testing.T) {
	page, err := os.ReadFile("testdata/mykaarma-seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	data, err := Spec("mykaarma")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Paths.Find("/communications/department/{departmentUUID}/user/{userUUID}/notify").Post
	request := op.RequestBody.Value.Content.Get("application/json").Schema.Value
	response := op.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	examples := seedExamples(t, string(page))
	var requests, responses int
	for _, ex := range examples {
		schema, what := request, "request"
		if _, ok := ex["notificationMessageUUID"]; ok {
			schema, what = response, "response"
			responses++
		} else {
			requests++
		}
		if err := schema.VisitJSON(ex, openapi3.MultiErrors()); err != nil {
			body, _ := json.Marshal(ex)
			t.Errorf("the seed's %s example is refused:\n%s\n%s", what, strings.TrimSpace(err.Error()), body)
		}
	}
	if requests == 0 || responses == 0 {
		t.Fatalf("found %d request and %d response examples in the page, want both", requests, responses)
	}
}
