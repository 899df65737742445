package contracts

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/cucumber/godog"
	"github.com/getkin/kin-openapi/openapi3"
)

var specPathParam = regexp.MustCompile(`\{[^}]+\}`)

func registerSpecSteps(w *world, sc *godog.ScenarioContext) {
	sc.Step(`^every server URL of the served spec "([^"]*)" joined with each of its paths reaches an operation$`, w.specURLsRouted)
}

// specURLsRouted does what a code generator does with GET /openapi/{name}.yaml: it joins each
// server URL with each path and calls the result, with the server's path and the sandbox's host.
// The sandbox's own 404 ("notifysim has no route") or a 405 means a generated client would call a
// route that does not exist. Streaming operations are left out: they would not answer.
func (w *world) specURLsRouted(name string) error {
	if err := w.do(http.MethodGet, "/openapi/"+url.PathEscape(name)+".yaml", "", nil); err != nil {
		return err
	}
	if w.status != http.StatusOK {
		return fmt.Errorf("GET /openapi/%s.yaml: %d %s", name, w.status, w.bodyText())
	}
	doc, err := openapi3.NewLoader().LoadFromData(w.body)
	if err != nil {
		return fmt.Errorf("/openapi/%s.yaml does not load: %w", name, err)
	}
	if len(doc.Servers) == 0 {
		return fmt.Errorf("/openapi/%s.yaml lists no servers", name)
	}
	var missing []string
	for _, srv := range doc.Servers {
		base, err := srv.BasePath()
		if err != nil {
			return fmt.Errorf("server %q: %w", srv.URL, err)
		}
		base = strings.TrimSuffix(base, "/")
		for _, path := range doc.Paths.InMatchingOrder() {
			ops := doc.Paths.Value(path).Operations()
			methods := make([]string, 0, len(ops))
			for m, op := range ops {
				if !streams(op) {
					methods = append(methods, m)
				}
			}
			sort.Strings(methods)
			for _, method := range methods {
				target := base + specPathParam.ReplaceAllString(path, "x")
				if err := w.do(method, target, "", nil); err != nil {
					return err
				}
				if w.status == http.StatusMethodNotAllowed || strings.Contains(string(w.body), "notifysim has no route") {
					missing = append(missing, fmt.Sprintf("%s %s%s (answered %d)", method, strings.TrimSuffix(srv.URL, "/"), path, w.status))
				}
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("a client generated from /openapi/%s.yaml would call routes the sandbox does not have:\n  %s", name, strings.Join(missing, "\n  "))
	}
	return nil
}

func streams(op *openapi3.Operation) bool {
	for _, ref := range op.Responses.Map() {
		if ref.Value != nil && ref.Value.Content.Get("text/event-stream") != nil {
			return true
		}
	}
	return false
}
