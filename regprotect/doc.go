// Package regprotect is REG/Protect: one-time web-form sessions behind HTTP
// 451 for tenants without a licence, and their server-rendered pages.
//
// Status: arrives with issue #4; the package exists now so the dependency
// rules cover it from the start.
package regprotect
