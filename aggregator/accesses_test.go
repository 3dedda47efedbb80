package aggregator_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
	"github.com/zugang/zugang/sca"
)

// blockingBank asks for a TAN and holds Authenticate until released, so a
// test can run two submissions truly concurrently. A hand-written fake:
// the timing is what is injected.
type blockingBank struct {
	entered chan struct{}
	release chan struct{}
}

func (b *blockingBank) Connect(context.Context, aggregator.ConnectRequest) (aggregator.Outcome, error) {
	return aggregator.Outcome{Step: aggregator.EventNeedTAN, Challenge: &aggregator.Challenge{Name: "TAN"}}, nil
}

func (b *blockingBank) Fetch(context.Context, aggregator.FetchRequest) (aggregator.Snapshot, error) {
	return aggregator.Snapshot{}, nil
}

func (b *blockingBank) SelectMethod(context.Context, aggregator.StepRequest, int) (aggregator.Outcome, error) {
	return aggregator.Outcome{}, nil
}

func (b *blockingBank) SelectMedium(context.Context, aggregator.StepRequest, string) (aggregator.Outcome, error) {
	return aggregator.Outcome{}, nil
}

func (b *blockingBank) Authenticate(context.Context, aggregator.StepRequest, string) (aggregator.Outcome, error) {
	b.entered <- struct{}{}
	<-b.release
	return aggregator.Outcome{Step: aggregator.EventDone}, nil
}

type oneProvider struct {
	p    aggregator.Provider
	info aggregator.ProviderInfo
}

func (o oneProvider) Provider(string) (aggregator.Provider, aggregator.ProviderInfo, error) {
	return o.p, o.info, nil
}

func TestConcurrentSubmissionsOneWins(t *testing.T) {
	ctx := context.Background()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ck, err := aggregator.NewCredentialKey(key, nil, aggregator.PaddingOAEPSHA256)
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := aggregator.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := aggregator.NewDirectory(nil)
	bank := &blockingBank{entered: make(chan struct{}), release: make(chan struct{})}
	info := aggregator.ProviderInfo{ID: "00000000-0000-0000-0000-000000000001", Fields: []aggregator.LoginField{{Key: "userid"}}}
	acc := &aggregator.Accesses{Store: storetest.New(t), Providers: oneProvider{bank, info}, Credentials: ck, Sealer: sealer,
		SCA: sca.Machine{}, Directory: dir, Now: time.Now}
	p := aggregator.Principal{Tenant: "demo", Client: "app", UserID: uuid.NewString()}
	id := uuid.NewString()
	ct, _ := aggregator.EncryptCredential(&key.PublicKey, aggregator.PaddingOAEPSHA256, "someone")
	req := map[string]aggregator.AccessRequest{id: {ProviderID: info.ID, Credentials: map[string]string{"userid": ct}}}
	if _, err := acc.Add(ctx, p, req, []string{id}, aggregator.AccessOptions{}); err != nil {
		t.Fatal(err)
	}
	a, err := acc.Access(ctx, p, id)
	if err != nil || a.CurrentSCA().State != aggregator.SCAChallenge {
		t.Fatalf("access %+v, %v", a.CurrentSCA(), err)
	}
	cid := a.CurrentSCA().ConsentID
	tan := "1234"
	first := make(chan error, 1)
	go func() {
		_, err := acc.Submit(ctx, p, id, cid, aggregator.SCASubmission{AuthData: &tan})
		first <- err
	}()
	<-bank.entered // the first submission is at the bank, holding the consent
	_, err = acc.Submit(ctx, p, id, cid, aggregator.SCASubmission{AuthData: &tan})
	if aggregator.ErrorKind(err) != aggregator.KindConflict {
		t.Errorf("second concurrent submission: %v, want conflict", err)
	}
	close(bank.release)
	if err := <-first; err != nil {
		t.Fatalf("first submission: %v", err)
	}
	a, _ = acc.Access(ctx, p, id)
	if a.CurrentSCA().State != aggregator.SCAFinalised || a.Status != aggregator.StatusComplete {
		t.Errorf("after the winning submission: %s %s", a.CurrentSCA().State, a.Status)
	}
	// The consent is free again, and now it is finalised: a further TAN is a conflict of state.
	if _, err := acc.Submit(ctx, p, id, cid, aggregator.SCASubmission{AuthData: &tan}); aggregator.ErrorKind(err) != aggregator.KindConflict {
		t.Errorf("TAN on a finalised consent: %v", err)
	}
}
