package sca

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/looplab/fsm"

	"github.com/zugang/zugang/aggregator"
)

// rule is one event of the machine: the states it may fire in and the state
// it leads to. Every event has exactly one target, whatever the source.
type rule struct {
	event aggregator.SCAEvent
	from  []aggregator.SCAState
	to    aggregator.SCAState
}

// pending are the states in which an SCA is under way and the provider's
// answer decides what comes next.
var pending = []aggregator.SCAState{
	aggregator.SCARequired, aggregator.SCAMethodSelection, aggregator.SCAMediumSelection,
	aggregator.SCAChallenge, aggregator.SCADecoupled, aggregator.SCARedirect,
}

// table is THE transition table. The looplab events, Allowed, Apply and
// Diagram are all derived from it; nothing else says which move is legal.
var table = []rule{
	// A new process, a restart after failure or cancel, a renewal after expiry.
	{aggregator.EventStart, States(), aggregator.SCARequired},
	// The provider's answers. A bank with one method skips method selection,
	// a method without media skips medium selection.
	{aggregator.EventNeedMethod, []aggregator.SCAState{aggregator.SCARequired}, aggregator.SCAMethodSelection},
	{aggregator.EventNeedMedium, []aggregator.SCAState{aggregator.SCARequired, aggregator.SCAMethodSelection}, aggregator.SCAMediumSelection},
	// Self-loop on challenge: a wrong TAN the bank lets the user retry.
	{aggregator.EventNeedTAN, []aggregator.SCAState{aggregator.SCARequired, aggregator.SCAMethodSelection, aggregator.SCAMediumSelection, aggregator.SCAChallenge}, aggregator.SCAChallenge},
	// Self-loop on decoupled: a poll while the app approval is still open.
	{aggregator.EventNeedDecoupled, []aggregator.SCAState{aggregator.SCARequired, aggregator.SCAMethodSelection, aggregator.SCAMediumSelection, aggregator.SCADecoupled}, aggregator.SCADecoupled},
	{aggregator.EventNeedRedirect, []aggregator.SCAState{aggregator.SCARequired, aggregator.SCAMethodSelection}, aggregator.SCARedirect},
	{aggregator.EventDone, pending, aggregator.SCAFinalised},
	{aggregator.EventFail, pending, aggregator.SCAFailed},
	// The seed permits cancel for the redirect approach only.
	{aggregator.EventCancel, []aggregator.SCAState{aggregator.SCARedirect}, aggregator.SCAFailed},
	{aggregator.EventExpire, []aggregator.SCAState{aggregator.SCAFinalised}, aggregator.SCARequired},
}

// fsmEvents holds, for every state, the looplab events of table that can
// fire in it. A throwaway machine only needs the rows of the state it
// starts in, which keeps building it cheap; the answers are the same as
// with the whole table. Built once and read-only afterwards, so sharing it
// between goroutines is safe (fsm.NewFSM only reads the events it is given).
var fsmEvents = buildEvents()

func buildEvents() map[aggregator.SCAState]fsm.Events {
	m := make(map[aggregator.SCAState]fsm.Events)
	for _, s := range States() {
		m[s] = fsm.Events{}
	}
	for _, r := range table {
		for _, s := range r.from {
			m[s] = append(m[s], fsm.EventDesc{Name: string(r.event), Src: []string{string(s)}, Dst: string(r.to)})
		}
	}
	return m
}

// known reports whether s is a state of the machine.
func known(s aggregator.SCAState) bool {
	_, ok := fsmEvents[s]
	return ok
}

// States lists every SCA state in a fixed order: the order of a typical run
// (required, method_selection, medium_selection, challenge, decoupled,
// redirect) followed by the two outcomes (finalised, failed). The slice is
// the caller's own.
func States() []aggregator.SCAState {
	return []aggregator.SCAState{
		aggregator.SCARequired, aggregator.SCAMethodSelection, aggregator.SCAMediumSelection,
		aggregator.SCAChallenge, aggregator.SCADecoupled, aggregator.SCARedirect,
		aggregator.SCAFinalised, aggregator.SCAFailed,
	}
}

// Events lists every SCA event in a fixed order: start, the provider's
// answers (need_method, need_medium, need_tan, need_decoupled,
// need_redirect, done, fail), then cancel and expire. The slice is the
// caller's own.
func Events() []aggregator.SCAEvent {
	return []aggregator.SCAEvent{
		aggregator.EventStart, aggregator.EventNeedMethod, aggregator.EventNeedMedium,
		aggregator.EventNeedTAN, aggregator.EventNeedDecoupled, aggregator.EventNeedRedirect,
		aggregator.EventDone, aggregator.EventFail, aggregator.EventCancel, aggregator.EventExpire,
	}
}

// machine is the throwaway looplab FSM for one call, positioned at from.
// It has no callbacks: applying an event does nothing but move the state.
func machine(from aggregator.SCAState) *fsm.FSM {
	return fsm.NewFSM(string(from), fsmEvents[from], nil)
}

// available is m's possible events, sorted (looplab returns them in map order).
func available(m *fsm.FSM) []aggregator.SCAEvent {
	names := m.AvailableTransitions()
	evs := make([]aggregator.SCAEvent, len(names))
	for i, n := range names {
		evs[i] = aggregator.SCAEvent(n)
	}
	slices.Sort(evs)
	return evs
}

// Allowed lists the events possible in state from, sorted by name. An
// unknown state allows nothing (nil). The slice is the caller's own.
func Allowed(from aggregator.SCAState) []aggregator.SCAEvent {
	if !known(from) {
		return nil
	}
	return available(machine(from))
}

// Apply validates ev against from and returns the next state. It is pure:
// the caller loads from off the stored record and stores the result.
//
// Errors:
//   - KindConflict (BA409) when ev is not possible in from, including an
//     unknown event: Message "<event> is not possible while the SCA is in
//     state <from>", Details "allowed: <events sorted by name>".
//   - KindInternal when from is not a state of the machine: stored data is
//     corrupt, which is not the client's fault.
func Apply(from aggregator.SCAState, ev aggregator.SCAEvent) (aggregator.SCAState, error) {
	const op = "sca.Apply"
	if !known(from) {
		return "", aggregator.Internal(op, fmt.Errorf("unknown SCA state %q", from))
	}
	m := machine(from)
	err := m.Event(context.Background(), string(ev))
	var same fsm.NoTransitionError
	switch {
	case err == nil:
	case errors.As(err, &same) && same.Err == nil:
		// A self-loop (need_tan in challenge, need_decoupled in decoupled):
		// legal, the state stays.
	case errors.As(err, new(fsm.InvalidEventError)), errors.As(err, new(fsm.UnknownEventError)):
		var names []string
		for _, e := range available(m) {
			names = append(names, string(e))
		}
		return "", &aggregator.Error{
			Kind:    aggregator.KindConflict,
			Op:      op,
			Message: fmt.Sprintf("%s is not possible while the SCA is in state %s", ev, from),
			Details: "allowed: " + strings.Join(names, ", "),
		}
	default:
		// Unreachable without callbacks; kept so a library change cannot
		// turn into a silent wrong state.
		return "", aggregator.Internal(op, err)
	}
	return aggregator.SCAState(m.Current()), nil
}

// Diagram renders the transition table as a Mermaid stateDiagram-v2: the
// header, the entry "[*] --> required", then one "from --> to: event" line
// per transition, sorted by source state and then by event name, each line
// indented by four spaces and ending in a newline. The output is
// deterministic; sca/diagram.mmd holds it and a test keeps the two equal.
func Diagram() string {
	type edge struct{ from, to, event string }
	var edges []edge
	for _, r := range table {
		for _, s := range r.from {
			edges = append(edges, edge{string(s), string(r.to), string(r.event)})
		}
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := strings.Compare(a.from, b.from); c != 0 {
			return c
		}
		return strings.Compare(a.event, b.event)
	})
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	fmt.Fprintf(&b, "    [*] --> %s\n", aggregator.SCARequired)
	for _, e := range edges {
		fmt.Fprintf(&b, "    %s --> %s: %s\n", e.from, e.to, e.event)
	}
	return b.String()
}
