// Package aggregator is Zugang's domain: the types every other package speaks
// (tenants, clients, users, tokens, providers, messages, relations), the
// contracts of the services and stores that implement them, and the use cases
// that combine them (authentication, user management, the provider catalogue).
//
// Dependency rule: aggregator imports only the standard library, zap and small
// helpers (google/uuid, x/crypto). It never imports gin, go-redis,
// looplab/fsm, resty or a sibling package; everything else points at it.
//
// Bank accesses, by seam: accesses.go adds them (Accesses, AccessService),
// accessfetch.go fetches and stores what the bank returned, accessreads.go
// reads them, accessrefresh.go is what the background refresh (sync.go,
// with its policy and queue in syncplan.go) asks of them, consents.go holds
// the consent use cases and consentengine.go the engine that moves an SCA
// (one table of submissions, every state write through the SCA machine's
// transition table) of any ConsentSubject; accesssubject.go makes a bank
// access one (what a granted consent does for it, how it is stored, its
// provider session, opened once per call); consentview.go is the Consent
// resource. RegProtectGate wraps Accesses for clients without a
// licence; WebForms (webforms.go, webformsteps.go) drives the inner
// Accesses for the hosted form. Nothing calls back into what wraps or
// drives it: the wiring is a tree (cmd/zugang tests it).
//
// Abuse: Limits bound what one request or user can cause (accesses per
// add and per user, users per tenant); RateLimits counts every
// authenticated request against its client's and user's RateRule through a
// shared RateLimiter; LoginThrottle locks a (source, account) pair after
// repeated wrong passwords or client secrets, never a whole account.
// CheckCallbackURL is the one check of every redirect target.
//
// Relations: every HATEOAS relation is a Rel constant defined once in
// relation.go, the SCA's next steps included (package sca decides only when
// each applies). RelationsOn lists what each resource can carry, so that
// web can be tested to build an href for every relation the domain emits.
//
// Errors: every use case returns *Error values whose Kind decides the HTTP
// status in exactly one table (Kind.HTTPStatus, here because web and
// regprotect must answer alike and share only this package) and whose Code
// is a BANKSapi message code. A REG/Protect refusal is one more kind
// (KindLegal, 451) with the session in Error.WebForm, not a special path. The seed's codes (BA999, BA1011, BA3010, …) are used where
// the seed defines a meaning. Failures of the HTTP exchange itself, for which
// the seed defines no code, use codes named after the status they travel
// with (BA400 bad request, BA401, BA403, BA404, BA405, BA409, BA413 body too
// large, BA415 wrong content type, BA429
// rate limited or login throttled). They never
// collide with the seed's four-digit codes.
//
// Time: wire timestamps are "YYYY-MM-DD hh:mm:ss" in Europe/Berlin (see
// Timestamp); use cases take their clock as a func() time.Time so tests
// never sleep.
package aggregator
