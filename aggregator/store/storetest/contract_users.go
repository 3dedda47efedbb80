package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

func testCreateAndGetUser(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u := MustCreate(t, s, NewUser("acme", "erika@example.com", Base))
	inactive := NewUser("acme", "max", Base.Add(time.Second))
	inactive.Active = false
	MustCreate(t, s, inactive)

	tests := []struct {
		name   string
		get    func() (aggregator.User, error)
		want   aggregator.User
		wantNF bool
	}{
		{"by id", func() (aggregator.User, error) { return s.UserByID(ctx, "acme", u.ID) }, u, false},
		{"by username", func() (aggregator.User, error) { return s.UserByUsername(ctx, "acme", u.Username) }, u, false},
		{"inactive by id", func() (aggregator.User, error) { return s.UserByID(ctx, "acme", inactive.ID) }, inactive, false},
		{"inactive by username", func() (aggregator.User, error) { return s.UserByUsername(ctx, "acme", "max") }, inactive, false},
		{"unknown id", func() (aggregator.User, error) { return s.UserByID(ctx, "acme", uuid.NewString()) }, aggregator.User{}, true},
		{"unknown username", func() (aggregator.User, error) { return s.UserByUsername(ctx, "acme", "nobody") }, aggregator.User{}, true},
		{"id of another tenant", func() (aggregator.User, error) { return s.UserByID(ctx, "other", u.ID) }, aggregator.User{}, true},
		{"username of another tenant", func() (aggregator.User, error) { return s.UserByUsername(ctx, "other", u.Username) }, aggregator.User{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.get()
			if tc.wantNF {
				WantKind(t, err, aggregator.KindNotFound)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sameUser(t, got, tc.want)
		})
	}
}

func testCreateUserZeroCreatedGetsNow(t *testing.T, open Opener) {
	s := open(t)
	u := NewUser("acme", "erika", time.Time{})
	before := time.Now()
	MustCreate(t, s, u)
	got, err := s.UserByID(context.Background(), "acme", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Created.Before(before) || got.Created.After(time.Now()) {
		t.Errorf("Created = %v, want about now", got.Created)
	}
}

func testCreateUserRejectsMissingFields(t *testing.T, open Opener) {
	s := open(t)
	for name, mutate := range map[string]func(*aggregator.User){
		"id":       func(u *aggregator.User) { u.ID = "" },
		"tenant":   func(u *aggregator.User) { u.Tenant = "" },
		"username": func(u *aggregator.User) { u.Username = "" },
	} {
		t.Run(name, func(t *testing.T) {
			u := NewUser("acme", "erika", Base)
			mutate(&u)
			WantKind(t, s.CreateUser(context.Background(), u), aggregator.KindInvalid)
		})
	}
	if keys := Keys(t, s); len(keys) != 0 {
		t.Errorf("keys after refused creations: %q", keys)
	}
}

func testCreateUserDuplicate(t *testing.T, open Opener) {
	tests := []struct {
		name          string
		firstActive   bool
		secondTenant  string
		wantConflict  bool
		wantListedIDs int
	}{
		{"taken by an active user", true, "acme", true, 1},
		{"taken by a deactivated user", false, "acme", true, 0},
		{"free in another tenant", true, "other", false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := open(t)
			first := NewUser("acme", "erika", Base)
			first.Active = tc.firstActive
			MustCreate(t, s, first)

			second := NewUser(tc.secondTenant, "erika", Base.Add(time.Second))
			err := s.CreateUser(ctx, second)
			if !tc.wantConflict {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			WantKind(t, err, aggregator.KindConflict)
			var e *aggregator.Error
			if !errors.As(err, &e) || e.Message != "username already taken" || e.Op != "store.CreateUser" {
				t.Errorf("err = %#v", err)
			}
			// The loser's hash is gone and the winner keeps the name.
			_, err = s.UserByID(ctx, "acme", second.ID)
			WantKind(t, err, aggregator.KindNotFound)
			for _, k := range Keys(t, s) {
				if strings.Contains(k, second.ID) {
					t.Errorf("key of the losing user left behind: %s", k)
				}
			}
			got, err := s.UserByUsername(ctx, "acme", "erika")
			if err != nil || got.ID != first.ID {
				t.Errorf("UserByUsername = %v, %v; want the first user", got.ID, err)
			}
			active, err := s.ActiveUsers(ctx, "acme")
			if err != nil || len(active) != tc.wantListedIDs {
				t.Errorf("ActiveUsers = %v, %v; want %d", ids(active), err, tc.wantListedIDs)
			}
		})
	}
}

func testCreateUserDuplicateID(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u := MustCreate(t, s, NewUser("acme", "erika", Base))
	clash := NewUser("acme", "max", Base)
	clash.ID = u.ID
	WantKind(t, s.CreateUser(ctx, clash), aggregator.KindConflict)
	got, err := s.UserByID(ctx, "acme", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameUser(t, got, u) // untouched
	if _, err := s.UserByUsername(ctx, "acme", "max"); !aggregator.IsNotFound(err) {
		t.Errorf("the clashing username was claimed: %v", err)
	}
}

func testCreateUserConcurrentSameUsername(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	const n = 16
	errs := make([]error, n)
	users := make([]aggregator.User, n)
	var wg sync.WaitGroup
	for i := range n {
		users[i] = NewUser("acme", "race", Base.Add(time.Duration(i)*time.Second))
		wg.Go(func() { errs[i] = s.CreateUser(ctx, users[i]) })
	}
	wg.Wait()
	var winner string
	for i, err := range errs {
		switch {
		case err == nil:
			if winner != "" {
				t.Fatalf("two winners: %s and %s", winner, users[i].ID)
			}
			winner = users[i].ID
		case aggregator.ErrorKind(err) != aggregator.KindConflict:
			t.Fatalf("creation %d: %v", i, err)
		}
	}
	if winner == "" {
		t.Fatal("no creation succeeded")
	}
	active, err := s.ActiveUsers(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(active); !slices.Equal(got, []string{winner}) {
		t.Errorf("ActiveUsers = %v, want [%s]", got, winner)
	}
	var hashes int
	for _, k := range Keys(t, s) {
		if strings.HasSuffix(k, "}:user") {
			hashes++
		}
	}
	if hashes != 1 {
		t.Errorf("%d user hashes left, want 1", hashes)
	}
}

func testActiveUsers(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)

	empty, err := s.ActiveUsers(ctx, "acme")
	if err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("ActiveUsers of an empty tenant = %#v, %v; want empty non-nil", empty, err)
	}

	// Created out of insertion order: listing follows Created.
	c := MustCreate(t, s, NewUser("acme", "c", Base.Add(3*time.Second)))
	a := MustCreate(t, s, NewUser("acme", "a", Base.Add(1*time.Second)))
	b := MustCreate(t, s, NewUser("acme", "b", Base.Add(2*time.Second)))
	MustCreate(t, s, NewUser("other", "x", Base))

	steps := []struct {
		name   string
		update func() aggregator.User
		want   []string
	}{
		{"creation order", nil, []string{a.ID, b.ID, c.ID}},
		{"deactivation hides", func() aggregator.User { u := b; u.Active = false; return u }, []string{a.ID, c.ID}},
		{"deactivating again is harmless", func() aggregator.User { u := b; u.Active = false; return u }, []string{a.ID, c.ID}},
		{"reactivation lists again in creation order", func() aggregator.User { u := b; u.Firstname = "Bea"; return u }, []string{a.ID, b.ID, c.ID}},
		{"reactivating again is harmless", func() aggregator.User { u := b; u.Firstname = "Bea"; return u }, []string{a.ID, b.ID, c.ID}},
	}
	for _, st := range steps {
		if st.update != nil {
			if err := s.UpdateUser(ctx, st.update()); err != nil {
				t.Fatalf("%s: UpdateUser: %v", st.name, err)
			}
		}
		got, err := s.ActiveUsers(ctx, "acme")
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if !slices.Equal(ids(got), st.want) {
			t.Errorf("%s: ActiveUsers = %v, want %v", st.name, ids(got), st.want)
		}
	}
	got, _ := s.ActiveUsers(ctx, "acme")
	if got[1].Firstname != "Bea" || !got[1].Active {
		t.Errorf("reactivated user = %+v", got[1])
	}
}

func testActiveUsersFiltersListedInactive(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	a := MustCreate(t, s, NewUser("acme", "a", Base))
	b := MustCreate(t, s, NewUser("acme", "b", Base.Add(time.Second)))
	// Simulate a crash between the flag and the index update.
	key := s.Prefix() + "{t:acme:u:" + b.ID + "}:user"
	if err := s.Client().HSet(ctx, key, "active", "0").Err(); err != nil {
		t.Fatal(err)
	}
	got, err := s.ActiveUsers(ctx, "acme")
	if err != nil || !slices.Equal(ids(got), []string{a.ID}) {
		t.Errorf("ActiveUsers = %v, %v; want only %s", ids(got), err, a.ID)
	}
}

func testUpdateUser(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u := MustCreate(t, s, NewUser("acme", "erika", Base))

	tests := []struct {
		name     string
		active   bool
		update   func(u aggregator.User) aggregator.User
		WantKind aggregator.Kind // KindInternal means success
	}{
		{"new password and names", true, func(u aggregator.User) aggregator.User {
			u.PasswordHash, u.Firstname, u.Lastname = "$2a$10$other", "E.", "M."
			return u
		}, aggregator.KindInternal},
		{"deactivate", false, func(u aggregator.User) aggregator.User { u.Active = false; return u }, aggregator.KindInternal},
		{"unknown user", true, func(u aggregator.User) aggregator.User { u.ID = uuid.NewString(); return u }, aggregator.KindNotFound},
		{"unknown user deactivated", true, func(u aggregator.User) aggregator.User {
			u.ID, u.Active = uuid.NewString(), false
			return u
		}, aggregator.KindNotFound},
		{"other tenant", true, func(u aggregator.User) aggregator.User { u.Tenant = "other"; return u }, aggregator.KindNotFound},
		{"username change", true, func(u aggregator.User) aggregator.User { u.Username = "renamed"; return u }, aggregator.KindInvalid},
		{"username change on deactivation", true, func(u aggregator.User) aggregator.User {
			u.Username, u.Active = "renamed", false
			return u
		}, aggregator.KindInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, err := s.UserByID(ctx, "acme", u.ID)
			if err != nil {
				t.Fatal(err)
			}
			upd := tc.update(before)
			err = s.UpdateUser(ctx, upd)
			after, _ := s.UserByID(ctx, "acme", u.ID)
			if tc.WantKind != aggregator.KindInternal {
				WantKind(t, err, tc.WantKind)
				sameUser(t, after, before) // untouched
				if _, err := s.UserByID(ctx, upd.Tenant, upd.ID); upd.ID != u.ID && !aggregator.IsNotFound(err) {
					t.Errorf("update created a user: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sameUser(t, after, upd)
			// Restore for the next case.
			if err := s.UpdateUser(ctx, before); err != nil {
				t.Fatal(err)
			}
		})
	}
	if keys := Keys(t, s); slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(k, "{t:other") }) {
		t.Errorf("keys of tenant other were created: %q", keys)
	}
}

func testRoles(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	a := MustCreate(t, s, NewUser("acme", "a", Base))
	b := MustCreate(t, s, NewUser("acme", "b", Base.Add(time.Second)))
	const client = "acme/app:web" // client ids may contain '/' and ':'

	grants := []struct{ user, client, role string }{
		{a.ID, client, "viewer"},
		{a.ID, client, "viewer"}, // idempotent
		{a.ID, client, "admin"},
		{b.ID, client, "viewer"},
		{b.ID, "acme/other", "auditor"},
	}
	for _, g := range grants {
		if err := s.AddRole(ctx, "acme", g.user, g.client, g.role); err != nil {
			t.Fatalf("AddRole(%v): %v", g, err)
		}
	}
	WantKind(t, s.AddRole(ctx, "acme", uuid.NewString(), client, "viewer"), aggregator.KindNotFound)

	members := []struct {
		client, role string
		want         []string
	}{
		{client, "viewer", slices.Sorted(slices.Values([]string{a.ID, b.ID}))},
		{client, "admin", []string{a.ID}},
		{"acme/other", "auditor", []string{b.ID}},
		{"acme/other", "viewer", []string{}},
		{"acme", "app:web:viewer", []string{}}, // escaping keeps components apart
	}
	for _, m := range members {
		got, err := s.RoleMembers(ctx, "acme", m.client, m.role)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || !slices.Equal(got, m.want) {
			t.Errorf("RoleMembers(%s, %s) = %#v, want %v", m.client, m.role, got, m.want)
		}
	}

	roles := map[string][]string{a.ID: {"admin", "viewer"}, b.ID: {"auditor", "viewer"}}
	for id, want := range roles {
		u, err := s.UserByID(ctx, "acme", id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(u.Roles, want) {
			t.Errorf("roles of %s = %v, want %v", id, u.Roles, want)
		}
	}
	active, _ := s.ActiveUsers(ctx, "acme")
	if len(active) != 2 || !slices.Equal(active[0].Roles, roles[a.ID]) {
		t.Errorf("ActiveUsers roles = %+v", active)
	}
}

func testTokenRoundTrip(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u := MustCreate(t, s, NewUser("acme", "erika", Base))
	clientTok := aggregator.Token{
		AccessToken: uuid.NewString(), Tenant: "acme", Client: "acme/admin",
		Scopes:   aggregator.Scopes{aggregator.ScopeUsersCreate},
		IssuedAt: time.Now().Truncate(time.Second), ValidTo: time.Now().Truncate(time.Second).Add(time.Hour),
	}
	noScopes := UserToken(u, time.Minute)
	noScopes.Scopes = nil

	for name, tok := range map[string]aggregator.Token{
		"user token":   UserToken(u, time.Hour),
		"client token": clientTok,
		"no scopes":    noScopes,
	} {
		t.Run(name, func(t *testing.T) {
			d := SaveToken(t, s, tok)
			got, err := s.LookupToken(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			if got.AccessToken != "" {
				t.Errorf("AccessToken = %q, want it not stored", got.AccessToken)
			}
			want := tok
			want.AccessToken = ""
			if !got.IssuedAt.Equal(want.IssuedAt) || !got.ValidTo.Equal(want.ValidTo) {
				t.Errorf("times = %v..%v, want %v..%v", got.IssuedAt, got.ValidTo, want.IssuedAt, want.ValidTo)
			}
			got.IssuedAt, got.ValidTo, want.IssuedAt, want.ValidTo = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
				t.Errorf("token =\n%#v\nwant\n%#v", got, want)
			}
		})
	}
	_, err := s.LookupToken(ctx, aggregator.TokenDigest("unknown"))
	WantKind(t, err, aggregator.KindNotFound)
}

func testTokenExpiry(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u := MustCreate(t, s, NewUser("acme", "erika", Base))
	index := s.Prefix() + "{t:acme:u:" + u.ID + "}:tokens"

	ttlNear := func(t *testing.T, key string, want time.Duration) {
		t.Helper()
		got, err := s.Client().TTL(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if got > want || got < want-3*time.Second {
			t.Errorf("TTL(%s) = %v, want about %v", key, got, want)
		}
	}

	d1 := SaveToken(t, s, UserToken(u, time.Hour))
	ttlNear(t, s.Prefix()+"tok:"+d1, time.Hour)
	ttlNear(t, index, time.Hour)

	d2 := SaveToken(t, s, UserToken(u, 2*time.Hour))
	ttlNear(t, s.Prefix()+"tok:"+d2, 2*time.Hour)
	ttlNear(t, index, 2*time.Hour)

	d3 := SaveToken(t, s, UserToken(u, 30*time.Minute)) // a shorter token does not shorten the index
	ttlNear(t, s.Prefix()+"tok:"+d3, 30*time.Minute)
	ttlNear(t, index, 2*time.Hour)

	// A token issued after d3 expired prunes d3 from the index. The clocks
	// are the issuer's: a test clock far from the server's works the same.
	later := UserToken(u, time.Hour)
	later.IssuedAt = later.IssuedAt.Add(45 * time.Minute)
	later.ValidTo = later.IssuedAt.Add(time.Hour)
	d4 := SaveToken(t, s, later)
	ttlNear(t, s.Prefix()+"tok:"+d4, time.Hour)
	members, err := s.Client().ZRange(ctx, index, 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{d1, d2, d4}; !slices.Equal(slices.Sorted(slices.Values(members)), slices.Sorted(slices.Values(want))) {
		t.Errorf("index members = %v, want %v", members, want)
	}

	past := UserToken(u, time.Hour)
	past.IssuedAt, past.ValidTo = past.IssuedAt.AddDate(-1, 0, 0), past.ValidTo.AddDate(-1, 0, 0)
	d5 := SaveToken(t, s, past)
	ttlNear(t, s.Prefix()+"tok:"+d5, time.Hour)
	if got, err := s.LookupToken(ctx, d5); err != nil || !got.ValidTo.Equal(past.ValidTo) {
		t.Errorf("a token of an injected past clock: %v, %v", got, err)
	}

	expired := UserToken(u, -time.Minute)
	WantKind(t, s.SaveToken(ctx, aggregator.TokenDigest("expired"), expired), aggregator.KindInternal)
	zero := UserToken(u, time.Hour)
	zero.ValidTo = time.Time{}
	WantKind(t, s.SaveToken(ctx, aggregator.TokenDigest("zero"), zero), aggregator.KindInternal)
}

func testDeleteToken(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u := MustCreate(t, s, NewUser("acme", "erika", Base))
	d := SaveToken(t, s, UserToken(u, time.Hour))
	other := SaveToken(t, s, UserToken(u, time.Hour))
	for range 2 { // deleting twice is no error
		if err := s.DeleteToken(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.LookupToken(ctx, d)
	WantKind(t, err, aggregator.KindNotFound)
	if _, err := s.LookupToken(ctx, other); err != nil {
		t.Errorf("other token: %v", err)
	}
}

func testDeleteUserTokens(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	a := MustCreate(t, s, NewUser("acme", "a", Base))
	b := MustCreate(t, s, NewUser("acme", "b", Base.Add(time.Second)))
	var ofA, ofB []string
	for range 3 {
		ofA = append(ofA, SaveToken(t, s, UserToken(a, time.Hour)))
		ofB = append(ofB, SaveToken(t, s, UserToken(b, time.Hour)))
	}
	clientTok := UserToken(a, time.Hour)
	clientTok.UserID, clientTok.Username = "", ""
	dc := SaveToken(t, s, clientTok)

	if err := s.DeleteUserTokens(ctx, "acme", a.ID); err != nil {
		t.Fatal(err)
	}
	for _, d := range ofA {
		_, err := s.LookupToken(ctx, d)
		WantKind(t, err, aggregator.KindNotFound)
	}
	for _, d := range append(ofB, dc) {
		if _, err := s.LookupToken(ctx, d); err != nil {
			t.Errorf("token %s of someone else: %v", d, err)
		}
	}
	if n, _ := s.Client().Exists(ctx, s.Prefix()+"{t:acme:u:"+a.ID+"}:tokens").Result(); n != 0 {
		t.Error("token index of a still exists")
	}
	// Idempotent, also for a user without tokens.
	if err := s.DeleteUserTokens(ctx, "acme", a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUserTokens(ctx, "acme", uuid.NewString()); err != nil {
		t.Fatal(err)
	}
}

// testUsersPerTenantLimit: the tenant's usernames are capped, a refused
// user leaves no hash behind, and other tenants are not affected.
func testUsersPerTenantLimit(t *testing.T, open Opener) {
	s := open(t)
	s.SetLimits(aggregator.Limits{UsersPerTenant: 2})
	ctx := context.Background()
	for i := range 2 {
		MustCreate(t, s, NewUser("acme", fmt.Sprintf("u%d", i), Base))
	}
	extra := NewUser("acme", "u2", Base)
	err := s.CreateUser(ctx, extra)
	if aggregator.ErrorKind(err) != aggregator.KindInvalid || !strings.Contains(err.Error(), "at most 2 users per tenant") {
		t.Fatalf("third user: %v, want KindInvalid naming the limit", err)
	}
	if _, err := s.UserByID(ctx, "acme", extra.ID); !aggregator.IsNotFound(err) {
		t.Fatalf("the refused user is stored: %v", err)
	}
	// A taken name is still a conflict, not a limit.
	dup := NewUser("acme", "u0", Base)
	if err := s.CreateUser(ctx, dup); aggregator.ErrorKind(err) != aggregator.KindConflict {
		t.Fatalf("duplicate name at the limit: %v, want conflict", err)
	}
	MustCreate(t, s, NewUser("other", "u0", Base))
}
