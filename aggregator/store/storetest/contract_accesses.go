package storetest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
)

func testAccessRoundTripAndVersions(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	user := uuid.NewString()
	a := NewAccess(user)
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil || a.Version != 1 {
		t.Fatalf("first save: version %d, %v", a.Version, err)
	}
	got, err := s.Access(ctx, "demo", user, a.ID)
	if err != nil || got.Version != 1 || got.Products[0].Saldo.String() != "1234.56" || string(got.SealedCredentials) != "\x01\x02\x03" {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	if v, err := s.AccessVersion(ctx, "demo", user, a.ID); err != nil || v != 1 {
		t.Errorf("AccessVersion = %d, %v", v, err)
	}
	// A writer holding an old version loses.
	stale := got
	got.Status = aggregator.StatusInteraction
	if err := s.SaveAccess(ctx, &got, nil, nil); err != nil || got.Version != 2 {
		t.Fatalf("second save: %v", err)
	}
	WantKind(t, s.SaveAccess(ctx, &stale, nil, nil), aggregator.KindConflict)
	WantKind(t, s.SaveAccess(ctx, &stale, &aggregator.Snapshot{}, nil), aggregator.KindConflict)
	// The consent index finds the access; another user finds nothing.
	if byConsent, err := s.AccessByConsent(ctx, "demo", user, a.SCAs[0].ConsentID); err != nil || byConsent.ID != a.ID {
		t.Errorf("AccessByConsent: %v", err)
	}
	for _, err := range []error{
		func() error { _, err := s.Access(ctx, "demo", uuid.NewString(), a.ID); return err }(),
		func() error { _, err := s.AccessVersion(ctx, "demo", uuid.NewString(), a.ID); return err }(),
		func() error {
			_, err := s.AccessByConsent(ctx, "demo", uuid.NewString(), a.SCAs[0].ConsentID)
			return err
		}(),
		func() error { _, err := s.Access(ctx, "other", user, a.ID); return err }(),
	} {
		WantKind(t, err, aggregator.KindNotFound)
	}
}

func testConcurrentSavesOneWins(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	a := NewAccess(uuid.NewString())
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := 0; i < writers; i++ {
		c := *a
		wg.Add(1)
		go func() { defer wg.Done(); errs <- s.SaveAccess(ctx, &c, nil, nil) }()
	}
	wg.Wait()
	close(errs)
	won := 0
	for err := range errs {
		switch aggregator.ErrorKind(err) {
		case aggregator.KindConflict:
		default:
			if err != nil {
				t.Fatal(err)
			}
			won++
		}
	}
	if won != 1 {
		t.Errorf("%d writers of the same version won, want exactly 1", won)
	}
	// The losers' staged records are gone, and the winner's record, which
	// was renamed from a staging key with a TTL, no longer expires.
	for _, k := range Keys(t, s) {
		if strings.Contains(k, ":stage:") {
			t.Errorf("staged record %s left behind", k)
		}
		if ttl := s.Client().PTTL(ctx, k).Val(); ttl != -1 {
			t.Errorf("key %s expires in %v, want persistent", k, ttl)
		}
	}
	if got, err := s.Access(ctx, a.Tenant, a.UserID, a.ID); err != nil || got.Version != 2 {
		t.Errorf("after the race: version %d, %v; want 2", got.Version, err)
	}
}

func testSnapshotMergesTransactionsByID(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	user := uuid.NewString()
	a := NewAccess(user)
	pid := a.Products[0].ID
	first := &aggregator.Snapshot{Transactions: []aggregator.Transaction{Tx(pid, 0, "-10.00"), Tx(pid, 1, "-20.00")},
		Investments: []aggregator.Investment{{ProductID: "DEPOT-1", Name: "SAP SE", ISIN: "DE0007164600"}}}
	if err := s.SaveAccess(ctx, a, first, nil); err != nil {
		t.Fatal(err)
	}
	second := &aggregator.Snapshot{Transactions: []aggregator.Transaction{Tx(pid, 1, "-20.00"), Tx(pid, 2, "2500.00")}}
	if err := s.SaveAccess(ctx, a, second, nil); err != nil {
		t.Fatal(err)
	}
	all, err := s.Transactions(ctx, "demo", user, a.ID, pid, time.Time{}, time.Time{})
	if err != nil || len(all) != 3 {
		t.Fatalf("after two fetches: %d transactions, %v (want 3: merged by id)", len(all), err)
	}
	if all[0].Betrag.String() != "2500" || !all[0].Buchungsdatum.After(all[1].Buchungsdatum) {
		t.Errorf("newest first: %+v", all[0])
	}
	window, _ := s.Transactions(ctx, "demo", user, a.ID, pid, Base.AddDate(0, 0, 1), Base.AddDate(0, 0, 2))
	if len(window) != 1 || window[0].Betrag.String() != "-20" {
		t.Errorf("[from, to) window: %+v", window)
	}
	if inv, err := s.Investments(ctx, "demo", user, a.ID, "DEPOT-1"); err != nil || len(inv) != 1 || inv[0].ISIN != "DE0007164600" {
		t.Errorf("investments: %+v, %v", inv, err)
	}
	// Deleting removes the access with everything under it.
	a.Products = append(a.Products, aggregator.Product{ID: "DEPOT-1"})
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAccess(ctx, "demo", user, a.ID); err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys(t, s) {
		if strings.Contains(k, a.ID) || strings.Contains(k, a.SCAs[0].ConsentID) {
			t.Errorf("key %s survived the delete", k)
		}
	}
}

func testConsentLockAndRedirectTokens(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	user := uuid.NewString()
	a := NewAccess(user)
	cid := a.SCAs[0].ConsentID
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	_, err := s.LockAndLoad(ctx, "demo", user, "", uuid.NewString(), time.Minute)
	WantKind(t, err, aggregator.KindNotFound)
	held, err := s.LockAndLoad(ctx, "demo", user, "", cid, time.Minute)
	if err != nil || held.ID != a.ID || held.Lock == nil {
		t.Fatalf("LockAndLoad: %+v, %v", held.Lock, err)
	}
	_, err = s.LockAndLoad(ctx, "demo", user, a.ID, cid, time.Minute)
	WantKind(t, err, aggregator.KindConflict)
	s.Unlock(ctx, &held)
	// A save releases the claim in the same step.
	again, err := s.LockAndLoad(ctx, "demo", user, a.ID, cid, time.Minute)
	if err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
	if err := s.SaveAccess(ctx, &again, nil, nil); err != nil || again.Lock != nil {
		t.Fatalf("save under the claim: %v, lock %v", err, again.Lock)
	}
	third, err := s.LockAndLoad(ctx, "demo", user, "", cid, time.Minute)
	if err != nil {
		t.Fatalf("after the save released it: %v", err)
	}
	s.Unlock(ctx, &third)
	// Another user cannot claim or read it.
	_, err = s.LockAndLoad(ctx, "demo", uuid.NewString(), "", cid, time.Minute)
	WantKind(t, err, aggregator.KindNotFound)
	_, err = s.LockAndLoad(ctx, "demo", uuid.NewString(), a.ID, cid, time.Minute)
	WantKind(t, err, aggregator.KindNotFound)

	token := uuid.NewString()
	ref := aggregator.RedirectRef{Tenant: "demo", UserID: user, AccessID: a.ID, ConsentID: cid}
	if err := s.SaveRedirect(ctx, token, ref, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Redirect(ctx, token); err != nil || got != ref {
		t.Errorf("Redirect = %+v, %v", got, err)
	}
	for _, k := range Keys(t, s) {
		if strings.Contains(k, token) {
			t.Errorf("redirect token stored in plaintext: %s", k)
		}
	}
	if err := s.DeleteRedirect(ctx, token); err != nil {
		t.Fatal(err)
	}
	_, err = s.Redirect(ctx, token)
	WantKind(t, err, aggregator.KindNotFound)
}

// testAccessesPerUserLimit: the save of a new access beyond the limit is
// refused atomically, also when many saves race; existing accesses still
// save, and other users are not affected.
func testAccessesPerUserLimit(t *testing.T, open Opener) {
	s := open(t)
	s.SetLimits(aggregator.Limits{AccessesPerUser: 3})
	ctx := context.Background()
	user := uuid.NewString()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = s.SaveAccess(ctx, NewAccess(user), nil, nil) })
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
	if err := s.SaveAccess(ctx, NewAccess(uuid.NewString()), nil, nil); err != nil {
		t.Fatalf("another user's access: %v", err)
	}
	if keys := Keys(t, s); hasStaged(keys) {
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

// testNewConsentsAreIndexed: every consent a save adds is found, also two
// added between one load and its save (a login whose bank asks for a
// further SCA), and the access's data is reachable by id.
func testNewConsentsAreIndexed(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	user := uuid.NewString()
	a := NewAccess(user)
	pid := a.Products[0].ID
	booked := Tx(pid, 0, "-3.5")
	if err := s.SaveAccess(ctx, a, &aggregator.Snapshot{Transactions: []aggregator.Transaction{booked}}, nil); err != nil {
		t.Fatal(err)
	}
	listed, err := s.Accesses(ctx, "demo", user)
	if err != nil || len(listed) != 1 {
		t.Fatalf("Accesses = %d, %v", len(listed), err)
	}
	loaded := listed[0]
	loaded.SCAs = append(loaded.SCAs, aggregator.SCA{ConsentID: uuid.NewString(), State: aggregator.SCAFinalised},
		aggregator.SCA{ConsentID: uuid.NewString(), State: aggregator.SCAChallenge})
	if err := s.SaveAccess(ctx, &loaded, nil, nil); err != nil || loaded.Version != 2 {
		t.Fatalf("save with two new consents: version %d, %v", loaded.Version, err)
	}
	for _, sca := range loaded.SCAs {
		if got, err := s.AccessByConsent(ctx, "demo", user, sca.ConsentID); err != nil || got.ID != a.ID || len(got.SCAs) != 3 {
			t.Errorf("AccessByConsent(%s): %v", sca.ConsentID, err)
		}
	}
	if v, err := s.AccessVersion(ctx, "demo", user, a.ID); err != nil || v != loaded.Version {
		t.Errorf("AccessVersion = %d, %v; want %d", v, err, loaded.Version)
	}
	if got, err := s.Transaction(ctx, "demo", user, a.ID, pid, booked.ID); err != nil || !got.Betrag.Equal(booked.Betrag) {
		t.Errorf("Transaction = %+v, %v", got, err)
	}
	_, err = s.Transaction(ctx, "demo", user, a.ID, pid, "unknown")
	WantKind(t, err, aggregator.KindNotFound)
	unknown, err := s.UnknownTransactions(ctx, "demo", user, a.ID, pid, []string{booked.ID, "new"})
	if err != nil || len(unknown) != 1 || !unknown["new"] {
		t.Errorf("UnknownTransactions = %v, %v; want only new", unknown, err)
	}
	if n, err := s.AccessCount(ctx, "demo", user); err != nil || n != 1 {
		t.Errorf("AccessCount = %d, %v", n, err)
	}
	WantKind(t, s.DeleteAccess(ctx, "demo", user, uuid.NewString()), aggregator.KindNotFound)
	if inv, err := s.Investments(ctx, "demo", user, a.ID, "no-depot"); err != nil || inv == nil || len(inv) != 0 {
		t.Errorf("Investments of a product without positions = %#v, %v; want empty", inv, err)
	}
}
