package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

func newAccess(user string) *aggregator.BankAccess {
	saldo := decimal.RequireFromString("1234.56")
	return &aggregator.BankAccess{ID: uuid.NewString(), Tenant: "demo", UserID: user, ProviderID: "p", Created: base,
		Status: aggregator.StatusComplete, SealedCredentials: []byte{1, 2, 3},
		Products: []aggregator.Product{{ID: "DE89370400440532013000", Kategorie: "GIROKONTO", Saldo: &saldo}},
		SCAs:     []aggregator.SCA{{ConsentID: uuid.NewString(), State: aggregator.SCAFinalised, ValidUntil: base.Add(time.Hour)}}}
}

func tx(product string, day int, amount string) aggregator.Transaction {
	return aggregator.Transaction{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(product+amount)).String(), ProductID: product,
		Betrag: decimal.RequireFromString(amount), Buchungsdatum: base.AddDate(0, 0, day), GegenkontoInhaber: "REWE"}
}

func TestAccessRoundTripAndVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	user := uuid.NewString()
	a := newAccess(user)
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
	wantKind(t, s.SaveAccess(ctx, &stale, nil, nil), aggregator.KindConflict)
	wantKind(t, s.SaveAccess(ctx, &stale, &aggregator.Snapshot{}, nil), aggregator.KindConflict)
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
		wantKind(t, err, aggregator.KindNotFound)
	}
}

func TestConcurrentSavesOneWins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	a := newAccess(uuid.NewString())
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
	for _, k := range storetest.Keys(t, s) {
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

func TestSnapshotMergesTransactionsByID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	user := uuid.NewString()
	a := newAccess(user)
	pid := a.Products[0].ID
	first := &aggregator.Snapshot{Transactions: []aggregator.Transaction{tx(pid, 0, "-10.00"), tx(pid, 1, "-20.00")},
		Investments: []aggregator.Investment{{ProductID: "DEPOT-1", Name: "SAP SE", ISIN: "DE0007164600"}}}
	if err := s.SaveAccess(ctx, a, first, nil); err != nil {
		t.Fatal(err)
	}
	second := &aggregator.Snapshot{Transactions: []aggregator.Transaction{tx(pid, 1, "-20.00"), tx(pid, 2, "2500.00")}}
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
	window, _ := s.Transactions(ctx, "demo", user, a.ID, pid, base.AddDate(0, 0, 1), base.AddDate(0, 0, 2))
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
	for _, k := range storetest.Keys(t, s) {
		if strings.Contains(k, a.ID) || strings.Contains(k, a.SCAs[0].ConsentID) {
			t.Errorf("key %s survived the delete", k)
		}
	}
}

func TestConsentLockAndRedirectTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	user := uuid.NewString()
	a := newAccess(user)
	cid := a.SCAs[0].ConsentID
	if err := s.SaveAccess(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	_, err := s.LockAndLoad(ctx, "demo", user, "", uuid.NewString(), time.Minute)
	wantKind(t, err, aggregator.KindNotFound)
	held, err := s.LockAndLoad(ctx, "demo", user, "", cid, time.Minute)
	if err != nil || held.ID != a.ID || held.Lock == nil {
		t.Fatalf("LockAndLoad: %+v, %v", held.Lock, err)
	}
	_, err = s.LockAndLoad(ctx, "demo", user, a.ID, cid, time.Minute)
	wantKind(t, err, aggregator.KindConflict)
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
	wantKind(t, err, aggregator.KindNotFound)
	_, err = s.LockAndLoad(ctx, "demo", uuid.NewString(), a.ID, cid, time.Minute)
	wantKind(t, err, aggregator.KindNotFound)

	token := uuid.NewString()
	ref := aggregator.RedirectRef{Tenant: "demo", UserID: user, AccessID: a.ID, ConsentID: cid}
	if err := s.SaveRedirect(ctx, token, ref, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Redirect(ctx, token); err != nil || got != ref {
		t.Errorf("Redirect = %+v, %v", got, err)
	}
	for _, k := range storetest.Keys(t, s) {
		if strings.Contains(k, token) {
			t.Errorf("redirect token stored in plaintext: %s", k)
		}
	}
	if err := s.DeleteRedirect(ctx, token); err != nil {
		t.Fatal(err)
	}
	_, err = s.Redirect(ctx, token)
	wantKind(t, err, aggregator.KindNotFound)
}
