package sca_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/sca"
)

// Short names for the tables below.
const (
	required  = aggregator.SCARequired
	method    = aggregator.SCAMethodSelection
	medium    = aggregator.SCAMediumSelection
	challenge = aggregator.SCAChallenge
	decoupled = aggregator.SCADecoupled
	redirect  = aggregator.SCARedirect
	finalised = aggregator.SCAFinalised
	failed    = aggregator.SCAFailed

	start         = aggregator.EventStart
	needMethod    = aggregator.EventNeedMethod
	needMedium    = aggregator.EventNeedMedium
	needTAN       = aggregator.EventNeedTAN
	needDecoupled = aggregator.EventNeedDecoupled
	needRedirect  = aggregator.EventNeedRedirect
	done          = aggregator.EventDone
	fail          = aggregator.EventFail
	cancel        = aggregator.EventCancel
	expire        = aggregator.EventExpire
)

// want is the specification, written out independently of the package's
// table: every legal (state, event) pair and its target. Every pair not
// listed must be rejected.
var want = map[aggregator.SCAState]map[aggregator.SCAEvent]aggregator.SCAState{
	required: {
		start: required, needMethod: method, needMedium: medium, needTAN: challenge,
		needDecoupled: decoupled, needRedirect: redirect, done: finalised, fail: failed,
	},
	method: {
		start: required, needMedium: medium, needTAN: challenge, needDecoupled: decoupled,
		needRedirect: redirect, done: finalised, fail: failed,
	},
	medium: {
		start: required, needTAN: challenge, needDecoupled: decoupled, done: finalised, fail: failed,
	},
	challenge: {start: required, needTAN: challenge, done: finalised, fail: failed},
	decoupled: {start: required, needDecoupled: decoupled, done: finalised, fail: failed},
	redirect:  {start: required, done: finalised, fail: failed, cancel: failed},
	finalised: {start: required, expire: required},
	failed:    {start: required},
}

func wantAllowed(s aggregator.SCAState) []aggregator.SCAEvent {
	return slices.Sorted(maps.Keys(want[s]))
}

// events is every event plus one the machine does not know.
func events() []aggregator.SCAEvent { return append(sca.Events(), "bogus") }

func TestStatesAndEvents(t *testing.T) {
	states := []aggregator.SCAState{required, method, medium, challenge, decoupled, redirect, finalised, failed}
	if got := sca.States(); !slices.Equal(got, states) {
		t.Errorf("States() = %v, want %v", got, states)
	}
	evs := []aggregator.SCAEvent{start, needMethod, needMedium, needTAN, needDecoupled, needRedirect, done, fail, cancel, expire}
	if got := sca.Events(); !slices.Equal(got, evs) {
		t.Errorf("Events() = %v, want %v", got, evs)
	}
	if len(want) != len(states) {
		t.Fatalf("the test's spec covers %d states, States() has %d", len(want), len(states))
	}
	// The slices are the caller's own.
	sca.States()[0] = "x"
	sca.Events()[0] = "x"
	if sca.States()[0] != required || sca.Events()[0] != start {
		t.Error("States or Events returned shared memory")
	}
}

func TestApply(t *testing.T) {
	for _, from := range sca.States() {
		for _, ev := range events() {
			t.Run(fmt.Sprintf("%s/%s", from, ev), func(t *testing.T) {
				got, err := sca.Apply(from, ev)
				if to, legal := want[from][ev]; legal {
					if err != nil || got != to {
						t.Fatalf("Apply(%s, %s) = %q, %v; want %q, nil", from, ev, got, err, to)
					}
					return
				}
				if got != "" {
					t.Errorf("Apply(%s, %s) returned state %q with the error", from, ev, got)
				}
				var e *aggregator.Error
				if !errors.As(err, &e) {
					t.Fatalf("Apply(%s, %s) error = %v (%T), want *aggregator.Error", from, ev, err, err)
				}
				var names []string
				for _, a := range wantAllowed(from) {
					names = append(names, string(a))
				}
				wantErr := aggregator.Error{
					Kind:    aggregator.KindConflict,
					Op:      "sca.Apply",
					Message: fmt.Sprintf("%s is not possible while the SCA is in state %s", ev, from),
					Details: "allowed: " + strings.Join(names, ", "),
				}
				if *e != wantErr {
					t.Errorf("Apply(%s, %s) error = %#v, want %#v", from, ev, *e, wantErr)
				}
				if !strings.Contains(e.Message, string(ev)) || !strings.Contains(e.Message, string(from)) {
					t.Errorf("message %q does not name event and state", e.Message)
				}
				if e.MessageCode() != aggregator.CodeConflict {
					t.Errorf("code = %s, want %s", e.MessageCode(), aggregator.CodeConflict)
				}
			})
		}
	}
}

func TestApplyUnknownState(t *testing.T) {
	for _, from := range []aggregator.SCAState{"", "bogus", "Required"} {
		got, err := sca.Apply(from, start)
		if got != "" || aggregator.ErrorKind(err) != aggregator.KindInternal {
			t.Errorf("Apply(%q, start) = %q, %v; want an internal error", from, got, err)
		}
		if a := sca.Allowed(from); a != nil {
			t.Errorf("Allowed(%q) = %v, want nil", from, a)
		}
	}
}

func TestAllowed(t *testing.T) {
	for _, s := range sca.States() {
		got := sca.Allowed(s)
		if !slices.IsSorted(got) {
			t.Errorf("Allowed(%s) = %v, not sorted", s, got)
		}
		if w := wantAllowed(s); !slices.Equal(got, w) {
			t.Errorf("Allowed(%s) = %v, want %v", s, got, w)
		}
		// Consistent with Apply: exactly the allowed events succeed.
		for _, ev := range events() {
			_, err := sca.Apply(s, ev)
			if (err == nil) != slices.Contains(got, ev) {
				t.Errorf("Allowed(%s) and Apply(%s, %s) = %v disagree", s, s, ev, err)
			}
		}
	}
	// start is possible everywhere; cancel only in redirect.
	for _, s := range sca.States() {
		if !slices.Contains(sca.Allowed(s), start) {
			t.Errorf("start not allowed in %s", s)
		}
		if slices.Contains(sca.Allowed(s), cancel) != (s == redirect) {
			t.Errorf("cancel allowed in %s: %v", s, slices.Contains(sca.Allowed(s), cancel))
		}
	}
}

// TestRuns walks whole SCAs the way use cases drive them.
func TestRuns(t *testing.T) {
	runs := []struct {
		name   string
		events []aggregator.SCAEvent
		end    aggregator.SCAState
	}{
		{"embedded with retry", []aggregator.SCAEvent{start, needMethod, needMedium, needTAN, needTAN, done}, finalised},
		{"single method decoupled with polls", []aggregator.SCAEvent{start, needDecoupled, needDecoupled, needDecoupled, done}, finalised},
		{"redirect cancelled then restarted", []aggregator.SCAEvent{start, needMethod, needRedirect, cancel, start, needRedirect, done}, finalised},
		{"no supported method", []aggregator.SCAEvent{start, fail}, failed},
		{"renewal after expiry", []aggregator.SCAEvent{start, done, expire, start, needTAN, done}, finalised},
		{"second SCA after the first", []aggregator.SCAEvent{start, needTAN, done, start, needDecoupled, done}, finalised},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			s := required
			for i, ev := range r.events {
				next, err := sca.Apply(s, ev)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				s = next
			}
			if s != r.end {
				t.Errorf("ended in %s, want %s", s, r.end)
			}
		})
	}
}

func TestCodeMessageRelations(t *testing.T) {
	info, errLevel := aggregator.LevelInfo, aggregator.LevelError
	tests := []struct {
		state     aggregator.SCAState
		code      aggregator.MessageCode // "" = none
		level     aggregator.Level
		message   string
		details   string
		relations []aggregator.Rel
	}{
		{required, "BA3000", info, "SCA notwendig", "Bitte starten Sie die starke Kundenauthentifizierung", []aggregator.Rel{"start_sca"}},
		{method, "BA3010", info, "SCA benötigt", "Bitte wählen Sie eine SCA-Methode aus", []aggregator.Rel{"set_method"}},
		{medium, "BA3020", info, "SCA Medium auswählen", "Bitte wählen Sie ein SCA-Medium aus", []aggregator.Rel{"set_medium"}},
		{challenge, "BA3030", info, "SCA Challenge", "Bitte autorisieren Sie den Vorgang", []aggregator.Rel{"authenticate"}},
		{decoupled, "BA3030", info, "SCA Challenge", "Bitte autorisieren Sie den Vorgang", []aggregator.Rel{"authenticate_decoupled", "authenticate"}},
		{redirect, "BA3005", info, "SCA Redirect notwendig", "Bitte schließen Sie die Authentifizierung auf der Seite Ihrer Bank ab", []aggregator.Rel{"redirect_url", "cancel"}},
		{finalised, "", "", "", "", nil},
		{failed, "BA3040", errLevel, "SCA fehlgeschlagen", "Die starke Kundenauthentifizierung ist fehlgeschlagen", []aggregator.Rel{"start_sca"}},
		{"bogus", "", "", "", "", nil},
	}
	covered := map[aggregator.SCAState]bool{}
	for _, tt := range tests {
		covered[tt.state] = true
		t.Run(string(tt.state), func(t *testing.T) {
			code, ok := sca.Code(tt.state)
			if code != tt.code || ok != (tt.code != "") {
				t.Errorf("Code = %q, %v; want %q, %v", code, ok, tt.code, tt.code != "")
			}
			msg, ok := sca.Message(tt.state)
			wantMsg := aggregator.Message{Level: tt.level, Code: tt.code, Message: tt.message, Details: tt.details}
			if msg != wantMsg || ok != (tt.code != "") {
				t.Errorf("Message = %+v, %v; want %+v, %v", msg, ok, wantMsg, tt.code != "")
			}
			if ok && msg.Level != msg.Code.Level() {
				t.Errorf("level %s, but the code's level is %s", msg.Level, msg.Code.Level())
			}
			if got := sca.Relations(tt.state); !slices.Equal(got, tt.relations) {
				t.Errorf("Relations = %v, want %v", got, tt.relations)
			}
		})
	}
	for _, s := range sca.States() {
		if !covered[s] {
			t.Errorf("state %s missing from the test table", s)
		}
	}
	// The slice is the caller's own.
	sca.Relations(decoupled)[0] = "x"
	if sca.Relations(decoupled)[0] != aggregator.RelAuthenticateDecoupled {
		t.Error("Relations returned shared memory")
	}
}

// TestRelationsAreTheDomains: every next step offered in any state is one
// of the relations aggregator lists for a bank access, so web has an href
// for it.
func TestRelationsAreTheDomains(t *testing.T) {
	onAccess := aggregator.RelationsOn(aggregator.ResourceAccess)
	for _, s := range sca.States() {
		for _, r := range sca.Relations(s) {
			if !slices.Contains(onAccess, r) {
				t.Errorf("state %s offers %q, which aggregator does not list for a bank access", s, r)
			}
		}
	}
}

func TestSpecialMessages(t *testing.T) {
	tests := []struct {
		name string
		got  aggregator.Message
		want aggregator.Message
	}{
		{"NoMethodMessage", sca.NoMethodMessage(), aggregator.Message{
			Level: aggregator.LevelError, Code: "BA3060", Message: "Keine unterstützte SCA-Methode gefunden"}},
		{"CancelledMessage", sca.CancelledMessage(), aggregator.Message{
			Level: aggregator.LevelError, Code: "BA3040", Message: "SCA fehlgeschlagen", Details: "Redirect-SCA wurde abgebrochen"}},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s() = %+v, want %+v", tt.name, tt.got, tt.want)
		}
	}
	// CancelledMessage must not alter the failed state's message.
	if m, _ := sca.Message(failed); m.Details != "Die starke Kundenauthentifizierung ist fehlgeschlagen" {
		t.Errorf("Message(failed).Details = %q", m.Details)
	}
}

func TestDiagram(t *testing.T) {
	d := sca.Diagram()
	if d != sca.Diagram() {
		t.Fatal("Diagram is not deterministic")
	}
	lines := strings.Split(strings.TrimSuffix(d, "\n"), "\n")
	if lines[0] != "stateDiagram-v2" || lines[1] != "    [*] --> required" {
		t.Errorf("header = %q", lines[:2])
	}
	var wantLines []string
	for from, evs := range want {
		for ev, to := range evs {
			wantLines = append(wantLines, fmt.Sprintf("    %s --> %s: %s", from, to, ev))
		}
	}
	for _, l := range wantLines {
		if !slices.Contains(lines, l) {
			t.Errorf("Diagram lacks %q", l)
		}
	}
	if len(lines) != 2+len(wantLines) {
		t.Errorf("Diagram has %d transition lines, want %d:\n%s", len(lines)-2, len(wantLines), d)
	}
	// Sorted by source state, then by event.
	key := func(l string) string {
		from, rest, _ := strings.Cut(strings.TrimSpace(l), " --> ")
		_, ev, _ := strings.Cut(rest, ": ")
		return from + " " + ev
	}
	if !slices.IsSortedFunc(lines[2:], func(a, b string) int { return strings.Compare(key(a), key(b)) }) {
		t.Errorf("transition lines are not sorted by state and event:\n%s", d)
	}
}

// TestConcurrentApply runs the whole table from many goroutines at once;
// under -race it proves that no state is shared between calls.
func TestConcurrentApply(t *testing.T) {
	const workers = 64
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			states := sca.States()
			for i := range 20 {
				for _, from := range states {
					ev := events()[(w+i)%len(events())]
					got, err := sca.Apply(from, ev)
					if to, legal := want[from][ev]; (err == nil) != legal || got != to {
						errs <- fmt.Sprintf("Apply(%s, %s) = %q, %v", from, ev, got, err)
						return
					}
					if !slices.Equal(sca.Allowed(from), wantAllowed(from)) {
						errs <- fmt.Sprintf("Allowed(%s) = %v", from, sca.Allowed(from))
						return
					}
					_ = sca.Relations(from)
					_, _ = sca.Message(from)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func BenchmarkApply(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sca.Apply(aggregator.SCAMethodSelection, aggregator.EventNeedTAN); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleApply() {
	next, err := sca.Apply(aggregator.SCAMethodSelection, aggregator.EventNeedTAN)
	fmt.Println(next, err)

	_, err = sca.Apply(aggregator.SCAFailed, aggregator.EventDone)
	e := aggregator.AsError(err)
	fmt.Println(e.Kind, "|", e.Message, "|", e.Details)
	// Output:
	// challenge <nil>
	// conflict | done is not possible while the SCA is in state failed | allowed: start
}
