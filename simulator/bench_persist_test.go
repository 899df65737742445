package simulator_test

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/notifysim/notifysim/simulator"
)

// BenchmarkDurableLumaSend is one Luma notify to one user from many concurrent clients, with
// the state in memory and with a data file (each answer waits for its group commit).
func BenchmarkDurableLumaSend(b *testing.B) {
	body := []byte(`{"recipients": {"contacts": ["sam.phyll"]}, "responseType": "TEXT", "message": "Exchange is down until 9 PM"}`)
	for _, mode := range []string{"memory", "data"} {
		b.Run(mode, func(b *testing.B) {
			opts := simulator.Options{Seed: 42}
			if mode == "data" {
				opts.DataFile = filepath.Join(b.TempDir(), "bench.db")
			}
			sim, err := simulator.New(opts)
			if err != nil {
				b.Fatal(err)
			}
			defer sim.Close()
			b.SetParallelism(16) // 32 clients on 2 cores
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if rec := do(sim, "POST", "/vsa/public/notifylumauser/message", body, lumaHeaders...); rec.Code != http.StatusOK {
						b.Errorf("status %d: %s", rec.Code, rec.Body)
						return
					}
				}
			})
		})
	}
}
