package notifier_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/notifier"
)

// BenchmarkDelivery compares signed deliveries through the store (claim,
// sign, POST, record) with bare POSTs of the same bytes to the same local
// receiver, 50 in flight in both. Issue #5 asks for at least half.
func BenchmarkDelivery(b *testing.B) {
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }))
	defer recv.Close()
	amount := aggregator.Amount{}
	sample := aggregator.Notification{ID: uuid.NewString(), Serial: 1, Type: aggregator.NotifyTransaction, Tenant: "demo",
		UserID: uuid.NewString(), AccessID: uuid.NewString(), Occurred: time.Now(), ProductID: "DE02120300000000202051",
		NewTransactions: []aggregator.NotifiedTransaction{{PayeeName: "REWE Markt GmbH", Amount: &amount}}}
	body, _ := notifier.Body(sample)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	const inFlight = 50

	b.Run("bare-post", func(b *testing.B) {
		start := time.Now()
		work := make(chan struct{})
		var wg sync.WaitGroup
		for range inFlight {
			wg.Go(func() {
				for range work {
					res, err := client.Post(recv.URL, "application/json", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			})
		}
		for i := 0; i < b.N; i++ {
			work <- struct{}{}
		}
		close(work)
		wg.Wait()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
	})
	b.Run("zugang-signed", func(b *testing.B) {
		secret := aggregator.NewWebhookSecret()
		s := newSetup(b, "bench-"+uuid.NewString()[:8], aggregator.WebhookEndpoint{URL: recv.URL, Secrets: []string{secret}})
		s.d.Client, s.d.Batch = client, inFlight
		s.clk.now = time.Now()
		for i := 0; i < b.N; i++ {
			n := sample
			n.ID, n.Tenant, n.Serial = uuid.NewString(), s.acc.Tenant, 0
			if _, err := s.st.Sequence(context.Background(), n, s.clk.now); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		start := time.Now()
		for sent := 0; sent < b.N; {
			n, err := s.d.DeliverTenant(context.Background(), s.acc.Tenant)
			if err != nil {
				b.Fatal(err)
			}
			sent += n
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
	})
}
