package notifier

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestSignMatchesTheSpecification uses the Standard Webhooks test vector.
func TestSignMatchesTheSpecification(t *testing.T) {
	h := http.Header{}
	body := []byte(`{"test": 2432232314}`)
	at := time.Unix(1614265330, 0)
	if err := Sign(h, "msg_p5jXN8AQM9LWM0D4loKWxJek", at, body, []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}); err != nil {
		t.Fatal(err)
	}
	if got := h.Get(HeaderSignature); got != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
		t.Errorf("signature %q", got)
	}
	if h.Get(HeaderID) != "msg_p5jXN8AQM9LWM0D4loKWxJek" || h.Get(HeaderTimestamp) != "1614265330" {
		t.Errorf("headers %v", h)
	}
}

// TestSignDuringRotation: either secret of a rotation verifies.
func TestSignDuringRotation(t *testing.T) {
	old, next := aggregator.NewWebhookSecret(), aggregator.NewWebhookSecret()
	h := http.Header{}
	body := []byte(`{"serial":1}`)
	if err := Sign(h, "n1", time.Now(), body, []string{old, next}); err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(h.Get(HeaderSignature))); n != 2 {
		t.Fatalf("%d signatures, want 2", n)
	}
	for _, s := range []string{old, next} {
		if err := Verify(s, body, h); err != nil {
			t.Errorf("verify with one of the secrets: %v", err)
		}
	}
	if err := Verify(aggregator.NewWebhookSecret(), body, h); err == nil {
		t.Error("a foreign secret verified")
	}
	if err := Verify(old, []byte(`{"serial":2}`), h); err == nil {
		t.Error("a changed body verified")
	}
}

func amount(s string) *aggregator.Amount { d := decimal.RequireFromString(s); return &d }

// TestBodyIsTheSeedsObject pins each notification's wire form.
func TestBodyIsTheSeedsObject(t *testing.T) {
	at := time.Date(2019, 5, 11, 7, 5, 0, 0, time.UTC) // 09:05 in Berlin
	common := aggregator.Notification{ID: "n", Serial: 7, Tenant: "demo", UserID: "3f0c…", AccessID: "3671fbf6-c752-4107-a9c0-61ea77cd7f5e", Occurred: at}
	cases := map[string]func(n *aggregator.Notification){
		"transaction": func(n *aggregator.Notification) {
			n.Type, n.ProductID = aggregator.NotifyTransaction, "DE1235233452324553423442A"
			n.NewTransactions = []aggregator.NotifiedTransaction{{PayeeName: "La Sopia GmbH Munich", Amount: amount("-70")},
				{PayeeName: "netzpolitik.org e. V.", Amount: amount("-1337.42")}, {PayeeName: "Ohne Betrag"}}
		},
		"balance": func(n *aggregator.Notification) {
			n.Type, n.ProductID = aggregator.NotifyBalance, "DE1235233452324553423442A"
			n.OldBalance, n.NewBalance = amount("200000.00"), amount("205000.00")
		},
		"error": func(n *aggregator.Notification) {
			n.Type, n.Level, n.Code, n.Message = aggregator.NotifyError, aggregator.LevelError, "BA1010", "Zugang gesperrt"
		},
	}
	for name, fill := range cases {
		t.Run(name, func(t *testing.T) {
			n := common
			fill(&n)
			got, err := Body(n)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update once)", err)
			}
			if string(got) != string(want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestScheduleDelays(t *testing.T) {
	s := Schedule{Initial: 10 * time.Second, Max: time.Hour, Window: 24 * time.Hour, Jitter: 0.2}
	cases := []struct {
		failures int
		rnd      float64
		want     time.Duration
	}{
		{1, 0.5, 10 * time.Second},
		{2, 0.5, 20 * time.Second},
		{3, 0.5, 40 * time.Second},
		{20, 0.5, time.Hour},
		{1, 0, 8 * time.Second},
		{1, 1, 12 * time.Second},
		{30, 0.999999, time.Hour + 12*time.Minute - 7*time.Millisecond},
	}
	for _, tc := range cases {
		got := s.Delay(tc.failures, tc.rnd)
		if diff := got - tc.want; diff < -10*time.Millisecond || diff > 10*time.Millisecond {
			t.Errorf("Delay(%d, %v) = %v, want %v", tc.failures, tc.rnd, got, tc.want)
		}
	}
	first := time.Unix(0, 0)
	if s.GiveUp(first, first.Add(23*time.Hour)) || !s.GiveUp(first, first.Add(24*time.Hour)) {
		t.Error("GiveUp must end at the window")
	}
}
