package demo

import (
	"context"
	"testing"

	"github.com/zugang/zugang/aggregator"
)

// BenchmarkFetch is a full fetch of a default login: two years of
// transactions (simulated from the books' first day), products, positions.
func BenchmarkFetch(b *testing.B) {
	bank := newBank(b, newClock(), nil)
	out, err := connect(bank, "demo1", "demo1")
	if err != nil {
		b.Fatal(err)
	}
	req := aggregator.FetchRequest{AccessID: testAccess, State: out.State}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		snap, err := bank.Fetch(ctx, req)
		if err != nil || len(snap.Transactions) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelectMethod is one SCA step: decode the state, answer, encode.
func BenchmarkSelectMethod(b *testing.B) {
	bank := newBank(b, newClock(), nil)
	out, err := connect(bank, "demo2", "demo2")
	if err != nil {
		b.Fatal(err)
	}
	req := aggregator.StepRequest{AccessID: testAccess, State: out.State}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bank.SelectMethod(ctx, req, 1); err != nil {
			b.Fatal(err)
		}
	}
}
