package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

// BenchmarkRefresh compares background refreshes of demo-bank accesses
// (latency 0; load, bank fetch, compare, save with notifications) with a
// bare loop of the same store calls on the same data (read the access,
// look up the transactions, save the snapshot with a notification).
// Issue #5 asks for at least half.
func BenchmarkRefresh(b *testing.B) {
	env := map[string]string{"ZUGANG_ADDR": "127.0.0.1:0", "ZUGANG_BCRYPT_COST": "4", "ZUGANG_LOG_LEVEL": "error",
		"ZUGANG_CREDENTIALS_DEV_KEY_DIR": b.TempDir(), "ZUGANG_DEMO_BOOKING_INTERVAL": "1s"}
	if u := os.Getenv("REDIS_URL"); u != "" {
		env["REDIS_URL"], env["ZUGANG_REDIS_KEY_PREFIX"] = u, "zugangbench:"+uuid.NewString()[:8]+":"
	}
	ctx := context.Background()
	m, err := Open(ctx, "", lookup(env), discard{})
	if err != nil {
		b.Fatal(err)
	}
	defer m.close()
	const accesses = 16
	p := aggregator.Principal{Tenant: "demo", Client: "demo-app", UserID: uuid.NewString()}
	refs := make([]aggregator.SyncRef, accesses)
	for i := range refs {
		id := uuid.NewString()
		req := map[string]aggregator.AccessRequest{id: {ProviderID: "00000000-0000-0000-0000-000000000000",
			Plain: aggregator.Credentials{"userid": "demo1", "pin": "demo1"}}}
		if _, err := m.Accesses.Add(ctx, p, req, []string{id}, aggregator.AccessOptions{WebForm: true}); err != nil {
			b.Fatal(err)
		}
		refs[i] = aggregator.SyncRef{Tenant: p.Tenant, UserID: p.UserID, AccessID: id}
	}
	m.Syncer.Planner.Policy.UnattendedPerDay = 1 << 30

	b.Run("bare-store", func(b *testing.B) {
		acc, _ := m.Store.Access(ctx, p.Tenant, p.UserID, refs[0].AccessID)
		txs, _ := m.Store.Transactions(ctx, p.Tenant, p.UserID, refs[0].AccessID, acc.Products[0].ID, time.Now().AddDate(0, 0, -90), time.Time{})
		ids := make([]string, len(txs))
		for i, t := range txs {
			ids[i] = t.ID
		}
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			ref := refs[i%accesses]
			a, err := m.Store.Access(ctx, ref.Tenant, ref.UserID, ref.AccessID)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := m.Store.UnknownTransactions(ctx, ref.Tenant, ref.UserID, ref.AccessID, a.Products[0].ID, ids); err != nil {
				b.Fatal(err)
			}
			snap := &aggregator.Snapshot{Products: a.Products, Transactions: txs}
			notes := []aggregator.Notification{{ID: uuid.NewString(),
				Type: aggregator.NotifyBalance, Tenant: ref.Tenant, UserID: ref.UserID, AccessID: ref.AccessID, Occurred: time.Now()}}
			if err := m.Store.SaveAccess(ctx, &a, snap, notes); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "refreshes/s")
	})
	b.Run("zugang-refresh", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if err := m.Syncer.Refresh(ctx, refs[i%accesses]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "refreshes/s")
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
