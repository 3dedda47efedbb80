// Package providers is the registry of provider adapters (ARCHITECTURE.md,
// "Layers and packages").
//
// Every adapter package registers a factory under its adapter type from
// init(), for example
//
//	func init() { providers.Register("demo", New) }
//
// and the gateway builds one adapter per catalogue entry with New, passing
// the entry (whose `adapter:` names the type), its public base URL, its
// clock and the adapter's own settings from configuration. Package
// providers/all imports every adapter for that side effect; cmd/zugang
// imports it once.
//
// The registry is the package's only state: a map guarded by a mutex, so
// registration and lookup are safe from any goroutine. Registering an empty
// type, a nil factory or a type twice panics, since each is a programming
// error that must surface at start-up.
package providers
