package sca

import "github.com/zugang/zugang/aggregator"

// Machine is this package's functions as an aggregator.SCAMachine, the
// value cmd/zugang hands to the use cases.
type Machine struct{}

var _ aggregator.SCAMachine = Machine{}

// Apply is Apply.
func (Machine) Apply(from aggregator.SCAState, ev aggregator.SCAEvent) (aggregator.SCAState, error) {
	return Apply(from, ev)
}

// Message is Message.
func (Machine) Message(s aggregator.SCAState) (aggregator.Message, bool) { return Message(s) }

// Relations is Relations.
func (Machine) Relations(s aggregator.SCAState) []aggregator.Rel { return Relations(s) }
