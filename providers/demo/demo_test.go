package demo

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/providers"
)

const (
	testBase   = "https://gw.example.com"
	testAccess = "0b7f4783-4c93-4820-8e73-354a0f1c469e"
	testToken  = "5c0e0a2b-2f7e-4d55-9a57-3f0f2d1c9e11"
)

// clock is a test clock that only moves when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 14, 10, 30, 0, 0, berlin())} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newBank(t testing.TB, clk *clock, settings map[string]any) *Bank {
	t.Helper()
	p, err := New(aggregator.ProviderConfig{Info: aggregator.ProviderInfo{Name: "Demo Provider"}, BaseURL: testBase + "/",
		Now: clk.Now, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	return p.(*Bank)
}

func creds(userid, pin string) aggregator.Credentials {
	return aggregator.Credentials{"userid": userid, "pin": pin}
}

func connect(b *Bank, userid, pin string) (aggregator.Outcome, error) {
	return b.Connect(context.Background(), aggregator.ConnectRequest{AccessID: testAccess, Credentials: creds(userid, pin),
		CallbackURL: "https://app.example.com/back", RedirectToken: testToken})
}

// wantError checks err is an *aggregator.Error of the kind and code.
func wantError(t *testing.T, err error, kind aggregator.Kind, code aggregator.MessageCode) *aggregator.Error {
	t.Helper()
	var e *aggregator.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *aggregator.Error %s %s", err, kind, code)
	}
	if e.Kind != kind || (code != "" && e.MessageCode() != code) {
		t.Fatalf("error = %s/%s %q, want %s/%s", e.Kind, e.MessageCode(), e.Error(), kind, code)
	}
	return e
}

func TestRegistered(t *testing.T) {
	p, err := providers.New("demo", aggregator.ProviderConfig{Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.(*Bank); !ok {
		t.Fatalf("providers.New(demo) = %T", p)
	}
	if _, err := providers.New("demo", aggregator.ProviderConfig{}); err == nil || !strings.Contains(err.Error(), "Now") {
		t.Errorf("New without a clock: %v", err)
	}
	if _, err := providers.New("demo", aggregator.ProviderConfig{Now: newClock().Now, Settings: map[string]any{"latncy": "1s"}}); err == nil ||
		!strings.Contains(err.Error(), `unknown setting "latncy"`) {
		t.Errorf("New with a misspelt setting: %v", err)
	}
}

// walkStep is one call of an SCA walk and what it must answer.
type walkStep struct {
	name string
	call func(b *Bank, req aggregator.StepRequest, last aggregator.Outcome) (aggregator.Outcome, error)
	// On success:
	event aggregator.SCAEvent
	check func(t *testing.T, out aggregator.Outcome, clk *clock)
	// On failure (the state stays what it was):
	kind aggregator.Kind
	code aggregator.MessageCode
}

func selectMethod(code int) func(*Bank, aggregator.StepRequest, aggregator.Outcome) (aggregator.Outcome, error) {
	return func(b *Bank, req aggregator.StepRequest, _ aggregator.Outcome) (aggregator.Outcome, error) {
		return b.SelectMethod(context.Background(), req, code)
	}
}

func selectMedium(name string) func(*Bank, aggregator.StepRequest, aggregator.Outcome) (aggregator.Outcome, error) {
	return func(b *Bank, req aggregator.StepRequest, _ aggregator.Outcome) (aggregator.Outcome, error) {
		return b.SelectMedium(context.Background(), req, name)
	}
}

func tan(s string) func(*Bank, aggregator.StepRequest, aggregator.Outcome) (aggregator.Outcome, error) {
	return func(b *Bank, req aggregator.StepRequest, _ aggregator.Outcome) (aggregator.Outcome, error) {
		return b.Authenticate(context.Background(), req, s)
	}
}

// tanFromHint answers a photoTAN with the number its hint shows.
func tanFromHint(b *Bank, req aggregator.StepRequest, last aggregator.Outcome) (aggregator.Outcome, error) {
	answer := strings.TrimPrefix(last.ActiveMethod.Hint, "Die TAN lautet ")
	return b.Authenticate(context.Background(), req, answer)
}

func poll(b *Bank, req aggregator.StepRequest, _ aggregator.Outcome) (aggregator.Outcome, error) {
	return b.Poll(context.Background(), req)
}

func redirect(v url.Values) func(*Bank, aggregator.StepRequest, aggregator.Outcome) (aggregator.Outcome, error) {
	return func(b *Bank, req aggregator.StepRequest, last aggregator.Outcome) (aggregator.Outcome, error) {
		if v.Get("state") == "echo" {
			u, _ := url.Parse(last.Challenge.RedirectURL)
			v = url.Values{"result": v["result"], "state": {u.Query().Get("state")}}
		}
		return b.CompleteRedirect(context.Background(), req, v)
	}
}

// fetch is Fetch as a step: success reports EventDone.
func fetch(b *Bank, req aggregator.StepRequest, _ aggregator.Outcome) (aggregator.Outcome, error) {
	snap, err := b.Fetch(context.Background(), aggregator.FetchRequest{AccessID: req.AccessID, State: req.State})
	if err != nil {
		return aggregator.Outcome{}, err
	}
	if len(snap.Products) != 5 {
		return aggregator.Outcome{}, errors.New("fetch returned no data")
	}
	return aggregator.Outcome{Step: aggregator.EventDone, State: req.State}, nil
}

func validFor(d time.Duration) func(*testing.T, aggregator.Outcome, *clock) {
	return func(t *testing.T, out aggregator.Outcome, clk *clock) {
		t.Helper()
		want := clk.Now().Add(d)
		if d == 180*24*time.Hour {
			want = clk.Now().AddDate(0, 0, 180)
		}
		if !out.ConsentValidUntil.Equal(want) {
			t.Errorf("ConsentValidUntil = %v, want %v", out.ConsentValidUntil, want)
		}
	}
}

func messages(codes ...aggregator.MessageCode) func(*testing.T, aggregator.Outcome, *clock) {
	return func(t *testing.T, out aggregator.Outcome, _ *clock) {
		t.Helper()
		if len(out.Messages) != len(codes) {
			t.Fatalf("messages = %+v, want codes %v", out.Messages, codes)
		}
		for i, c := range codes {
			if m := out.Messages[i]; m.Code != c || m.Level != c.Level() || m.Message == "" {
				t.Errorf("message %d = %+v, want code %s", i, m, c)
			}
		}
	}
}

func all(checks ...func(*testing.T, aggregator.Outcome, *clock)) func(*testing.T, aggregator.Outcome, *clock) {
	return func(t *testing.T, out aggregator.Outcome, clk *clock) {
		t.Helper()
		for _, c := range checks {
			c(t, out, clk)
		}
	}
}

func checkMethods(t *testing.T, out aggregator.Outcome, _ *clock) {
	t.Helper()
	if len(out.Methods) != 3 || out.Methods[0] != (aggregator.SCAMethod{Code: 1, Name: "mockTAN", Hint: "Gib eine durch 2 teilbare Zahl ein"}) ||
		out.Methods[1].Code != 902 || out.Methods[1].Name != "mockPhotoTAN" ||
		out.Methods[2] != (aggregator.SCAMethod{Code: 921, Name: "pushTAN", Hint: "Freigabe in der Demo-App"}) {
		t.Errorf("methods = %+v", out.Methods)
	}
}

func checkMedia(t *testing.T, out aggregator.Outcome, clk *clock) {
	t.Helper()
	if len(out.Media) != 2 || out.Media[0].Name != "Mobil" || out.Media[0].Class != "MOBIL" ||
		out.Media[1].Name != "Generator" || out.Media[1].Class != "GENERATOR" {
		t.Fatalf("media = %+v", out.Media)
	}
	for _, m := range out.Media {
		if !m.ValidFrom.Before(clk.Now()) || !m.ValidTo.After(clk.Now()) {
			t.Errorf("medium %s valid %v … %v, not around now", m.Name, m.ValidFrom, m.ValidTo)
		}
	}
}

func checkMockTAN(t *testing.T, out aggregator.Outcome, _ *clock) {
	t.Helper()
	if out.Challenge == nil || out.Challenge.Name != "Mock-TAN-Verfahren" || out.Challenge.Instructions != "Gib eine durch 2 teilbare Zahl ein" ||
		out.ActiveMethod == nil || out.ActiveMethod.Code != 1 {
		t.Errorf("challenge = %+v, active method %+v", out.Challenge, out.ActiveMethod)
	}
}

func checkPhotoTAN(t *testing.T, out aggregator.Outcome, _ *clock) {
	t.Helper()
	if out.ActiveMethod == nil || out.ActiveMethod.Code != 902 || !regexp.MustCompile(`^Die TAN lautet \d{6}$`).MatchString(out.ActiveMethod.Hint) {
		t.Fatalf("active method = %+v", out.ActiveMethod)
	}
	img, err := png.Decode(bytes.NewReader(out.Challenge.Photo))
	if err != nil {
		t.Fatalf("photo is no PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 120 || b.Dy() != 120 {
		t.Errorf("photo is %v, want 120×120", b)
	}
}

func checkDecoupled(t *testing.T, out aggregator.Outcome, _ *clock) {
	t.Helper()
	c := out.Challenge
	if c == nil || c.Name != "Entkoppelte Authentifizierung" || !c.Decoupled ||
		c.Instructions != "Bitte bestätigen Sie den Vorgang in Ihrer Demo-App." {
		t.Errorf("challenge = %+v", c)
	}
}

func checkPolls(n int) func(*testing.T, aggregator.Outcome, *clock) {
	return func(t *testing.T, out aggregator.Outcome, _ *clock) {
		t.Helper()
		st, err := decodeState("test", out.State)
		if err != nil || st.Polls != n {
			t.Errorf("state polls = %+v, %v; want %d", st, err, n)
		}
	}
}

func checkRedirect(t *testing.T, out aggregator.Outcome, _ *clock) {
	t.Helper()
	c := out.Challenge
	if c == nil || !c.Redirect || c.Name != "Redirect" {
		t.Fatalf("challenge = %+v", c)
	}
	u, err := url.Parse(c.RedirectURL)
	if err != nil || !strings.HasPrefix(c.RedirectURL, testBase+"/demo-bank/authorize?") {
		t.Fatalf("redirect URL %q", c.RedirectURL)
	}
	if q := u.Query(); len(q) != 2 || q.Get("token") != testToken || q.Get("state") == "" {
		t.Errorf("redirect query = %v", q)
	}
}

func channel(name string, newSCA bool) func(*testing.T, aggregator.Outcome, *clock) {
	return func(t *testing.T, out aggregator.Outcome, _ *clock) {
		t.Helper()
		if out.Channel != name || out.NewSCA != newSCA {
			t.Errorf("channel %q newSCA %v, want %q %v", out.Channel, out.NewSCA, name, newSCA)
		}
	}
}

func TestScenarios(t *testing.T) {
	const days180 = 180 * 24 * time.Hour
	tests := []struct {
		name, userid string
		connect      walkStep
		steps        []walkStep
	}{
		{"none", "demo1", walkStep{event: aggregator.EventDone, check: validFor(days180)},
			[]walkStep{{name: "fetch", call: fetch, event: aggregator.EventDone}}},
		{"expiring", "expiring", walkStep{event: aggregator.EventDone, check: validFor(time.Minute)},
			[]walkStep{{name: "fetch", call: fetch, event: aggregator.EventDone}}},
		{"mockTAN", "demo2", walkStep{event: aggregator.EventNeedMethod, check: checkMethods}, []walkStep{
			{name: "fetch too early", call: fetch, kind: aggregator.KindConflict},
			{name: "medium before method", call: selectMedium("Mobil"), kind: aggregator.KindConflict},
			{name: "TAN before method", call: tan("2"), kind: aggregator.KindConflict},
			{name: "poll", call: poll, kind: aggregator.KindConflict},
			{name: "unknown method", call: selectMethod(7), kind: aggregator.KindInvalid, code: aggregator.CodeInvalidTANProcedure},
			{name: "method", call: selectMethod(1), event: aggregator.EventNeedMedium, check: checkMedia},
			{name: "unknown medium", call: selectMedium("Brieftaube"), kind: aggregator.KindInvalid, code: aggregator.CodeInvalidTANMedium},
			{name: "medium", call: selectMedium("mobil"), event: aggregator.EventNeedTAN, check: all(checkMockTAN, messages())},
			{name: "odd TAN", call: tan("123457"), event: aggregator.EventNeedTAN, check: all(checkMockTAN, messages(aggregator.CodeTANInvalid))},
			{name: "no number", call: tan("zwölf"), event: aggregator.EventNeedTAN, check: messages(aggregator.CodeTANInvalid)},
			{name: "even TAN", call: tan("4711112"), event: aggregator.EventDone, check: all(validFor(days180), messages())},
			{name: "fetch", call: fetch, event: aggregator.EventDone},
			{name: "TAN after done", call: tan("2"), kind: aggregator.KindConflict},
		}},
		{"three wrong TANs", "demo2", walkStep{event: aggregator.EventNeedMethod}, []walkStep{
			{name: "method", call: selectMethod(1), event: aggregator.EventNeedMedium},
			{name: "medium", call: selectMedium("Generator"), event: aggregator.EventNeedTAN},
			{name: "wrong 1", call: tan("1"), event: aggregator.EventNeedTAN, check: messages(aggregator.CodeTANInvalid)},
			{name: "empty", call: tan(""), event: aggregator.EventNeedTAN, check: messages(aggregator.CodeTANInvalid)},
			{name: "wrong 3", call: tan("-4"), event: aggregator.EventFail, check: messages(aggregator.CodeSCAFailed)},
			{name: "TAN after failure", call: tan("2"), kind: aggregator.KindConflict},
			{name: "fetch after failure", call: fetch, kind: aggregator.KindConflict},
		}},
		{"photoTAN", "demo2", walkStep{event: aggregator.EventNeedMethod}, []walkStep{
			{name: "method", call: selectMethod(902), event: aggregator.EventNeedMedium, check: checkMedia},
			{name: "medium", call: selectMedium("Generator"), event: aggregator.EventNeedTAN, check: checkPhotoTAN},
			{name: "an even number is not the photoTAN", call: tan("2"), event: aggregator.EventNeedTAN,
				check: all(checkPhotoTAN, messages(aggregator.CodeTANInvalid))},
			{name: "the shown TAN", call: tanFromHint, event: aggregator.EventDone, check: validFor(days180)},
		}},
		{"pushTAN", "demo2", walkStep{event: aggregator.EventNeedMethod}, []walkStep{
			{name: "method", call: selectMethod(921), event: aggregator.EventNeedDecoupled, check: all(checkDecoupled, checkPolls(0))},
			{name: "medium", call: selectMedium("Mobil"), kind: aggregator.KindConflict},
			{name: "poll 1", call: poll, event: aggregator.EventNeedDecoupled, check: checkPolls(1)},
			{name: "empty confirmation is poll 2", call: tan(""), event: aggregator.EventNeedDecoupled, check: checkPolls(2)},
			{name: "poll 3 approves", call: poll, event: aggregator.EventDone, check: validFor(days180)},
			{name: "fetch", call: fetch, event: aggregator.EventDone},
		}},
		{"decoupled", "demo3", walkStep{event: aggregator.EventNeedDecoupled, check: all(checkDecoupled, checkPolls(0), channel("", false))}, []walkStep{
			{name: "fetch too early", call: fetch, kind: aggregator.KindConflict},
			{name: "TAN method", call: selectMethod(1), kind: aggregator.KindConflict},
			{name: "poll 1", call: poll, event: aggregator.EventNeedDecoupled, check: all(checkDecoupled, checkPolls(1))},
			{name: "poll 2", call: poll, event: aggregator.EventNeedDecoupled, check: checkPolls(2)},
			{name: "poll 3", call: poll, event: aggregator.EventDone, check: validFor(days180)},
			{name: "poll after done", call: poll, kind: aggregator.KindConflict},
			{name: "fetch", call: fetch, event: aggregator.EventDone},
		}},
		{"redirect approved", "demo4", walkStep{event: aggregator.EventNeedRedirect, check: checkRedirect}, []walkStep{
			{name: "fetch too early", call: fetch, kind: aggregator.KindConflict},
			{name: "poll", call: poll, kind: aggregator.KindConflict},
			{name: "foreign state", call: redirect(url.Values{"result": {"approved"}, "state": {"forged"}}), kind: aggregator.KindInvalid},
			{name: "unknown result", call: redirect(url.Values{"result": {"maybe"}}), kind: aggregator.KindInvalid},
			{name: "approved", call: redirect(url.Values{"result": {"approved"}, "state": {"echo"}}), event: aggregator.EventDone,
				check: validFor(days180)},
			{name: "fetch", call: fetch, event: aggregator.EventDone},
		}},
		{"redirect denied", "demo4", walkStep{event: aggregator.EventNeedRedirect}, []walkStep{
			{name: "denied", call: redirect(url.Values{"result": {"denied"}}), event: aggregator.EventFail,
				check: func(t *testing.T, out aggregator.Outcome, clk *clock) {
					messages(aggregator.CodeSCAFailed)(t, out, clk)
					if out.Messages[0].Details != "Redirect-SCA wurde abgelehnt" {
						t.Errorf("message = %+v", out.Messages[0])
					}
				}},
			{name: "approved too late", call: redirect(url.Values{"result": {"approved"}}), kind: aggregator.KindConflict},
			{name: "fetch", call: fetch, kind: aggregator.KindConflict},
		}},
		{"two channels", "demo5", walkStep{event: aggregator.EventNeedTAN, check: all(checkMockTAN, channel("KONTEN", false))}, []walkStep{
			{name: "method", call: selectMethod(1), kind: aggregator.KindConflict},
			{name: "odd TAN", call: tan("7"), event: aggregator.EventNeedTAN, check: all(channel("KONTEN", false), messages(aggregator.CodeTANInvalid))},
			{name: "even TAN opens the depot's SCA", call: tan("8"), event: aggregator.EventNeedDecoupled,
				check: all(channel("DEPOTS", true), validFor(days180), checkDecoupled, checkPolls(0), messages())},
			{name: "fetch between the SCAs", call: fetch, kind: aggregator.KindConflict},
			{name: "TAN on the app step counts as poll 1", call: tan(""), event: aggregator.EventNeedDecoupled,
				check: all(channel("DEPOTS", false), checkPolls(1))},
			{name: "poll 2", call: poll, event: aggregator.EventNeedDecoupled, check: checkPolls(2)},
			{name: "poll 3", call: poll, event: aggregator.EventDone, check: all(channel("DEPOTS", false), validFor(days180))},
			{name: "fetch", call: fetch, event: aggregator.EventDone},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			b := newBank(t, clk, nil)
			out, err := connect(b, tt.userid, tt.userid)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			if out.Step != tt.connect.event || len(out.State) == 0 {
				t.Fatalf("Connect = %s (state %q), want %s", out.Step, out.State, tt.connect.event)
			}
			if tt.connect.check != nil {
				tt.connect.check(t, out, clk)
			}
			state, last := out.State, out
			for _, s := range tt.steps {
				req := aggregator.StepRequest{AccessID: testAccess, ConsentID: "c1", Credentials: creds(tt.userid, tt.userid), State: state}
				out, err := s.call(b, req, last)
				if s.event == "" {
					if err == nil {
						t.Fatalf("%s: %s, want error %s/%s", s.name, out.Step, s.kind, s.code)
					}
					e := wantError(t, err, s.kind, s.code)
					if e.Message == "" || e.Op == "" {
						t.Errorf("%s: error without message or op: %#v", s.name, e)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				if out.Step != s.event || len(out.State) == 0 {
					t.Fatalf("%s: step %s (state %q), want %s", s.name, out.Step, out.State, s.event)
				}
				if s.check != nil {
					s.check(t, out, clk)
				}
				state, last = out.State, out
			}
		})
	}
}

func TestExpiringConsent(t *testing.T) {
	tests := []struct {
		login string
		after time.Duration
		ok    bool
	}{
		{"expiring", 59 * time.Second, true},
		{"expiring", time.Minute, false},
		{"demo1", 179 * 24 * time.Hour, true},
		{"demo1", 181 * 24 * time.Hour, false},
	}
	for _, tt := range tests {
		clk := newClock()
		b := newBank(t, clk, nil)
		out, err := connect(b, tt.login, tt.login)
		if err != nil {
			t.Fatal(err)
		}
		clk.Add(tt.after)
		_, err = b.Fetch(context.Background(), aggregator.FetchRequest{State: out.State})
		if tt.ok && err != nil {
			t.Errorf("%s after %v: %v", tt.login, tt.after, err)
		}
		if !tt.ok {
			wantError(t, err, aggregator.KindConflict, aggregator.CodeSCARequired)
		}
	}
}

func TestUnknownMethodNamesCode(t *testing.T) {
	b := newBank(t, newClock(), nil)
	out, _ := connect(b, "demo2", "demo2")
	_, err := b.SelectMethod(context.Background(), aggregator.StepRequest{State: out.State}, 4711)
	if e := wantError(t, err, aggregator.KindInvalid, aggregator.CodeInvalidTANProcedure); !strings.Contains(e.Details, "4711") {
		t.Errorf("details %q do not name the code", e.Details)
	}
}

func TestPhotoTANDeterministic(t *testing.T) {
	a1, p1, err := photoTAN("abc")
	if err != nil {
		t.Fatal(err)
	}
	a2, p2, _ := photoTAN("abc")
	a3, p3, _ := photoTAN("abd")
	if a1 != a2 || !bytes.Equal(p1, p2) {
		t.Error("the same nonce gives another challenge")
	}
	if a1 == a3 && bytes.Equal(p1, p3) {
		t.Error("another nonce gives the same challenge")
	}
}

func TestStateErrors(t *testing.T) {
	b := newBank(t, newClock(), nil)
	ctx := context.Background()
	_, err := b.Poll(ctx, aggregator.StepRequest{})
	wantError(t, err, aggregator.KindConflict, "")
	_, err = b.Poll(ctx, aggregator.StepRequest{State: aggregator.ProviderState("{not json")})
	wantError(t, err, aggregator.KindInternal, "")
	_, err = b.Fetch(ctx, aggregator.FetchRequest{State: aggregator.ProviderState(`{"v":0,"step":"done"}`)})
	wantError(t, err, aggregator.KindConflict, "")
	// A login removed from the configuration no longer reads data.
	_, err = b.Fetch(ctx, aggregator.FetchRequest{State: aggregator.ProviderState(`{"v":1,"step":"done","login":"gone","scenario":"none"}`)})
	wantError(t, err, aggregator.KindInvalid, aggregator.CodeWrongCredentials)
}

func TestLogin(t *testing.T) {
	type try struct {
		userid, pin string
		code        aggregator.MessageCode // "" is a successful login
	}
	wrong, blocked := aggregator.CodeWrongCredentials, aggregator.CodeAccessBlocked
	tests := []struct {
		name  string
		tries []try
	}{
		{"right PIN", []try{{"demo1", "demo1", ""}}},
		{"blocked after three", []try{{"demo1", "Pin-X1", wrong}, {"demo1", "Pin-Y2", wrong}, {"demo1", "Pin-Z3", blocked},
			{"demo1", "demo1", blocked}, {"demo1", "Pin-W4", blocked}, {"demo2", "demo2", ""}}},
		{"right PIN resets", []try{{"demo1", "Pin-X1", wrong}, {"demo1", "Pin-Y2", wrong}, {"demo1", "demo1", ""},
			{"demo1", "Pin-X1", wrong}, {"demo1", "Pin-Y2", wrong}, {"demo1", "demo1", ""}}},
		{"counted per user id", []try{{"demo1", "Pin-X1", wrong}, {"demo2", "Pin-X1", wrong}, {"demo1", "Pin-X1", wrong}, {"demo2", "Pin-X1", wrong},
			{"demo1", "demo1", ""}, {"demo2", "demo2", ""}}},
		{"unknown users never block", []try{{"nobody", "Pin-X1", wrong}, {"nobody", "Pin-X1", wrong}, {"nobody", "Pin-X1", wrong}, {"nobody", "Pin-X1", wrong}}},
		{"PIN is case-sensitive", []try{{"demo1", "DEMO1", wrong}}},
		{"incomplete", []try{{"", "demo1", aggregator.CodeIncompleteCredentials}, {"demo1", "", aggregator.CodeIncompleteCredentials}}},
		{"maintenance", []try{{"maintenance", "maintenance", aggregator.CodeAccessUnavailable}, {"maintenance", "Pin-X1", wrong}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBank(t, newClock(), nil)
			for i, tr := range tt.tries {
				_, err := connect(b, tr.userid, tr.pin)
				switch {
				case tr.code == "" && err != nil:
					t.Fatalf("try %d (%s): %v", i, tr.userid, err)
				case tr.code == "":
				default:
					kind := aggregator.KindInvalid
					if tr.code == aggregator.CodeAccessUnavailable {
						kind = aggregator.KindUnavailable
					}
					e := wantError(t, err, kind, tr.code)
					if strings.HasPrefix(tr.pin, "Pin-") && strings.Contains(e.Error(), tr.pin) {
						t.Errorf("try %d: the error %q shows the PIN", i, e.Error())
					}
				}
			}
		})
	}
}

func TestLoginMessages(t *testing.T) {
	b := newBank(t, newClock(), nil)
	_, err := connect(b, "demo1", "nope")
	e := wantError(t, err, aggregator.KindInvalid, aggregator.CodeWrongCredentials)
	if e.Op != "demo.Connect" || e.Message != "Zugangsdaten nicht korrekt" ||
		e.Details != "Bitte prüfen Sie Ihre Zugangsdaten. Nach drei Fehleingaben wird Ihr Zugang gesperrt." {
		t.Errorf("wrong PIN error = %#v", e)
	}
	_, _ = connect(b, "demo1", "nope")
	_, err = connect(b, "demo1", "nope")
	if e := wantError(t, err, aggregator.KindInvalid, aggregator.CodeAccessBlocked); e.Message != "Zugang gesperrt" {
		t.Errorf("blocked error = %#v", e)
	}
	_, err = connect(b, "maintenance", "maintenance")
	if e := wantError(t, err, aggregator.KindUnavailable, aggregator.CodeAccessUnavailable); e.Message != "Bankzugang nicht verfügbar" ||
		!strings.Contains(e.Details, "Wartungsarbeiten") {
		t.Errorf("maintenance error = %#v", e)
	}
}

func TestConcurrentLogins(t *testing.T) {
	b := newBank(t, newClock(), nil)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pin := "demo3"
			if i%2 == 0 {
				pin = "wrong"
			}
			_, _ = connect(b, "demo3", pin)
		}()
	}
	wg.Wait()
}

func TestLatency(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	tests := []struct {
		name    string
		latency string
		ctx     context.Context
		timeout bool
	}{
		{"no latency", "0s", context.Background(), false},
		{"tiny latency waits on the timer", "1ns", context.Background(), false},
		{"no latency, cancelled", "0s", cancelled, true},
		{"long latency, cancelled", "1h", cancelled, true},
		{"long latency, deadline passed", "1h", expired, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			b := newBank(t, clk, map[string]any{"latency": tt.latency})
			// A done state, so every call would succeed but for the latency.
			good := newBank(t, clk, nil)
			done, err := connect(good, "demo1", "demo1")
			if err != nil {
				t.Fatal(err)
			}
			method, _ := connect(good, "demo2", "demo2")
			calls := map[string]func() error{
				"Connect": func() error {
					_, err := b.Connect(tt.ctx, aggregator.ConnectRequest{Credentials: creds("demo1", "demo1")})
					return err
				},
				"Fetch": func() error {
					_, err := b.Fetch(tt.ctx, aggregator.FetchRequest{State: done.State})
					return err
				},
				"SelectMethod": func() error {
					_, err := b.SelectMethod(tt.ctx, aggregator.StepRequest{State: method.State}, 1)
					return err
				},
			}
			for name, call := range calls {
				err := call()
				if !tt.timeout {
					if err != nil {
						t.Errorf("%s: %v", name, err)
					}
					continue
				}
				e := wantError(t, err, aggregator.KindTimeout, "")
				if !errors.Is(e, tt.ctx.Err()) {
					t.Errorf("%s: cause %v, want the context's error", name, e.Err)
				}
			}
		})
	}
}

func TestFetchFilters(t *testing.T) {
	clk := newClock()
	b := newBank(t, clk, nil)
	out, err := connect(b, "demo1", "demo1")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	full, err := b.Fetch(ctx, aggregator.FetchRequest{State: out.State})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Products) != 5 || len(full.Transactions) == 0 || len(full.Investments) == 0 || !full.Fetched.Equal(clk.Now()) {
		t.Fatalf("full fetch: %d products, %d transactions, %d positions, fetched %v",
			len(full.Products), len(full.Transactions), len(full.Investments), full.Fetched)
	}
	giroID, depotID := full.Products[0].ID, full.Products[4].ID

	t.Run("selected products", func(t *testing.T) {
		s, err := b.Fetch(ctx, aggregator.FetchRequest{State: out.State, SelectedProducts: []string{depotID, giroID, "DE00unknown"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Products) != 2 || s.Products[0].ID != giroID || s.Products[1].ID != depotID {
			t.Errorf("products = %v", productIDs(s.Products))
		}
		for _, tx := range s.Transactions {
			if tx.ProductID != giroID {
				t.Fatalf("transaction of %s", tx.ProductID)
			}
		}
		if len(s.Transactions) == 0 || len(s.Investments) != len(full.Investments) {
			t.Errorf("%d transactions, %d positions", len(s.Transactions), len(s.Investments))
		}
		only, _ := b.Fetch(ctx, aggregator.FetchRequest{State: out.State, SelectedProducts: []string{giroID}})
		if len(only.Investments) != 0 {
			t.Errorf("positions of an unselected depot: %d", len(only.Investments))
		}
	})
	t.Run("head only", func(t *testing.T) {
		s, err := b.Fetch(ctx, aggregator.FetchRequest{State: out.State, HeadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Products) != 5 || len(s.Transactions) != 0 || len(s.Investments) != 0 {
			t.Fatalf("head only: %d products, %d transactions, %d positions", len(s.Products), len(s.Transactions), len(s.Investments))
		}
		for _, p := range s.Products {
			if p.Saldo != nil || p.Verfuegungsrahmen != nil || p.VerfuegterBetrag != nil || p.ID == "" || p.Kontonummer == "" {
				t.Errorf("head-only product %+v", p)
			}
		}
		if full.Products[0].Saldo == nil {
			t.Error("head only changed the full snapshot")
		}
	})
	t.Run("from", func(t *testing.T) {
		from := clk.Now().AddDate(0, 0, -90)
		s, err := b.Fetch(ctx, aggregator.FetchRequest{State: out.State, From: from})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, tx := range full.Transactions {
			if !tx.Buchungsdatum.Before(from) {
				want++
			}
		}
		if len(s.Transactions) != want || want == 0 || want == len(full.Transactions) {
			t.Errorf("%d transactions since %v, want %d of %d", len(s.Transactions), from, want, len(full.Transactions))
		}
		for _, tx := range s.Transactions {
			if tx.Buchungsdatum.Before(from) {
				t.Fatalf("transaction booked %v before %v", tx.Buchungsdatum, from)
			}
		}
	})
}

func productIDs(ps []aggregator.Product) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}
