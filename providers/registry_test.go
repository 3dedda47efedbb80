package providers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/zugang/zugang/aggregator"
)

// stub is a minimal provider.
type stub struct{ cfg aggregator.ProviderConfig }

func (stub) Connect(context.Context, aggregator.ConnectRequest) (aggregator.Outcome, error) {
	return aggregator.Outcome{Step: aggregator.EventDone}, nil
}

func (stub) Fetch(context.Context, aggregator.FetchRequest) (aggregator.Snapshot, error) {
	return aggregator.Snapshot{}, nil
}

func stubFactory(cfg aggregator.ProviderConfig) (aggregator.Provider, error) {
	return stub{cfg: cfg}, nil
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if !strings.Contains(fmt.Sprint(r), want) {
			t.Errorf("panic %q does not contain %q", r, want)
		}
	}()
	f()
}

func TestRegisterAndNew(t *testing.T) {
	Register("test-stub", stubFactory)
	cfg := aggregator.ProviderConfig{Info: aggregator.ProviderInfo{Name: "Stub Bank"}, BaseURL: "https://gw.example"}
	p, err := New("test-stub", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := p.(stub); !ok || s.cfg.Info.Name != "Stub Bank" || s.cfg.BaseURL != "https://gw.example" {
		t.Errorf("New returned %#v, want the stub built from cfg", p)
	}
	if !slices.Contains(Types(), "test-stub") {
		t.Errorf("Types() = %v lacks test-stub", Types())
	}
}

func TestRegisterPanics(t *testing.T) {
	Register("test-dup", stubFactory)
	tests := []struct {
		name, typ, want string
		f               aggregator.ProviderFactory
	}{
		{"empty type", "", "empty adapter type", stubFactory},
		{"nil factory", "test-nil", "nil factory", nil},
		{"duplicate", "test-dup", "registered twice", stubFactory},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustPanic(t, tt.want, func() { Register(tt.typ, tt.f) })
		})
	}
	if slices.Contains(Types(), "test-nil") {
		t.Error("a rejected registration was kept")
	}
}

func TestNewErrors(t *testing.T) {
	Register("test-broken", func(aggregator.ProviderConfig) (aggregator.Provider, error) {
		return nil, errors.New("bad settings")
	})
	Register("test-nilprov", func(aggregator.ProviderConfig) (aggregator.Provider, error) { return nil, nil })
	tests := []struct{ typ, want string }{
		{"nope", `unknown provider adapter type "nope" (registered: `},
		{"nope", "test-broken"}, // the registered types are named
		{"test-broken", "adapter test-broken: bad settings"},
		{"test-nilprov", "returned no provider"},
	}
	for _, tt := range tests {
		p, err := New(tt.typ, aggregator.ProviderConfig{})
		if err == nil || p != nil {
			t.Errorf("New(%q) = %v, %v; want an error", tt.typ, p, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%q) error %q does not contain %q", tt.typ, err, tt.want)
		}
	}
}

func TestTypesSorted(t *testing.T) {
	Register("test-zz", stubFactory)
	Register("test-aa", stubFactory)
	types := Types()
	if !slices.IsSorted(types) {
		t.Errorf("Types() = %v is not sorted", types)
	}
	types[0] = "mutated"
	if Types()[0] == "mutated" {
		t.Error("Types() exposes the registry's storage")
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() { defer wg.Done(); Register(fmt.Sprintf("test-conc-%d", i), stubFactory) }()
		go func() {
			defer wg.Done()
			_ = Types()
			_, _ = New("test-conc-0", aggregator.ProviderConfig{})
		}()
	}
	wg.Wait()
	for i := range 8 {
		if _, err := New(fmt.Sprintf("test-conc-%d", i), aggregator.ProviderConfig{}); err != nil {
			t.Error(err)
		}
	}
}
