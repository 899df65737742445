package flow

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONProblemNamesAnOutOfRangeNumber(t *testing.T) {
	tests := []struct{ body, field, reason string }{
		{`{"destination": 1e999}`, "destination", "number 1e999 at destination is out of range"},
		{`{"a": {"b": [1, "x", -2e400]}}`, "a.b.2", "number -2e400 at a.b.2 is out of range"},
		{`{"a": [{"k": "v"}, {"n": 1E+999, "m": 2}]}`, "a.1.n", "at a.1.n"},
		{`1e999`, "", "in the body"},
		{`{"a": 1`, "", "unexpected end"},
		{`{"a": 1e999 , "b": 1e999}`, "a", "at a is"},
		{`{"a" 1}`, "", "at byte"},
	}
	for _, tc := range tests {
		var probe any
		err := json.Unmarshal([]byte(tc.body), &probe)
		if err == nil {
			t.Fatalf("%s parsed", tc.body)
		}
		p := jsonProblem([]byte(tc.body), err)
		if p.Field != tc.field || !strings.Contains(p.Reason, tc.reason) || p.Rule != "json" {
			t.Errorf("jsonProblem(%s) = %+v, want field %q and a reason containing %q", tc.body, p, tc.field, tc.reason)
		}
	}
}
