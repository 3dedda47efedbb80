// Package web is Zugang's HTTP face: the gin engine, its middleware, the
// handlers of the Auth, Management and Providers APIs, error rendering and
// link building.
//
// Handlers parse, call one service method of package aggregator and render;
// no business rule lives here. Every handler returns an error, and one
// renderer (renderError) turns an *aggregator.Error into the status of its
// kind (aggregator's one table, Kind.HTTPStatus, shared with the web form)
// and a body {"messages":[{level,code,message,details}]}. On the OAuth2
// endpoints the body also carries RFC 6749's "error" and
// "error_description", so generic OAuth2 clients understand it too. The
// REG/Protect refusal is a kind like the others (KindLegal): the same
// renderer answers 451 with the web form's Location, built here from the
// session the error names, and no body, as the seed shows it.
//
// Relations: the domain decides which relations a resource carries
// (aggregator.ProviderRelations, CustomerRelations, View, ProductRelations);
// links.go turns each into its href with one exhaustive switch per
// resource and no default. A relation a switch does not name is a
// programming error: it is logged and left out, never given a guessed
// href, and TestEveryRelationHasAnHref fails for every relation of
// aggregator.RelationsOn that web cannot build.
//
// Decisions where the seed is silent:
//   - A trailing slash is accepted on every route (stripped before routing).
//   - Path values may carry a percent-encoded slash (client ids such as
//     "tenant/app" are sent as "tenant%2Fapp").
//   - JSON is written in one write, without HTML escaping (as Java servers
//     send it), and absent values are omitted.
//   - The request log carries method, route, status, latency and the
//     correlation id, never a query string or a header: tokens travel in
//     both.
//   - Provider logos are public (browsers load them in <img> without a
//     token); everything else under /providers needs provider/read.
//   - Ids that are UUIDs (bank accesses, consents, users, providers) are
//     lower-cased where they enter: the path parameters (ids.go) and the
//     keys and providerId of a CreateBankAccess body, where two keys equal
//     but for case are a duplicate (400). Product and transaction ids are
//     the bank's and stay as sent.
//   - Request bodies (decode.go): a JSON route reads one JSON value, and
//     nothing but whitespace may follow it (400). A body with content must
//     be declared as application/json (any parameters) or
//     application/*+json, else 415; an empty body needs no Content-Type,
//     since clients send bodiless POSTs with any or none. Form routes
//     (OAuth2, the demo bank's page) want application/x-www-form-urlencoded
//     (415) and keep RFC 6749's error fields. Bodies beyond Limits answer
//     413: a declared length at once, an undeclared one as soon as reading
//     passes the limit, so no more than the limit is ever held.
//   - Every answer carries X-Content-Type-Options: nosniff and
//     Referrer-Policy: no-referrer; answers under /customer/v2,
//     /auth/mgmt and /auth/oauth2 (bank data, user data, tokens)
//     Cache-Control: no-store (headers.go). The catalogue keeps its own
//     caching: logos are public for a day, the rest sets none.
//   - A 401 names the scheme the route wants: Bearer on bearer routes and
//     /metrics, Basic on the OAuth2 endpoints (their errors carry an
//     RFC 6749 code, which is how render.go tells them apart).
//   - /metrics is open unless Options.MetricsToken is set: then it wants
//     that bearer token, compared in constant time over SHA-256 digests so
//     not even its length leaks. With Options.MetricsElsewhere the route
//     is left off and the caller serves MetricsHandler on its own listener.
//   - Every authenticated request (and every token request, against its
//     client) passes Options.RateLimits (ratelimit.go) before its scope is
//     checked. The answer carries X-RateLimit-Limit (the binding rule's
//     burst), X-RateLimit-Remaining and X-RateLimit-Reset (seconds until the
//     burst is whole), spelled so on the wire; beyond it 429 with
//     Retry-After in whole seconds, rounded up.
//   - The client address (login throttle, logs) is the TCP peer, or what
//     X-Forwarded-For says when the peer is one of Options.TrustedProxies.
package web
