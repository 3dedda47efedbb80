// Package sca is the strong-customer-authentication state machine
// (looplab/fsm): states, events, message codes and next-step relations of a
// consent, rebuilt per call from the stored state.
//
// Status: the machine arrives with bank accesses (issue #3); the package
// exists now so the dependency rules cover it from the start.
package sca
