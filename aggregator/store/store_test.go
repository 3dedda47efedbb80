package store_test

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
	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

const pwHash = "$2a$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0" // looks like bcrypt; never checked here

// base is a creation time well in the past with sub-second precision.
var base = time.Date(2024, 5, 17, 10, 30, 0, 123456000, time.UTC)

func newUser(tenant, username string, created time.Time) aggregator.User {
	return aggregator.User{
		ID:           uuid.NewString(),
		Tenant:       tenant,
		Username:     username,
		PasswordHash: pwHash,
		Firstname:    "Erika",
		Lastname:     "Mustermann",
		Active:       true,
		Created:      created,
	}
}

func mustCreate(t *testing.T, s *store.Store, u aggregator.User) aggregator.User {
	t.Helper()
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("CreateUser(%s): %v", u.Username, err)
	}
	return u
}

func wantKind(t *testing.T, err error, want aggregator.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want kind %v", want)
	}
	if got := aggregator.ErrorKind(err); got != want {
		t.Fatalf("err = %v (kind %v), want kind %v", err, got, want)
	}
}

func sameUser(t *testing.T, got, want aggregator.User) {
	t.Helper()
	if want.Roles == nil {
		want.Roles = []string{}
	}
	if !got.Created.Equal(want.Created) {
		t.Errorf("Created = %v, want %v", got.Created, want.Created)
	}
	got.Created, want.Created = time.Time{}, time.Time{}
	if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
		t.Errorf("user =\n%#v\nwant\n%#v", got, want)
	}
}

func ids(us []aggregator.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func TestCreateAndGetUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u := mustCreate(t, s, newUser("acme", "erika@example.com", base))
	inactive := newUser("acme", "max", base.Add(time.Second))
	inactive.Active = false
	mustCreate(t, s, inactive)

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
				wantKind(t, err, aggregator.KindNotFound)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sameUser(t, got, tc.want)
		})
	}
}

func TestCreateUserZeroCreatedGetsNow(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	u := newUser("acme", "erika", time.Time{})
	before := time.Now()
	mustCreate(t, s, u)
	got, err := s.UserByID(context.Background(), "acme", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Created.Before(before) || got.Created.After(time.Now()) {
		t.Errorf("Created = %v, want about now", got.Created)
	}
}

func TestCreateUserRejectsMissingFields(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	for name, mutate := range map[string]func(*aggregator.User){
		"id":       func(u *aggregator.User) { u.ID = "" },
		"tenant":   func(u *aggregator.User) { u.Tenant = "" },
		"username": func(u *aggregator.User) { u.Username = "" },
	} {
		t.Run(name, func(t *testing.T) {
			u := newUser("acme", "erika", base)
			mutate(&u)
			wantKind(t, s.CreateUser(context.Background(), u), aggregator.KindInvalid)
		})
	}
	if keys := storetest.Keys(t, s); len(keys) != 0 {
		t.Errorf("keys after refused creations: %q", keys)
	}
}

func TestCreateUserDuplicate(t *testing.T) {
	t.Parallel()
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
			s := storetest.New(t)
			first := newUser("acme", "erika", base)
			first.Active = tc.firstActive
			mustCreate(t, s, first)

			second := newUser(tc.secondTenant, "erika", base.Add(time.Second))
			err := s.CreateUser(ctx, second)
			if !tc.wantConflict {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantKind(t, err, aggregator.KindConflict)
			var e *aggregator.Error
			if !errors.As(err, &e) || e.Message != "username already taken" || e.Op != "store.CreateUser" {
				t.Errorf("err = %#v", err)
			}
			// The loser's hash is gone and the winner keeps the name.
			_, err = s.UserByID(ctx, "acme", second.ID)
			wantKind(t, err, aggregator.KindNotFound)
			for _, k := range storetest.Keys(t, s) {
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

func TestCreateUserDuplicateID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u := mustCreate(t, s, newUser("acme", "erika", base))
	clash := newUser("acme", "max", base)
	clash.ID = u.ID
	wantKind(t, s.CreateUser(ctx, clash), aggregator.KindConflict)
	got, err := s.UserByID(ctx, "acme", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameUser(t, got, u) // untouched
	if _, err := s.UserByUsername(ctx, "acme", "max"); !aggregator.IsNotFound(err) {
		t.Errorf("the clashing username was claimed: %v", err)
	}
}

func TestCreateUserConcurrentSameUsername(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	const n = 16
	errs := make([]error, n)
	users := make([]aggregator.User, n)
	var wg sync.WaitGroup
	for i := range n {
		users[i] = newUser("acme", "race", base.Add(time.Duration(i)*time.Second))
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
	for _, k := range storetest.Keys(t, s) {
		if strings.HasSuffix(k, "}:user") {
			hashes++
		}
	}
	if hashes != 1 {
		t.Errorf("%d user hashes left, want 1", hashes)
	}
}

func TestActiveUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)

	empty, err := s.ActiveUsers(ctx, "acme")
	if err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("ActiveUsers of an empty tenant = %#v, %v; want empty non-nil", empty, err)
	}

	// Created out of insertion order: listing follows Created.
	c := mustCreate(t, s, newUser("acme", "c", base.Add(3*time.Second)))
	a := mustCreate(t, s, newUser("acme", "a", base.Add(1*time.Second)))
	b := mustCreate(t, s, newUser("acme", "b", base.Add(2*time.Second)))
	mustCreate(t, s, newUser("other", "x", base))

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

func TestActiveUsersFiltersListedInactive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := mustCreate(t, s, newUser("acme", "a", base))
	b := mustCreate(t, s, newUser("acme", "b", base.Add(time.Second)))
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

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u := mustCreate(t, s, newUser("acme", "erika", base))

	tests := []struct {
		name     string
		active   bool
		update   func(u aggregator.User) aggregator.User
		wantKind aggregator.Kind // KindInternal means success
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
			if tc.wantKind != aggregator.KindInternal {
				wantKind(t, err, tc.wantKind)
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
	if keys := storetest.Keys(t, s); slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(k, "{t:other") }) {
		t.Errorf("keys of tenant other were created: %q", keys)
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := mustCreate(t, s, newUser("acme", "a", base))
	b := mustCreate(t, s, newUser("acme", "b", base.Add(time.Second)))
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
	wantKind(t, s.AddRole(ctx, "acme", uuid.NewString(), client, "viewer"), aggregator.KindNotFound)

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

func userToken(u aggregator.User, ttl time.Duration) aggregator.Token {
	now := time.Now().Truncate(time.Second)
	return aggregator.Token{
		AccessToken: uuid.NewString(),
		Tenant:      u.Tenant,
		Client:      "acme/app",
		UserID:      u.ID,
		Username:    u.Username,
		Scopes:      aggregator.Scopes{aggregator.ScopeCustomerRead, aggregator.ScopeCustomerModify},
		IssuedAt:    now,
		ValidTo:     now.Add(ttl),
	}
}

func save(t *testing.T, s *store.Store, tok aggregator.Token) string {
	t.Helper()
	d := aggregator.TokenDigest(tok.AccessToken)
	if err := s.SaveToken(context.Background(), d, tok); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTokenRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u := mustCreate(t, s, newUser("acme", "erika", base))
	clientTok := aggregator.Token{
		AccessToken: uuid.NewString(), Tenant: "acme", Client: "acme/admin",
		Scopes:   aggregator.Scopes{aggregator.ScopeUsersCreate},
		IssuedAt: time.Now().Truncate(time.Second), ValidTo: time.Now().Truncate(time.Second).Add(time.Hour),
	}
	noScopes := userToken(u, time.Minute)
	noScopes.Scopes = nil

	for name, tok := range map[string]aggregator.Token{
		"user token":   userToken(u, time.Hour),
		"client token": clientTok,
		"no scopes":    noScopes,
	} {
		t.Run(name, func(t *testing.T) {
			d := save(t, s, tok)
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
	wantKind(t, err, aggregator.KindNotFound)
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u := mustCreate(t, s, newUser("acme", "erika", base))
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

	d1 := save(t, s, userToken(u, time.Hour))
	ttlNear(t, s.Prefix()+"tok:"+d1, time.Hour)
	ttlNear(t, index, time.Hour)

	d2 := save(t, s, userToken(u, 2*time.Hour))
	ttlNear(t, s.Prefix()+"tok:"+d2, 2*time.Hour)
	ttlNear(t, index, 2*time.Hour)

	d3 := save(t, s, userToken(u, 30*time.Minute)) // a shorter token does not shorten the index
	ttlNear(t, s.Prefix()+"tok:"+d3, 30*time.Minute)
	ttlNear(t, index, 2*time.Hour)

	// A token issued after d3 expired prunes d3 from the index. The clocks
	// are the issuer's: a test clock far from the server's works the same.
	later := userToken(u, time.Hour)
	later.IssuedAt = later.IssuedAt.Add(45 * time.Minute)
	later.ValidTo = later.IssuedAt.Add(time.Hour)
	d4 := save(t, s, later)
	ttlNear(t, s.Prefix()+"tok:"+d4, time.Hour)
	members, err := s.Client().ZRange(ctx, index, 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{d1, d2, d4}; !slices.Equal(slices.Sorted(slices.Values(members)), slices.Sorted(slices.Values(want))) {
		t.Errorf("index members = %v, want %v", members, want)
	}

	past := userToken(u, time.Hour)
	past.IssuedAt, past.ValidTo = past.IssuedAt.AddDate(-1, 0, 0), past.ValidTo.AddDate(-1, 0, 0)
	d5 := save(t, s, past)
	ttlNear(t, s.Prefix()+"tok:"+d5, time.Hour)
	if got, err := s.LookupToken(ctx, d5); err != nil || !got.ValidTo.Equal(past.ValidTo) {
		t.Errorf("a token of an injected past clock: %v, %v", got, err)
	}

	expired := userToken(u, -time.Minute)
	wantKind(t, s.SaveToken(ctx, aggregator.TokenDigest("expired"), expired), aggregator.KindInternal)
	zero := userToken(u, time.Hour)
	zero.ValidTo = time.Time{}
	wantKind(t, s.SaveToken(ctx, aggregator.TokenDigest("zero"), zero), aggregator.KindInternal)
}

func TestDeleteToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u := mustCreate(t, s, newUser("acme", "erika", base))
	d := save(t, s, userToken(u, time.Hour))
	other := save(t, s, userToken(u, time.Hour))
	for range 2 { // deleting twice is no error
		if err := s.DeleteToken(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.LookupToken(ctx, d)
	wantKind(t, err, aggregator.KindNotFound)
	if _, err := s.LookupToken(ctx, other); err != nil {
		t.Errorf("other token: %v", err)
	}
}

func TestDeleteUserTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := mustCreate(t, s, newUser("acme", "a", base))
	b := mustCreate(t, s, newUser("acme", "b", base.Add(time.Second)))
	var ofA, ofB []string
	for range 3 {
		ofA = append(ofA, save(t, s, userToken(a, time.Hour)))
		ofB = append(ofB, save(t, s, userToken(b, time.Hour)))
	}
	clientTok := userToken(a, time.Hour)
	clientTok.UserID, clientTok.Username = "", ""
	dc := save(t, s, clientTok)

	if err := s.DeleteUserTokens(ctx, "acme", a.ID); err != nil {
		t.Fatal(err)
	}
	for _, d := range ofA {
		_, err := s.LookupToken(ctx, d)
		wantKind(t, err, aggregator.KindNotFound)
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

// dump returns every key under the store's prefix with all its values.
func dump(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	ctx := context.Background()
	c := s.Client()
	out := map[string][]string{}
	for _, k := range storetest.Keys(t, s) {
		typ, err := c.Type(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		var vals []string
		switch typ {
		case "string":
			vals = []string{c.Get(ctx, k).Val()}
		case "hash":
			for f, v := range c.HGetAll(ctx, k).Val() {
				vals = append(vals, f, v)
			}
		case "set":
			vals = c.SMembers(ctx, k).Val()
		case "zset":
			vals = c.ZRange(ctx, k, 0, -1).Val()
		case "list":
			vals = c.LRange(ctx, k, 0, -1).Val()
		case "none":
			continue // expired meanwhile
		default:
			t.Fatalf("key %s has unexpected type %s", k, typ)
		}
		out[k] = vals
	}
	return out
}

func TestPlaintextTokenNeverStored(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	u := mustCreate(t, s, newUser("acme", "erika", base))
	userTok := userToken(u, time.Hour)
	clientTok := userToken(u, time.Hour)
	clientTok.UserID, clientTok.Username = "", ""
	save(t, s, userTok)
	save(t, s, clientTok)

	all := dump(t, s)
	if len(all) == 0 {
		t.Fatal("no keys found under the prefix")
	}
	for _, plain := range []string{userTok.AccessToken, clientTok.AccessToken} {
		for k, vals := range all {
			if strings.Contains(k, plain) {
				t.Errorf("plaintext token in key %s", k)
			}
			for _, v := range vals {
				if strings.Contains(v, plain) {
					t.Errorf("plaintext token in a value of %s", k)
				}
			}
		}
	}
}

// hashTag returns what Redis Cluster hashes for key: the text between the
// first '{' and the next '}', or "" if there is none.
func hashTag(key string) string {
	i := strings.IndexByte(key, '{')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(key[i+1:], '}')
	if j <= 0 {
		return ""
	}
	return key[i+1 : i+1+j]
}

func TestKeysShareHashSlots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := mustCreate(t, s, newUser("acme", "a", base))
	b := mustCreate(t, s, newUser("acme", "b", base.Add(time.Second)))
	for _, u := range []aggregator.User{a, b} {
		if err := s.AddRole(ctx, "acme", u.ID, "acme/app:x", "viewer"); err != nil {
			t.Fatal(err)
		}
		save(t, s, userToken(u, time.Hour))
	}

	perUser := map[string][]string{}
	var tenantKeys, tokenKeys int
	for _, k := range storetest.Keys(t, s) {
		rest := strings.TrimPrefix(k, s.Prefix())
		switch {
		case strings.HasPrefix(rest, "tok:"):
			tokenKeys++
			if tag := hashTag(k); tag != "" {
				t.Errorf("token key %s has hash tag %q", k, tag)
			}
		case strings.Contains(rest, ":u:"):
			var owner string
			for _, u := range []aggregator.User{a, b} {
				if strings.Contains(rest, u.ID) {
					owner = u.ID
				}
			}
			if owner == "" {
				t.Fatalf("user key %s of no known user", k)
			}
			if got, want := hashTag(k), "t:acme:u:"+owner; got != want {
				t.Errorf("key %s: hash tag %q, want %q", k, got, want)
			}
			perUser[owner] = append(perUser[owner], strings.TrimPrefix(rest, "{t:acme:u:"+owner+"}"))
		default:
			tenantKeys++
			if got := hashTag(k); got != "t:acme" {
				t.Errorf("tenant key %s: hash tag %q, want %q", k, got, "t:acme")
			}
		}
	}
	for _, u := range []aggregator.User{a, b} {
		if got, want := perUser[u.ID], []string{":roles", ":tokens", ":user"}; !slices.Equal(got, want) {
			t.Errorf("keys of user %s = %v, want %v", u.Username, got, want)
		}
	}
	if tenantKeys != 3 || tokenKeys != 2 { // usernames, users, one role; two tokens
		t.Errorf("%d tenant keys and %d token keys, want 3 and 2", tenantKeys, tokenKeys)
	}
}

func TestHostileNamesStayInTheirKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	const tenant = "ev}il{:u:x"
	u := mustCreate(t, s, newUser(tenant, "a b", base))
	if err := s.AddRole(ctx, tenant, u.ID, "c}{:/", "r:{}"); err != nil {
		t.Fatal(err)
	}
	save(t, s, userToken(u, time.Hour))
	for _, k := range storetest.Keys(t, s) {
		if strings.Count(k, "{") > 1 || strings.Count(k, "}") > 1 {
			t.Errorf("key %q has unescaped braces", k)
		}
	}
	got, err := s.UserByUsername(ctx, tenant, "a b")
	if err != nil || got.ID != u.ID || !slices.Equal(got.Roles, []string{"r:{}"}) {
		t.Errorf("UserByUsername = %+v, %v", got, err)
	}
	m, err := s.RoleMembers(ctx, tenant, "c}{:/", "r:{}")
	if err != nil || !slices.Equal(m, []string{u.ID}) {
		t.Errorf("RoleMembers = %v, %v", m, err)
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestOpenEmbeddedAndClosedStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, closeFn, err := store.OpenEmbedded(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Prefix() != store.DefaultKeyPrefix {
		t.Errorf("Prefix = %q, want %q", s.Prefix(), store.DefaultKeyPrefix)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	closeFn()
	closeFn() // idempotent
	err = s.Ping(ctx)
	wantKind(t, err, aggregator.KindUnavailable)
	var e *aggregator.Error
	if !errors.As(err, &e) || e.Message != "storage unavailable" || e.Err == nil {
		t.Errorf("err = %#v", err)
	}
	_, err = s.UserByID(ctx, "acme", uuid.NewString())
	wantKind(t, err, aggregator.KindUnavailable)
}

func TestOpenErrorsNameAddressNotPassword(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-Pa55"
	tests := []struct {
		name  string
		o     store.Options
		wants []string
	}{
		{"url", store.Options{URL: "redis://user:" + secret + "@127.0.0.1:1/0"}, []string{"127.0.0.1:1"}},
		{"url with separate password", store.Options{URL: "redis://127.0.0.1:1/0", Password: secret}, []string{"127.0.0.1:1"}},
		{"addrs", store.Options{Addrs: []string{"127.0.0.1:1"}, Password: secret}, []string{"127.0.0.1:1"}},
		{"cluster url", store.Options{URL: "redis://:" + secret + "@127.0.0.1:1?addr=127.0.0.1:2"}, []string{"127.0.0.1:1", "127.0.0.1:2"}},
		{"malformed url", store.Options{URL: "redis://user:" + secret + "@127.0.0.1:port/0"}, []string{"malformed"}},
		{"bad scheme", store.Options{URL: "http://user:" + secret + "@127.0.0.1/0"}, []string{"scheme"}},
		{"bad db", store.Options{URL: "redis://user:" + secret + "@127.0.0.1/x"}, []string{"database"}},
		{"nothing configured", store.Options{Password: secret}, []string{"no Redis address"}},
		{"cluster with db", store.Options{Addrs: []string{"127.0.0.1:1", "127.0.0.1:2"}, DB: 3, Password: secret}, []string{"database 0"}},
		{"braces in prefix", store.Options{Addrs: []string{"127.0.0.1:1"}, KeyPrefix: "a{b}:"}, []string{"prefix"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			s, err := store.Open(ctx, tc.o)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			msg := err.Error()
			if strings.Contains(msg, secret) {
				t.Errorf("error reveals the password: %s", msg)
			}
			for _, w := range tc.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
		})
	}
}

func TestNewRejectsBracesInPrefix(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("New accepted a prefix with a brace")
		}
	}()
	store.New(nil, "x{y}:")
}
