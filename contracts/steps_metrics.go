package contracts

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/cucumber/godog"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Steps that read the Prometheus text of the last response (GET /metrics).
func registerMetricSteps(w *world, sc *godog.ScenarioContext) {
	sc.Step(`^the metric "([^"]*)"(?: with labels "([^"]*)")? is (at least )?(-?\d+(?:\.\d+)?)$`, w.metricIs)
	sc.Step(`^the metric "([^"]*)" is a (counter|gauge|histogram)$`, w.metricType)
}

// metricIs sums the samples of name whose labels include every pair of labels ("k=v,k2=v2"); a
// histogram is read through its name_count or name_sum.
func (w *world) metricIs(name, labels, atLeast, want string) error {
	wantV, _ := strconv.ParseFloat(want, 64)
	fams, err := w.metricFamilies()
	if err != nil {
		return err
	}
	pairs := map[string]string{}
	for _, kv := range strings.Split(labels, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("labels must read k=v,k2=v2, not %q", labels)
		}
		pairs[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	base, part := name, ""
	fam, ok := fams[name]
	if !ok {
		for _, suffix := range []string{"_count", "_sum"} {
			if f, found := fams[strings.TrimSuffix(name, suffix)]; found && strings.HasSuffix(name, suffix) && f.GetType() == dto.MetricType_HISTOGRAM {
				fam, ok, base, part = f, true, strings.TrimSuffix(name, suffix), suffix
			}
		}
	}
	if !ok {
		return fmt.Errorf("no metric %q in the response (%d families)", name, len(fams))
	}
	total, matched := 0.0, 0
	for _, m := range fam.GetMetric() {
		if !hasLabels(m, pairs) {
			continue
		}
		matched++
		switch {
		case part == "_count":
			total += float64(m.GetHistogram().GetSampleCount())
		case part == "_sum":
			total += m.GetHistogram().GetSampleSum()
		case m.Counter != nil:
			total += m.GetCounter().GetValue()
		case m.Gauge != nil:
			total += m.GetGauge().GetValue()
		case m.Untyped != nil:
			total += m.GetUntyped().GetValue()
		}
	}
	if matched == 0 {
		return fmt.Errorf("metric %s has no series with labels %q", base, labels)
	}
	if (atLeast != "" && total < wantV) || (atLeast == "" && total != wantV) {
		return fmt.Errorf("metric %s{%s} is %g, want %s%s", name, labels, total, atLeast, want)
	}
	return nil
}

func (w *world) metricType(name, typ string) error {
	fams, err := w.metricFamilies()
	if err != nil {
		return err
	}
	fam, ok := fams[name]
	if !ok {
		return fmt.Errorf("no metric %q in the response", name)
	}
	if got := strings.ToLower(fam.GetType().String()); got != typ {
		return fmt.Errorf("metric %s is a %s, not a %s", name, got, typ)
	}
	return nil
}

func (w *world) metricFamilies() (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(w.body))
	if err != nil {
		return nil, fmt.Errorf("the response is not the Prometheus text format: %v", err)
	}
	return fams, nil
}

func hasLabels(m *dto.Metric, pairs map[string]string) bool {
	found := 0
	for _, l := range m.GetLabel() {
		if v, ok := pairs[l.GetName()]; ok {
			if v != l.GetValue() {
				return false
			}
			found++
		}
	}
	return found == len(pairs)
}
