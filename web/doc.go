// Package web is Zugang's HTTP face: the gin engine, its middleware, the
// handlers of the Auth, Management and Providers APIs, error rendering and
// link building.
//
// Handlers parse, call one service method of package aggregator and render;
// no business rule lives here. Every handler returns an error, and one
// renderer turns an *aggregator.Error into a status (the table in
// render.go) and a body {"messages":[{level,code,message,details}]}. On the
// OAuth2 endpoints the body also carries RFC 6749's "error" and
// "error_description", so generic OAuth2 clients understand it too.
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
package web
