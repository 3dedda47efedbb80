// Package providers is the registry of provider adapters: each adapter
// registers a factory under its type name from init(), and the catalogue
// entries of configs name the type that serves them.
//
// Status: the registry arrives with the first adapter, the demo bank
// (issue #3); the package exists now so the dependency rules cover it.
package providers
