package aggregator_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
	"github.com/zugang/zugang/sca"
)

// recordingBank answers every call with the outcome the test set and
// records which calls were made: the consent engine's recorded-call test
// double (every capability, so the engine's choices are what is tested).
type recordingBank struct {
	calls  []string
	answer aggregator.SCAEvent
}

func (b *recordingBank) outcome(call string) (aggregator.Outcome, error) {
	b.calls = append(b.calls, call)
	out := aggregator.Outcome{Step: b.answer, Methods: []aggregator.SCAMethod{{Code: 1, Name: "mockTAN"}},
		Media: []aggregator.TANMedium{{Name: "Mobil"}}}
	switch b.answer {
	case aggregator.EventNeedTAN:
		out.Challenge = &aggregator.Challenge{Name: "TAN"}
	case aggregator.EventNeedDecoupled:
		out.Challenge = &aggregator.Challenge{Name: "App", Decoupled: true}
	case aggregator.EventNeedRedirect:
		out.Challenge = &aggregator.Challenge{Name: "Bank", Redirect: true, RedirectURL: "https://bank.example/sca"}
	}
	return out, nil
}

func (b *recordingBank) Connect(context.Context, aggregator.ConnectRequest) (aggregator.Outcome, error) {
	return b.outcome("Connect")
}

func (b *recordingBank) Fetch(context.Context, aggregator.FetchRequest) (aggregator.Snapshot, error) {
	b.calls = append(b.calls, "Fetch")
	return aggregator.Snapshot{}, nil
}

func (b *recordingBank) SelectMethod(_ context.Context, _ aggregator.StepRequest, code int) (aggregator.Outcome, error) {
	return b.outcome(fmt.Sprintf("SelectMethod(%d)", code))
}

func (b *recordingBank) SelectMedium(_ context.Context, _ aggregator.StepRequest, medium string) (aggregator.Outcome, error) {
	return b.outcome("SelectMedium(" + medium + ")")
}

func (b *recordingBank) Authenticate(_ context.Context, _ aggregator.StepRequest, tan string) (aggregator.Outcome, error) {
	return b.outcome("Authenticate(" + tan + ")")
}

func (b *recordingBank) Poll(context.Context, aggregator.StepRequest) (aggregator.Outcome, error) {
	return b.outcome("Poll")
}

func (b *recordingBank) CompleteRedirect(context.Context, aggregator.StepRequest, url.Values) (aggregator.Outcome, error) {
	return b.outcome("CompleteRedirect")
}

// engineFixture is an Accesses on a real store with the recording bank.
type engineFixture struct {
	t    *testing.T
	acc  *aggregator.Accesses
	bank *recordingBank
	p    aggregator.Principal
}

func newEngineFixture(t *testing.T) *engineFixture {
	sealer, _ := aggregator.NewSealer(make([]byte, 32))
	dir, _ := aggregator.NewDirectory(nil)
	bank := &recordingBank{}
	info := aggregator.ProviderInfo{ID: "00000000-0000-0000-0000-00000000000e", Fields: []aggregator.LoginField{{Key: "userid"}}}
	return &engineFixture{t: t, bank: bank, p: aggregator.Principal{Tenant: "demo", Client: "app", UserID: uuid.NewString()},
		acc: &aggregator.Accesses{Store: storetest.New(t), Providers: oneProvider{bank, info}, Sealer: sealer,
			SCA: sca.Machine{}, Directory: dir, Now: time.Now}}
}

// reach adds an access whose login answered ev (from required) and
// returns its id and current SCA.
func (f *engineFixture) reach(ev aggregator.SCAEvent) (string, aggregator.SCA) {
	f.t.Helper()
	id := uuid.NewString()
	f.bank.answer = ev
	req := map[string]aggregator.AccessRequest{id: {ProviderID: "00000000-0000-0000-0000-00000000000e",
		Plain: aggregator.Credentials{"userid": "u"}}}
	if _, err := f.acc.Add(context.Background(), f.p, req, []string{id}, aggregator.AccessOptions{WebForm: true}); err != nil {
		f.t.Fatalf("add answering %s: %v", ev, err)
	}
	acc, err := f.acc.Access(context.Background(), f.p, id)
	if err != nil {
		f.t.Fatal(err)
	}
	f.bank.calls = nil
	return id, *acc.CurrentSCA()
}

func (f *engineFixture) state(id string) aggregator.SCAState {
	f.t.Helper()
	acc, err := f.acc.Access(context.Background(), f.p, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return acc.CurrentSCA().State
}

// into is the login answer that leads from required into each state.
var into = map[aggregator.SCAState]aggregator.SCAEvent{
	aggregator.SCAMethodSelection: aggregator.EventNeedMethod,
	aggregator.SCAMediumSelection: aggregator.EventNeedMedium,
	aggregator.SCAChallenge:       aggregator.EventNeedTAN,
	aggregator.SCADecoupled:       aggregator.EventNeedDecoupled,
	aggregator.SCARedirect:        aggregator.EventNeedRedirect,
	aggregator.SCAFinalised:       aggregator.EventDone,
	aggregator.SCAFailed:          aggregator.EventFail,
}

// providerEvents are the answers a bank can give to a step.
var providerEvents = []aggregator.SCAEvent{aggregator.EventNeedMethod, aggregator.EventNeedMedium, aggregator.EventNeedTAN,
	aggregator.EventNeedDecoupled, aggregator.EventNeedRedirect, aggregator.EventDone, aggregator.EventFail}

// fitting is, per state, the submission the engine takes and the call it
// makes for it (TestConsentEngineSubmissions covers the rest).
var fitting = map[aggregator.SCAState]struct {
	in   aggregator.SCASubmission
	call string
}{
	aggregator.SCAMethodSelection: {aggregator.SCASubmission{MethodID: ptr("1")}, "SelectMethod(1)"},
	aggregator.SCAMediumSelection: {aggregator.SCASubmission{Medium: ptr("Mobil")}, "SelectMedium(Mobil)"},
	aggregator.SCAChallenge:       {aggregator.SCASubmission{AuthData: ptr("42")}, "Authenticate(42)"},
	aggregator.SCADecoupled:       {aggregator.SCASubmission{}, "Poll"},
}

func ptr(s string) *string { return &s }

// TestConsentEngineTransitions plays every row of the SCA machine's table
// that a bank's answer can fire: from each pending state, each answer the
// bank can give, through the call the engine makes there (Connect from
// required, a step from the selection and challenge states,
// CompleteRedirect from redirect). A legal answer moves the SCA where the
// table says and records exactly that call (plus the fetch of a granted
// consent); an answer the table forbids is the provider breaking its
// contract: an internal error, and the stored SCA stays where it was.
func TestConsentEngineTransitions(t *testing.T) {
	for _, from := range []aggregator.SCAState{aggregator.SCARequired, aggregator.SCAMethodSelection,
		aggregator.SCAMediumSelection, aggregator.SCAChallenge, aggregator.SCADecoupled, aggregator.SCARedirect} {
		for _, ev := range providerEvents {
			t.Run(string(from)+"/"+string(ev), func(t *testing.T) {
				f := newEngineFixture(t)
				want, legal := sca.Apply(from, ev)
				ctx := context.Background()
				var call string
				var err error
				var id string
				switch from {
				case aggregator.SCARequired:
					call = "Connect"
					id = uuid.NewString()
					f.bank.answer = ev
					req := map[string]aggregator.AccessRequest{id: {ProviderID: "00000000-0000-0000-0000-00000000000e",
						Plain: aggregator.Credentials{"userid": "u"}}}
					_, err = f.acc.Add(ctx, f.p, req, []string{id}, aggregator.AccessOptions{WebForm: true})
				case aggregator.SCARedirect:
					var cur aggregator.SCA
					id, cur = f.reach(into[from])
					call = "CompleteRedirect"
					f.bank.answer = ev
					_, err = f.acc.CompleteRedirect(ctx, cur.RedirectToken, url.Values{})
				default:
					var cur aggregator.SCA
					id, cur = f.reach(into[from])
					call = fitting[from].call
					f.bank.answer = ev
					_, err = f.acc.Submit(ctx, f.p, id, cur.ConsentID, fitting[from].in)
				}
				wantCalls := []string{call}
				if legal == nil && want == aggregator.SCAFinalised {
					wantCalls = append(wantCalls, "Fetch")
				}
				switch {
				case legal != nil && from == aggregator.SCARequired:
					// A login whose answer breaks the table stores nothing.
					if aggregator.ErrorKind(err) != aggregator.KindInternal {
						t.Fatalf("err = %v, want internal", err)
					}
				case legal != nil:
					if aggregator.ErrorKind(err) != aggregator.KindInternal || f.state(id) != from {
						t.Fatalf("err = %v, state %s; want internal, still %s", err, f.state(id), from)
					}
				default:
					if err != nil || f.state(id) != want {
						t.Fatalf("err = %v, state %s; want %s", err, f.state(id), want)
					}
				}
				if fmt.Sprint(f.bank.calls) != fmt.Sprint(wantCalls) {
					t.Errorf("calls %v, want %v", f.bank.calls, wantCalls)
				}
			})
		}
	}
}

// TestConsentEngineSubmissions: every submission in every state either
// makes the one call the table names or is refused without calling the
// bank: 400 for a challenge without its TAN, 409 otherwise.
func TestConsentEngineSubmissions(t *testing.T) {
	kinds := map[string]aggregator.SCASubmission{
		"method": {MethodID: ptr("1")}, "medium": {Medium: ptr("Mobil")}, "tan": {AuthData: ptr("42")}, "empty": {},
	}
	for state, ev := range into {
		for name, in := range kinds {
			t.Run(string(state)+"/"+name, func(t *testing.T) {
				f := newEngineFixture(t)
				id, cur := f.reach(ev)
				f.bank.answer = aggregator.EventFail // any legal answer: the call is what counts here
				_, err := f.acc.Submit(context.Background(), f.p, id, cur.ConsentID, in)
				fit, ok := fitting[state]
				takes := ok && (fit.in.MethodID != nil) == (in.MethodID != nil) && (fit.in.Medium != nil) == (in.Medium != nil) &&
					(fit.in.AuthData != nil) == (in.AuthData != nil)
				if state == aggregator.SCADecoupled && name == "tan" {
					takes, fit.call = true, "Poll" // any submission confirms a decoupled approval
				}
				switch {
				case takes:
					if err != nil || len(f.bank.calls) != 1 || f.bank.calls[0] != fit.call {
						t.Fatalf("err %v, calls %v; want %s", err, f.bank.calls, fit.call)
					}
				case state == aggregator.SCAChallenge && name == "empty":
					if aggregator.ErrorKind(err) != aggregator.KindInvalid || len(f.bank.calls) != 0 {
						t.Fatalf("err %v, calls %v; want invalid, no call", err, f.bank.calls)
					}
				default:
					if aggregator.ErrorKind(err) != aggregator.KindConflict || len(f.bank.calls) != 0 {
						t.Fatalf("err %v, calls %v; want conflict, no call", err, f.bank.calls)
					}
				}
			})
		}
	}
}

// TestConsentEngineCancel: the table allows cancel from redirect only.
func TestConsentEngineCancel(t *testing.T) {
	for state, ev := range into {
		t.Run(string(state), func(t *testing.T) {
			f := newEngineFixture(t)
			id, cur := f.reach(ev)
			acc, err := f.acc.Cancel(context.Background(), f.p, id, cur.ConsentID)
			if state == aggregator.SCARedirect {
				if err != nil || acc.CurrentSCA().State != aggregator.SCAFailed || acc.Sync {
					t.Fatalf("cancel a redirect: %v, %+v", err, acc.CurrentSCA())
				}
				return
			}
			if aggregator.ErrorKind(err) != aggregator.KindConflict || f.state(id) != state || len(f.bank.calls) != 0 {
				t.Fatalf("cancel in %s: %v, now %s, calls %v", state, err, f.state(id), f.bank.calls)
			}
		})
	}
}
