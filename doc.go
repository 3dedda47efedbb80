// Package zugang is the module root of Zugang, an open-source PSD2
// account-aggregation gateway wire-compatible with the BANKSapi
// BANKS/Connect API. It holds no code: the gateway is cmd/zugang, the domain
// is package aggregator, and this package's tests guard the dependency
// rules between the packages (see ARCHITECTURE.md, "Dependency rules, and
// why", and architecture_test.go).
package zugang
