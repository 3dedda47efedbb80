// Package regprotect is REG/Protect's hosted web form: the pages where the
// end user of a client without a payment licence picks the bank, logs in,
// passes the SCA and confirms the accounts, behind the API's HTTP 451.
//
// The rules live in aggregator.WebForms (sessions, use cases, baReentry);
// this package parses the form posts, calls one use case and renders
// html/template pages from embedded files. cmd/zugang mounts Handler under
// BasePath on the API's engine.
//
// # Flow
//
//	POST /customer/v2/bankzugaenge (REG/Protect client)
//	    → 451, Location: {base}/customer/v2/webform?session=<uuid>&useCase=CREATE_ACCOUNT
//	GET  {Location}&callbackUrl=<url-encoded>   opens the session once, sets its cookie, 303 →
//	GET  /customer/v2/webform/<session>         the current step (also where a bank's redirect returns)
//	POST /customer/v2/webform/<session>         one action (field "action"), 303 → the next step
//	...  303 → callbackUrl with its own query kept and baReentry=FINISHED (or another result)
//
// Steps: terms (once per user; declining ends with LEGAL_NOT_ACCEPTED),
// bank search and choice (skipped when the client named providerId),
// credentials built from the provider's login fields, the SCA steps of
// package sca (method, medium, TAN with challenge text and photoTAN image,
// a waiting page for app approval, the bank's own page), account
// confirmation (new accesses only), and the return. Cancel on any step
// ends with USER_CANCELLED; the third wrong login with INVALID_CREDENTIALS,
// the third wrong TAN with INVALID_TAN, a bank that is down with
// BACKEND_ERROR, a bank without accounts with NO_ACCOUNTS. A new access
// that never got a consent is removed when the session ends otherwise than
// FINISHED, so the client's UUID stays free.
//
// # Decisions
//
//   - No JavaScript at all: plain forms, redirect after every successful
//     post (a post with a problem the user can fix answers 422 with the
//     page and the problem next to the field), and a meta refresh every 5 s
//     on the waiting page; each refresh asks the bank (as the API's GET on
//     a decoupled consent does).
//   - A session URL opens once: the first open claims the session in Redis
//     (SET NX) and binds it to the browser with a random secret in an
//     HttpOnly, SameSite=Lax cookie scoped to the session's path; Redis
//     keeps only the secret's SHA-256, and the session id itself is stored
//     only as a digest. A second open, another browser, an expired or ended
//     session get an error page and change nothing. Lax, not Strict, so the
//     cookie comes back with the top-level return from a bank's page.
//   - The CSRF token of every form is HMAC-SHA256(cookie secret, session
//     id): nothing more to store, and a site that cannot read the cookie
//     cannot forge it.
//   - callbackUrl is required and must pass aggregator.CheckCallbackURL
//     under the client's allowed prefixes: parsed, never compared as a
//     string (no user info, so http://localhost:1@evil.example is refused;
//     the prefix http://localhost does not admit
//     http://localhost.evil.example). A bad one gets an error page; the
//     form never redirects there, and the callback is checked again before
//     the final redirect.
//   - Every response: Content-Security-Policy default-src 'none' with only
//     the form's own stylesheet and images, form-action 'self' plus the
//     callback's origin (browsers check the redirect that follows the last
//     post), frame-ancestors 'none'; Cache-Control: no-store; nosniff; no
//     referrer. No third-party asset.
//   - Language: German unless the browser prefers English (Accept-Language),
//     switchable on every page (?lang=en|de, kept in the session).
//   - Typed credentials go from the post straight to the same use case as
//     the API's (sealed with AES-GCM before they are stored); a secret field
//     is never written back into a page, and no credential reaches a log,
//     a redirect or an error.
//   - Sessions live webForm.sessionTTL (default 15 min) and belong to the
//     user whose token caused the 451; DELETE /customer/v2/regprotect/sessions
//     ends all of them.
//   - Session ids are UUIDs and are taken in lower case, as issued, so any
//     spelling of the 451's link opens the session.
//   - Error pages answer the status of the error's kind from aggregator's
//     one table (Kind.HTTPStatus), the same the API answers: a bank that
//     is down is 503, one too slow 504. This package only picks the page's
//     text for a kind (problemKey), never a status of its own.
//   - A post is read up to Options.FormBodyBytes (limits.formBodyBytes,
//     64 KiB by default) and no further; a longer one gets a 413 page and
//     changes nothing.
package regprotect
