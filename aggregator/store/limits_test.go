package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

// TestAccessesPerUserLimit: the save of a new access beyond the limit is
// refused atomically, also when many saves race; existing accesses still
// save, and other users are not affected.
func TestAccessesPerUserLimit(t *testing.T) {
	s := storetest.New(t)
	s.SetLimits(aggregator.Limits{AccessesPerUser: 3})
	ctx := context.Background()
	user := uuid.NewString()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = s.SaveAccess(ctx, newAccess(user), nil, nil) })
	}
	wg.Wait()
	saved := 0
	for _, err := range errs {
		switch {
		case err == nil:
			saved++
		case aggregator.ErrorKind(err) != aggregator.KindInvalid || !strings.Contains(err.Error(), "at most 3 bank accesses per user"):
			t.Errorf("save beyond the limit: %v, want KindInvalid naming the limit", err)
		}
	}
	n, err := s.AccessCount(ctx, "demo", user)
	if err != nil || n != 3 || saved != 3 {
		t.Fatalf("AccessCount = %d, %v; %d saves succeeded; want 3 and 3", n, err, saved)
	}
	list, _ := s.Accesses(ctx, "demo", user)
	if len(list) != 3 {
		t.Fatalf("listed %d accesses, want 3", len(list))
	}
	// An existing access saves again; another user starts at zero.
	again := list[0]
	if err := s.SaveAccess(ctx, &again, nil, nil); err != nil {
		t.Fatalf("saving an existing access at the limit: %v", err)
	}
	if err := s.SaveAccess(ctx, newAccess(uuid.NewString()), nil, nil); err != nil {
		t.Fatalf("another user's access: %v", err)
	}
	if keys := storetest.Keys(t, s); hasStaged(keys) {
		t.Errorf("a refused save left its staged record: %v", keys)
	}
}

func hasStaged(keys []string) bool {
	for _, k := range keys {
		if strings.Contains(k, ":stage") {
			return true
		}
	}
	return false
}

// TestUsersPerTenantLimit: the tenant's usernames are capped, a refused
// user leaves no hash behind, and other tenants are not affected.
func TestUsersPerTenantLimit(t *testing.T) {
	s := storetest.New(t)
	s.SetLimits(aggregator.Limits{UsersPerTenant: 2})
	ctx := context.Background()
	for i := range 2 {
		mustCreate(t, s, newUser("acme", fmt.Sprintf("u%d", i), base))
	}
	extra := newUser("acme", "u2", base)
	err := s.CreateUser(ctx, extra)
	if aggregator.ErrorKind(err) != aggregator.KindInvalid || !strings.Contains(err.Error(), "at most 2 users per tenant") {
		t.Fatalf("third user: %v, want KindInvalid naming the limit", err)
	}
	if _, err := s.UserByID(ctx, "acme", extra.ID); !aggregator.IsNotFound(err) {
		t.Fatalf("the refused user is stored: %v", err)
	}
	// A taken name is still a conflict, not a limit.
	dup := newUser("acme", "u0", base)
	if err := s.CreateUser(ctx, dup); aggregator.ErrorKind(err) != aggregator.KindConflict {
		t.Fatalf("duplicate name at the limit: %v, want conflict", err)
	}
	mustCreate(t, s, newUser("other", "u0", base))
}
