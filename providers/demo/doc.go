// Package demo is the deterministic in-process demo bank behind the
// provider 00000000-0000-0000-0000-000000000000 ("Demo Provider").
//
// Status: arrives with issue #3; the package exists now so the dependency
// rules cover it from the start.
package demo
