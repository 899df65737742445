package flow

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/notifysim/notifysim/simulator/core"
)

// Input no vendor route accepts, whatever its spec: bodies that are not UTF-8 and path segments
// that smuggle a slash or a dot segment. Each check returns the rejection for the vendor to word.

// checkEncoding refuses a body declared in a charset other than UTF-8 (415: JSON is UTF-8 by RFC
// 8259, and reading UTF-16 as UTF-8 would store garbage) and a body that is not valid UTF-8 (400:
// Go's decoder would silently turn the bad bytes into U+FFFD, and echoing them raw in /_sim
// breaks strict JSON parsers).
func checkEncoding(r *http.Request, body []byte) *core.Rejection {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if _, params, err := mime.ParseMediaType(ct); err == nil {
			if cs, ok := params["charset"]; ok && !utf8Charset(cs) {
				return &core.Rejection{Kind: core.RejectMediaType, Status: http.StatusUnsupportedMediaType,
					Problems: []core.Problem{{In: "header", Field: "Content-Type", Rule: "charset",
						Reason: fmt.Sprintf("charset=%s is not supported: send the body as UTF-8 (charset=utf-8, or no charset)", cs)}}}
			}
		}
	}
	if off := invalidUTF8(body); off >= 0 {
		return &core.Rejection{Kind: core.RejectMalformedJSON, Status: http.StatusBadRequest,
			Problems: []core.Problem{{In: "body", Rule: "utf8",
				Reason: fmt.Sprintf("body is not valid UTF-8: byte %d (0x%02x) does not start or continue a UTF-8 character", off, body[off])}}}
	}
	return nil
}

func utf8Charset(cs string) bool {
	switch strings.ToLower(strings.TrimSpace(cs)) {
	case "utf-8", "utf8", "us-ascii":
		return true
	}
	return false
}

// invalidUTF8 is the offset of the first byte that is not part of a valid UTF-8 sequence, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// checkPathParams refuses path parameters that are a dot segment or hold a slash or backslash
// (sent encoded as %2F or %5C): a server behind a proxy would see another path than the client
// meant. Only operations whose spec answers 400 are checked; the others have no such answer and
// simply find nothing by that name.
func checkPathParams(params map[string]string, op *openapi3.Operation) *core.Rejection {
	if op == nil || op.Responses == nil || op.Responses.Status(http.StatusBadRequest) == nil {
		return nil
	}
	var problems []core.Problem
	for name, v := range params {
		if p, bad := pathSegmentProblem(v); bad {
			problems = append(problems, core.Problem{In: "path", Field: name, Rule: "pattern", Reason: p})
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return &core.Rejection{Kind: core.RejectInvalid, Status: http.StatusBadRequest, Problems: problems}
}

func pathSegmentProblem(v string) (string, bool) {
	switch {
	case v == "." || v == "..":
		return fmt.Sprintf("%q is a dot segment, not an id", v), true
	case strings.ContainsAny(v, `/\`):
		return fmt.Sprintf("%q holds a slash (sent as %%2F or %%5C); an id is one path segment", v), true
	}
	return "", false
}

// rejectHostilePath answers, in the vendor's own shape, a request that matched no route because
// a segment was an encoded slash or a dot segment under a vendor's path (the router split or
// kept it as sent). It reports whether it answered.
func (p *Pipeline) rejectHostilePath(w http.ResponseWriter, r *http.Request) bool {
	var bad []string
	if raw := strings.ToLower(r.URL.EscapedPath()); strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") {
		bad = append(bad, "an encoded slash (%2F or %5C) in a segment")
	}
	for _, seg := range strings.Split(r.URL.Path, "/") {
		if seg == "." || seg == ".." {
			bad = append(bad, fmt.Sprintf("the dot segment %q", seg))
			break
		}
	}
	if len(bad) == 0 {
		return false
	}
	v := p.vendorOfPath(r.URL.Path)
	if v == nil {
		return false
	}
	x := &exchange{w: w, r: r, api: v, vendor: v, start: time.Now()}
	p.run(x, []stage{{"request id", p.requestID}, {"path", func(x *exchange) bool {
		// The vendor may word its refusal from the body (myKaarma answers a missing body first).
		x.req.Body, _ = io.ReadAll(io.LimitReader(r.Body, p.cfg.MaxBodyBytes))
		x.resp = v.Reject(x.req, core.Rejection{Kind: core.RejectInvalid, Status: http.StatusBadRequest,
			Problems: []core.Problem{{In: "path", Field: "path", Rule: "pattern",
				Reason: fmt.Sprintf("the path holds %s; every path parameter is one plain segment", strings.Join(bad, " and "))}}})
		return true
	}}})
	return true
}

// vendorOfPath is the vendor whose routes share the longest literal prefix with path (the part
// of a route before its first parameter), or nil. Routes without parameters need the whole path.
func (p *Pipeline) vendorOfPath(path string) core.Vendor {
	var best core.Vendor
	longest := 0
	for _, m := range p.mounts {
		v, ok := m.API.(core.Vendor)
		if !ok {
			continue
		}
		for _, route := range m.Doc.Paths.InMatchingOrder() {
			prefix, _, param := strings.Cut(route, "{")
			if !param || len(prefix) <= longest || !strings.HasPrefix(path, prefix) {
				continue
			}
			best, longest = v, len(prefix)
		}
	}
	return best
}
