package kore

import (
	"fmt"
	"testing"
)

// TestAddJobKeepsTheNewest pins what the status route can find while the kept jobs are cut from
// the front without copying: the newest MaxJobs, in order, and each dropped job returned once,
// oldest first.
func TestAddJobKeepsTheNewest(t *testing.T) {
	st := newState()
	total := 3*MaxJobs + 7 // past the cap several times, so the array is moved more than once
	var dropped []*job
	for i := range total {
		dropped = append(dropped, st.addJob(&job{id: fmt.Sprintf("ntf-%d", i)})...)
	}
	if len(st.jobOrder) != MaxJobs || len(st.jobs) != MaxJobs {
		t.Fatalf("kept %d in order and %d by id, want %d", len(st.jobOrder), len(st.jobs), MaxJobs)
	}
	for i, j := range st.jobOrder {
		if want := fmt.Sprintf("ntf-%d", total-MaxJobs+i); j.id != want {
			t.Fatalf("jobOrder[%d] = %s, want %s", i, j.id, want)
		}
		if st.job(j.id) != j {
			t.Fatalf("%s is kept in order but not found by id", j.id)
		}
	}
	if len(dropped) != total-MaxJobs {
		t.Fatalf("dropped %d, want %d", len(dropped), total-MaxJobs)
	}
	for i, j := range dropped {
		if want := fmt.Sprintf("ntf-%d", i); j.id != want {
			t.Fatalf("dropped[%d] = %s, want %s", i, j.id, want)
		}
		if st.job(j.id) != nil {
			t.Fatalf("dropped %s is still found", j.id)
		}
	}
}

// BenchmarkAddJobFull is one notify's bookkeeping once MaxJobs are kept: it copied every kept job
// (10,000 pointers) per call before the array was cut from the front.
func BenchmarkAddJobFull(b *testing.B) {
	st := newState()
	for i := range MaxJobs {
		st.addJob(&job{id: fmt.Sprintf("ntf-%d", i)})
	}
	jobs := make([]*job, 1024)
	for i := range jobs {
		jobs[i] = &job{id: fmt.Sprintf("ntf-x%d", i)}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		st.addJob(jobs[i%len(jobs)])
		i++
	}
}
