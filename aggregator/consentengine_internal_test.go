package aggregator

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// tableMachine is a two-row machine: enough to show that the engine
// applies the machine it is given and nothing else.
type tableMachine map[SCAState]map[SCAEvent]SCAState

func (m tableMachine) Apply(from SCAState, ev SCAEvent) (SCAState, error) {
	if to, ok := m[from][ev]; ok {
		return to, nil
	}
	return "", &Error{Kind: KindConflict, Op: "tableMachine", Message: fmt.Sprintf("%s in %s", ev, from)}
}
func (tableMachine) Message(SCAState) (Message, bool) { return Message{}, false }
func (tableMachine) Relations(SCAState) []Rel         { return nil }

// paymentLike is a subject that is not a bank access: it records what the
// engine asks of it.
type paymentLike struct {
	scas  []SCA
	calls []string
}

func (p *paymentLike) CurrentSCA() *SCA { return &p.scas[len(p.scas)-1] }
func (p *paymentLike) Granted(s *SCA, _ Outcome) {
	p.calls = append(p.calls, "Granted("+s.ConsentID+")")
}
func (p *paymentLike) Further(s SCA) {
	p.calls = append(p.calls, "Further")
	p.scas = append(p.scas, s)
}
func (p *paymentLike) Settle(_ context.Context, s *SCA, _ Outcome) error {
	p.calls = append(p.calls, "Settle("+string(s.State)+")")
	return nil
}

// TestEngineDrivesAnySubject: the engine moves a subject it knows only
// through ConsentSubject, by the machine it is given.
func TestEngineDrivesAnySubject(t *testing.T) {
	m := tableMachine{
		SCAChallenge: {EventDone: SCAFinalised, EventNeedTAN: SCAChallenge},
		SCARequired:  {EventNeedTAN: SCAChallenge},
	}
	e := consentEngine{machine: m, now: func() time.Time { return time.Unix(1_800_000_000, 0) }}
	for _, tc := range []struct {
		name  string
		out   Outcome
		state SCAState
		calls string
		fails bool // an internal error
	}{
		{"a TAN again", Outcome{Step: EventNeedTAN, Challenge: &Challenge{Name: "TAN"}}, SCAChallenge, "[Settle(challenge)]", false},
		{"granted", Outcome{Step: EventDone}, SCAFinalised, "[Granted(c1) Settle(finalised)]", false},
		{"granted, then another channel", Outcome{Step: EventNeedTAN, NewSCA: true, Channel: "depot"}, SCAChallenge,
			"[Granted(c1) Further Settle(challenge)]", false},
		{"an answer the table forbids", Outcome{Step: EventNeedMethod}, SCAChallenge, "[]", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &paymentLike{scas: []SCA{{ConsentID: "c1", State: SCAChallenge}}}
			err := e.advance(context.Background(), p, tc.out)
			if (err != nil) != tc.fails || (err != nil && ErrorKind(err) != KindInternal) {
				t.Fatalf("err = %v, want an internal error: %v", err, tc.fails)
			}
			if got := fmt.Sprint(p.calls); got != tc.calls || p.CurrentSCA().State != tc.state {
				t.Fatalf("calls %s, state %s; want %s, %s", got, p.CurrentSCA().State, tc.calls, tc.state)
			}
		})
	}
}
