package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zugang/zugang/aggregator"
)

// stateVersion changes when state's meaning does; an older state is then
// refused (KindConflict) and the user starts a new SCA.
const stateVersion = 1

// step is where the demo's SCA stands.
type step string

const (
	stepMethod    step = "method"
	stepMedium    step = "medium"
	stepTAN       step = "tan"
	stepDecoupled step = "decoupled"
	stepRedirect  step = "redirect"
	stepDone      step = "done"
	stepFailed    step = "failed"
)

// state is the demo bank's aggregator.ProviderState.
type state struct {
	Version    int       `json:"v"`
	Scenario   Scenario  `json:"scenario"`
	Login      string    `json:"login"`
	Step       step      `json:"step"`
	Method     int       `json:"method,omitempty"`
	Medium     string    `json:"medium,omitempty"`
	Polls      int       `json:"polls,omitempty"`
	Channel    int       `json:"channel,omitempty"` // 0: accounts; 1: the depot's SCA (two_channels)
	WrongTANs  int       `json:"wrongTans,omitempty"`
	Nonce      string    `json:"nonce"`               // per Connect: the photoTAN and the redirect's state parameter
	ValidUntil time.Time `json:"validUntil,omitzero"` // when done: the consent's end
}

// Method codes ("kodierung").
const (
	methodMockTAN  = 1
	methodPhotoTAN = 902
	methodPush     = 921
)

// Consent lifetimes.
const (
	consentDays     = 180
	expiringConsent = time.Minute
)

// pollsToApprove is the poll that finds the app approval: polls 1 and 2
// are still pending ("approves after two polls").
const pollsToApprove = 3

// maxWrongTANs is the wrong TAN that fails the SCA.
const maxWrongTANs = 3

// channels names the two_channels scenario's SCAs.
func channelName(st *state) string {
	if st.Scenario != ScenarioTwoChannels {
		return ""
	}
	return []string{"KONTEN", "DEPOTS"}[st.Channel]
}

func methods() []aggregator.SCAMethod {
	return []aggregator.SCAMethod{
		{Code: methodMockTAN, Name: "mockTAN", Hint: "Gib eine durch 2 teilbare Zahl ein"},
		{Code: methodPhotoTAN, Name: "mockPhotoTAN", Hint: "Scanne die Grafik; die TAN steht nach der Auswahl des Mediums im Hinweis"},
		{Code: methodPush, Name: "pushTAN", Hint: "Freigabe in der Demo-App"},
	}
}

func method(code int) (aggregator.SCAMethod, bool) {
	for _, m := range methods() {
		if m.Code == code {
			return m, true
		}
	}
	return aggregator.SCAMethod{}, false
}

// media are the TAN media the embedded methods offer, valid from a year
// ago for three years.
func (b *Bank) media() []aggregator.TANMedium {
	today := dayOf(b.now().In(berlin())).in(berlin())
	from, to := today.AddDate(-1, 0, 0), today.AddDate(3, 0, 0)
	return []aggregator.TANMedium{
		{Name: "Mobil", Class: "MOBIL", ValidFrom: from, ValidTo: to},
		{Name: "Generator", Class: "GENERATOR", ValidFrom: from, ValidTo: to},
	}
}

// nonce derives the per-Connect value behind the photoTAN and the redirect's
// state parameter. It is reproducible under a test clock; in the demo it
// protects nothing.
func nonce(accessID, userID string, now time.Time) string {
	sum := sha256.Sum256([]byte(accessID + "|" + userID + "|" + strconv.FormatInt(now.UnixNano(), 10)))
	return hex.EncodeToString(sum[:8])
}

func decodeState(op string, raw aggregator.ProviderState) (*state, error) {
	if len(raw) == 0 {
		return nil, &aggregator.Error{Kind: aggregator.KindConflict, Op: op, Message: "no SCA in progress",
			Details: "the demo bank has no state for this access; log in first"}
	}
	st := &state{}
	if err := json.Unmarshal(raw, st); err != nil {
		return nil, aggregator.Internal(op, fmt.Errorf("demo state: %w", err))
	}
	if st.Version != stateVersion {
		return nil, &aggregator.Error{Kind: aggregator.KindConflict, Op: op, Message: "SCA state is outdated",
			Details: "the SCA was started by another version of the demo bank; start a new SCA"}
	}
	return st, nil
}

// outcome attaches the marshalled state.
func outcome(op string, st *state, out aggregator.Outcome) (aggregator.Outcome, error) {
	raw, err := json.Marshal(st)
	if err != nil {
		return aggregator.Outcome{}, aggregator.Internal(op, err)
	}
	out.State = raw
	if out.Channel == "" {
		out.Channel = channelName(st)
	}
	return out, nil
}

// stepState decodes the state of a continuing SCA and checks its step.
func (b *Bank) stepState(ctx context.Context, op string, req aggregator.StepRequest, want ...step) (*state, error) {
	if err := b.wait(ctx, op); err != nil {
		return nil, err
	}
	st, err := decodeState(op, req.State)
	if err != nil {
		return nil, err
	}
	for _, w := range want {
		if st.Step == w {
			return st, nil
		}
	}
	return nil, &aggregator.Error{Kind: aggregator.KindConflict, Op: op, Message: "the SCA is not at this step",
		Details: "the demo bank's SCA is at step " + string(st.Step)}
}

func message(code aggregator.MessageCode, msg, details string) aggregator.Message {
	return aggregator.Message{Level: code.Level(), Code: code, Message: msg, Details: details}
}

// done grants the consent.
func (b *Bank) done(op string, st *state, now time.Time) (aggregator.Outcome, error) {
	until := now.AddDate(0, 0, consentDays)
	if st.Scenario == ScenarioExpiring {
		until = now.Add(expiringConsent)
	}
	if st.ValidUntil.IsZero() || until.Before(st.ValidUntil) {
		st.ValidUntil = until // with two SCAs the data is readable while both consents last
	}
	st.Step = stepDone
	return outcome(op, st, aggregator.Outcome{Step: aggregator.EventDone, ConsentValidUntil: until})
}

func (b *Bank) fail(op string, st *state, msg aggregator.Message) (aggregator.Outcome, error) {
	st.Step = stepFailed
	return outcome(op, st, aggregator.Outcome{Step: aggregator.EventFail, Messages: []aggregator.Message{msg}})
}

// needTAN is the embedded challenge of the chosen method.
func (b *Bank) needTAN(op string, st *state, msgs []aggregator.Message) (aggregator.Outcome, error) {
	out := aggregator.Outcome{Step: aggregator.EventNeedTAN, Messages: msgs}
	switch st.Method {
	case methodPhotoTAN:
		answer, png, err := photoTAN(st.Nonce)
		if err != nil {
			return aggregator.Outcome{}, aggregator.Internal(op, err)
		}
		out.ActiveMethod = &aggregator.SCAMethod{Code: methodPhotoTAN, Name: "mockPhotoTAN", Hint: "Die TAN lautet " + answer}
		out.Challenge = &aggregator.Challenge{Name: "Mock-photoTAN-Verfahren",
			Instructions: "Scanne die Grafik mit deiner Demo-App und gib die angezeigte TAN ein.", Photo: png}
	default:
		m, _ := method(methodMockTAN)
		out.ActiveMethod = &m
		out.Challenge = &aggregator.Challenge{Name: "Mock-TAN-Verfahren", Instructions: "Gib eine durch 2 teilbare Zahl ein"}
	}
	return outcome(op, st, out)
}

// needDecoupled asks for the app approval.
func (b *Bank) needDecoupled(st *state) aggregator.Outcome {
	m, _ := method(methodPush)
	return aggregator.Outcome{Step: aggregator.EventNeedDecoupled, ActiveMethod: &m,
		Challenge: &aggregator.Challenge{Name: "Entkoppelte Authentifizierung",
			Instructions: "Bitte bestätigen Sie den Vorgang in Ihrer Demo-App.", Decoupled: true}}
}

// redirectURL is the demo bank's page for a redirect SCA, served by the
// gateway: token is the gateway's RedirectToken (how it finds the consent
// again), state the SCA's nonce (echoed back and checked).
func (b *Bank) redirectURL(token, state string) string {
	q := url.Values{"state": {state}}
	if token != "" {
		q.Set("token", token)
	}
	return b.baseURL + "/demo-bank/authorize?" + q.Encode()
}

// SelectMethod takes the chosen method: mockTAN and mockPhotoTAN go on to
// medium selection, pushTAN to app approval.
func (b *Bank) SelectMethod(ctx context.Context, req aggregator.StepRequest, code int) (aggregator.Outcome, error) {
	const op = "demo.SelectMethod"
	st, err := b.stepState(ctx, op, req, stepMethod)
	if err != nil {
		return aggregator.Outcome{}, err
	}
	m, ok := method(code)
	if !ok {
		return aggregator.Outcome{}, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Code: aggregator.CodeInvalidTANProcedure,
			Message: "Ungültiges TAN-Verfahren", Details: fmt.Sprintf("Das TAN-Verfahren %d wird nicht angeboten (1, 902 oder 921).", code)}
	}
	st.Method = code
	if code == methodPush {
		st.Step = stepDecoupled
		return outcome(op, st, b.needDecoupled(st))
	}
	st.Step = stepMedium
	return outcome(op, st, aggregator.Outcome{Step: aggregator.EventNeedMedium, ActiveMethod: &m, Media: b.media()})
}

// SelectMedium takes the chosen TAN medium and shows the challenge.
func (b *Bank) SelectMedium(ctx context.Context, req aggregator.StepRequest, medium string) (aggregator.Outcome, error) {
	const op = "demo.SelectMedium"
	st, err := b.stepState(ctx, op, req, stepMedium)
	if err != nil {
		return aggregator.Outcome{}, err
	}
	for _, m := range b.media() {
		if strings.EqualFold(strings.TrimSpace(medium), m.Name) {
			st.Step, st.Medium = stepTAN, m.Name
			return b.needTAN(op, st, nil)
		}
	}
	return aggregator.Outcome{}, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Code: aggregator.CodeInvalidTANMedium,
		Message: "Ungültiges TAN-Medium", Details: "Das TAN-Medium " + strconv.Quote(short(medium)) + " gibt es nicht (Mobil oder Generator)."}
}

// Authenticate checks a TAN. On a decoupled step any submission (the seed's
// empty confirmation) counts as a poll.
func (b *Bank) Authenticate(ctx context.Context, req aggregator.StepRequest, tan string) (aggregator.Outcome, error) {
	const op = "demo.Authenticate"
	st, err := b.stepState(ctx, op, req, stepTAN, stepDecoupled)
	if err != nil {
		return aggregator.Outcome{}, err
	}
	if st.Step == stepDecoupled {
		return b.poll(op, st)
	}
	if !tanCorrect(st, tan) {
		st.WrongTANs++
		if st.WrongTANs >= maxWrongTANs {
			return b.fail(op, st, message(aggregator.CodeSCAFailed, "SCA fehlgeschlagen",
				"Die TAN wurde dreimal falsch eingegeben. Bitte starten Sie eine neue SCA."))
		}
		left := maxWrongTANs - st.WrongTANs
		details := fmt.Sprintf("Die TAN ist nicht korrekt. Noch %d Versuche.", left)
		if left == 1 {
			details = "Die TAN ist nicht korrekt. Noch ein Versuch."
		}
		return b.needTAN(op, st, []aggregator.Message{message(aggregator.CodeTANInvalid, "TAN ungültig", details)})
	}
	now := b.now()
	if st.Scenario == ScenarioTwoChannels && st.Channel == 0 {
		// The accounts are granted; the depot needs its own SCA.
		until := now.AddDate(0, 0, consentDays)
		st.Channel, st.Step, st.Method, st.Polls, st.WrongTANs, st.ValidUntil = 1, stepDecoupled, methodPush, 0, 0, until
		out := b.needDecoupled(st)
		out.NewSCA, out.ConsentValidUntil = true, until
		return outcome(op, st, out)
	}
	return b.done(op, st, now)
}

// tanCorrect: mockTAN takes any even decimal number, mockPhotoTAN the
// number shown in the hint.
func tanCorrect(st *state, tan string) bool {
	tan = strings.TrimSpace(tan)
	if st.Method == methodPhotoTAN {
		answer, _, err := photoTAN(st.Nonce)
		return err == nil && tan == answer
	}
	return allDigits(tan) && (tan[len(tan)-1]-'0')%2 == 0
}

// Poll asks whether the user approved in the app; the third poll finds the
// approval.
func (b *Bank) Poll(ctx context.Context, req aggregator.StepRequest) (aggregator.Outcome, error) {
	const op = "demo.Poll"
	st, err := b.stepState(ctx, op, req, stepDecoupled)
	if err != nil {
		return aggregator.Outcome{}, err
	}
	return b.poll(op, st)
}

func (b *Bank) poll(op string, st *state) (aggregator.Outcome, error) {
	st.Polls++
	if st.Polls >= pollsToApprove {
		return b.done(op, st, b.now())
	}
	return outcome(op, st, b.needDecoupled(st))
}

// CompleteRedirect takes what the demo bank's page returned: result
// "approved" or "denied", and the state parameter of the redirect URL
// (checked when present).
func (b *Bank) CompleteRedirect(ctx context.Context, req aggregator.StepRequest, result url.Values) (aggregator.Outcome, error) {
	const op = "demo.CompleteRedirect"
	st, err := b.stepState(ctx, op, req, stepRedirect)
	if err != nil {
		return aggregator.Outcome{}, err
	}
	if s := result.Get("state"); s != "" && s != st.Nonce {
		return aggregator.Outcome{}, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Code: aggregator.CodeSCAFailed,
			Message: "SCA fehlgeschlagen", Details: "Der state-Parameter passt nicht zu dieser Redirect-SCA."}
	}
	switch result.Get("result") {
	case "approved":
		return b.done(op, st, b.now())
	case "denied":
		return b.fail(op, st, message(aggregator.CodeSCAFailed, "SCA fehlgeschlagen", "Redirect-SCA wurde abgelehnt"))
	}
	return aggregator.Outcome{}, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op,
		Message: "invalid redirect result", Details: `result must be "approved" or "denied"`}
}

// short trims what a client sent before it is quoted in a message.
func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
