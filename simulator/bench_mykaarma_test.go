package simulator_test

import (
	"net/http"
	"testing"
)

var myKaarmaHeaders = []string{"Authorization", "Basic bWstZGVtbzptay1kZW1vLXNlY3JldA==", "Content-Type", "application/json"}

const myKaarmaNotifyPath = "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify"

// benchMyKaarma posts body to the notify route b.N times, emptying the store outside the timer
// so it doesn't grow without bound.
func benchMyKaarma(b *testing.B, body []byte) {
	b.Helper()
	sim := newSim(b, nil)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%10000 == 0 {
			b.StopTimer()
			sim.Env().Store.Reset()
			b.StartTimer()
		}
		if rec := do(sim, "POST", myKaarmaNotifyPath, body, myKaarmaHeaders...); rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkMyKaarmaNotifySync is one notify to the default user, delivered before the answer:
// routing, Basic auth and scope, spec validation, fan-out, delivery and the response.
func BenchmarkMyKaarmaNotifySync(b *testing.B) {
	benchMyKaarma(b, []byte(`{"messageAttributes": {"body": "RO 4411 is ready for pickup"}, "messageSendingAttributesLite": {"sendSynchronously": true}}`))
}

// BenchmarkMyKaarmaNotifyFanOut is the full notify: owner, internal subscribers, an
// additional user and the phone (4 messages), with buttons, an attachment and draft attributes
// (a warning), delivered before the answer.
func BenchmarkMyKaarmaNotifyFanOut(b *testing.B) {
	benchMyKaarma(b, []byte(`{"messageAttributes": {"body": "Customer is waiting at the service desk", "subject": "Walk-in", "purpose": "W",
	  "metaData": {"ro": "4411"}, "draftAttributes": {"draftStatus": "SCHEDULED"},
	  "attachments": [{"fileURL": "https://files.example.com/ro.pdf", "attachmentExtension": "pdf", "originalFileName": "ro.pdf", "docSize": "2048"}]},
	 "notificationAttributes": {"internalSubscribersNotifierPop": true, "sendPhoneNotification": true,
	  "additionalNotifierNotificationDAUUIDs": ["0b1d6a4e-0000-4000-8000-0000000000a3"], "notificationButtons": [{}, {"buttonDefaultText": "OPEN"}]},
	 "messageSendingAttributesLite": {"sendSynchronously": true}}`))
}

// BenchmarkMyKaarmaNotifyAsync is the default mode: stored as scheduled, answered, then
// delivered by a clock timer (that delivery runs outside the measured request).
func BenchmarkMyKaarmaNotifyAsync(b *testing.B) {
	benchMyKaarma(b, []byte(`{"messageAttributes": {"body": "RO 4411 is ready for pickup"}}`))
}

// BenchmarkMyKaarmaNotifyRefused is a 400 for a missing body text: the refusal path.
func BenchmarkMyKaarmaNotifyRefused(b *testing.B) {
	sim := newSim(b, nil)
	body := []byte(`{"messageAttributes": {"body": ""}}`)
	b.ReportAllocs()
	for b.Loop() {
		if rec := do(sim, "POST", myKaarmaNotifyPath, body, myKaarmaHeaders...); rec.Code != http.StatusBadRequest {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
