// Package sca is the strong-customer-authentication (SCA) state machine:
// its states, events and transitions, and what a client is shown in each
// state (BANKSapi message code and text, next-step relations).
//
// # Design
//
// A bank access or payment needs zero or more SCAs; each is a consent-scoped
// process whose state lives on the stored record, never in this package. A
// use case loads the record, calls [Apply] with the stored state and one
// event, and stores the state it gets back (under the store's own
// concurrency control). Apply builds a throwaway github.com/looplab/fsm
// machine positioned at that state, fires the event and discards the
// machine: looplab keeps state only in memory, and a machine per call needs
// no locking and cannot go stale. The machines have no callbacks, so
// applying an event performs no I/O; talking to the bank and storing the
// outcome stay with the caller. Everything shared between calls is built
// once at start-up and only read afterwards, so all functions are safe for
// concurrent use.
//
// The transitions are one table (each event with the states it may fire in
// and the single state it leads to). The looplab events, [Allowed], [Apply]
// and [Diagram] are derived from it; each throwaway machine gets only the
// rows of the state it starts in, which makes building it cheap. looplab's AvailableTransitions is
// unordered; Allowed sorts it by name, and so do Apply's errors.
//
// The provider decides which step follows a client's submission: its answer
// becomes one of the need_* events, done or fail. A bank with a single
// method skips method selection; a method without media skips medium
// selection; a wrong TAN the bank lets the user retry is need_tan in
// challenge (a self-loop), and a poll while an app approval is still open
// is need_decoupled in decoupled (a self-loop). Only a redirect SCA can be
// cancelled (the seed permits cancel for that approach only). start is
// possible in every state: the first SCA, a restart after failure or
// cancel, and a renewal once a granted consent has expired (expire).
//
// # States
//
//	state             code    relations offered
//	required          BA3000  start_sca
//	method_selection  BA3010  set_method
//	medium_selection  BA3020  set_medium
//	challenge         BA3030  authenticate
//	decoupled         BA3030  authenticate_decoupled, authenticate
//	redirect          BA3005  redirect_url, cancel
//	finalised         —       none: the resource's own relations take over
//	failed            BA3040  start_sca (BA3060 when no supported method exists)
//
// # Transitions
//
// The diagram below is [Diagram]'s output (Mermaid); sca/diagram.mmd holds
// the same text. TestDiagramIsCurrent fails when either differs from the
// code; go generate (or go test -run TestDiagramIsCurrent -update) rewrites
// both.
//
//	stateDiagram-v2
//	    [*] --> required
//	    challenge --> finalised: done
//	    challenge --> failed: fail
//	    challenge --> challenge: need_tan
//	    challenge --> required: start
//	    decoupled --> finalised: done
//	    decoupled --> failed: fail
//	    decoupled --> decoupled: need_decoupled
//	    decoupled --> required: start
//	    failed --> required: start
//	    finalised --> required: expire
//	    finalised --> required: start
//	    medium_selection --> finalised: done
//	    medium_selection --> failed: fail
//	    medium_selection --> decoupled: need_decoupled
//	    medium_selection --> challenge: need_tan
//	    medium_selection --> required: start
//	    method_selection --> finalised: done
//	    method_selection --> failed: fail
//	    method_selection --> decoupled: need_decoupled
//	    method_selection --> medium_selection: need_medium
//	    method_selection --> redirect: need_redirect
//	    method_selection --> challenge: need_tan
//	    method_selection --> required: start
//	    redirect --> failed: cancel
//	    redirect --> finalised: done
//	    redirect --> failed: fail
//	    redirect --> required: start
//	    required --> finalised: done
//	    required --> failed: fail
//	    required --> decoupled: need_decoupled
//	    required --> medium_selection: need_medium
//	    required --> method_selection: need_method
//	    required --> redirect: need_redirect
//	    required --> challenge: need_tan
//	    required --> required: start
//
// An illegal event is a conflict (409, BA409) naming the event, the state
// and the events that are allowed there.
package sca

//go:generate go test -run TestDiagramIsCurrent -update
