package aggregator

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// MaxCallbackURLLength bounds a callbackUrl (it is stored with the access
// or web-form session and sent back in a Location header).
const MaxCallbackURLLength = 2048

// CheckCallbackURL decides whether raw may be used as a callback: a URL
// the gateway sends a user's browser to (the callbackUrl of the API's add
// and consent calls, the web form's callbackUrl, the return from a bank's
// redirect page). It parses raw and compares parsed parts; it never
// compares strings by prefix. Errors are KindInvalid with a message that
// names the broken rule and never repeats the URL.
//
// Structural rules, applied to every callback:
//
//   - at most MaxCallbackURLLength characters, all printable ASCII: no
//     space, tab, newline or other control character and no non-ASCII
//     character anywhere (RFC 3986 URIs are ASCII; paths and queries must
//     be percent-encoded, and a Unicode host, an IDN look-alike, never
//     matches);
//   - no backslash anywhere (browsers read it as a slash);
//   - scheme http or https (any case), followed by "//" and a host: no
//     relative, scheme-relative ("//host"), opaque ("http:host") or other
//     URLs (javascript:, data:, file:, ftp:, …);
//   - no user info: the authority (between "//" and the first "/", "?" or
//     "#") contains no "@", and no "%" (so no encoded "/", "\" or "@" and
//     no IPv6 zone);
//   - the host is an IPv6 literal in brackets ("[::1]", compared in its
//     canonical form), a dotted-quad IPv4 address in canonical form, or a
//     name of ASCII letters, digits, "-" and "_" in dot-separated labels
//     of at most 63 characters. A name whose last label is numeric (or
//     hexadecimal "0x…") must be a canonical IPv4 address, so "127.1" or
//     "0x7f.0.0.1" never stand in for 127.0.0.1. Empty labels are
//     refused: a trailing dot ("localhost.") is rejected, never
//     normalised, in callbacks and prefixes alike. Punycode names
//     ("xn--…") are plain ASCII names and match only themselves. Hosts
//     compare case-insensitively;
//   - a port, if present, is 1 to 65535 in decimal without leading zero;
//     "host:" with an empty port is refused. Without one, the scheme's
//     default applies (http 80, https 443);
//   - the path holds no dot segment ("." or "..", also as %2e) and no
//     encoded slash or backslash (%2f, %5c); query and fragment are free.
//
// Allowed prefixes: with none (a client that configured no
// callbackUrlPrefixes) every callback that passes the structural rules is
// accepted; callers that require prefixes (the web form) check for an
// empty list themselves. Otherwise the callback must match one prefix,
// each a well-formed URL by the same rules and without query or fragment
// (CheckCallbackPrefix; a malformed prefix matches nothing):
//
//   - the same scheme;
//   - the same host;
//   - a prefix without port admits any port of that host (local apps
//     listen on random ports); a prefix with a port admits only that port,
//     default ports counting as written ("http://h:80" admits "http://h/");
//   - the prefix's path is a prefix of the callback's path at a segment
//     boundary: "/cb" admits "/cb", "/cb/x" and "/cb?q", not "/cbx"; a
//     prefix path ending in "/" admits what continues it; an empty path
//     or "/" admits every path. Paths compare as written, case-sensitively.
func CheckCallbackURL(raw string, allowedPrefixes []string) error {
	const op = "aggregator.CheckCallbackURL"
	cb, problem := parseCallbackURL(raw)
	if problem != "" {
		return invalidf(op, "callbackUrl %s", problem)
	}
	if len(allowedPrefixes) == 0 {
		return nil
	}
	for _, p := range allowedPrefixes {
		if pre, problem := parseCallbackPrefix(p); problem == "" && pre.admits(cb) {
			return nil
		}
	}
	return invalidf(op, "callbackUrl is not among the client's allowed callback URLs")
}

// CheckCallbackPrefix returns the rule an allowed callback-URL prefix
// breaks, as a phrase such as "must not contain user info", or "" if it
// is valid. A prefix follows CheckCallbackURL's structural rules and has
// no query and no fragment.
func CheckCallbackPrefix(raw string) string {
	_, problem := parseCallbackPrefix(raw)
	return problem
}

// callbackURL is a callback or prefix that passed the structural rules.
type callbackURL struct {
	scheme  string // "http" or "https"
	host    string // lower case; IPv6 in brackets, canonical
	port    int    // as written, or the scheme's default
	hasPort bool
	path    string // as written, percent-encoding kept; "" when absent
	hasTail bool   // a "?" or "#" follows the path
}

// The rules a callback breaks, completing "callbackUrl …".
const (
	problemAbsolute   = "must be an absolute http(s) URL"
	problemLength     = "must not be longer than 2048 characters"
	problemCharacters = "must not contain spaces, control or non-ASCII characters"
	problemBackslash  = "must not contain backslashes"
	problemUserInfo   = "must not contain user info"
	problemPercent    = "must not contain percent-encoding in its host"
	problemHost       = "has an invalid host"
	problemPort       = "has an invalid port"
	problemDots       = "must not contain dot segments in its path"
	problemSlashes    = "must not contain encoded slashes in its path"
	problemPrefixTail = "must not have a query or fragment"
)

// parseCallbackPrefix parses an allowed prefix: a callback without query
// or fragment.
func parseCallbackPrefix(raw string) (callbackURL, string) {
	p, problem := parseCallbackURL(raw)
	if problem == "" && p.hasTail {
		return callbackURL{}, problemPrefixTail
	}
	return p, problem
}

// parseCallbackURL applies the structural rules of CheckCallbackURL and
// returns the parts, or the rule raw breaks.
func parseCallbackURL(raw string) (callbackURL, string) {
	switch {
	case raw == "":
		return callbackURL{}, problemAbsolute
	case len(raw) > MaxCallbackURLLength:
		return callbackURL{}, problemLength
	}
	for i := 0; i < len(raw); i++ {
		switch b := raw[i]; {
		case b <= ' ' || b >= 0x7f:
			return callbackURL{}, problemCharacters
		case b == '\\':
			return callbackURL{}, problemBackslash
		}
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "http" && scheme != "https") {
		return callbackURL{}, problemAbsolute
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	switch {
	case strings.Contains(authority, "@"):
		return callbackURL{}, problemUserInfo
	case strings.Contains(authority, "%"):
		return callbackURL{}, problemPercent
	}
	cb := callbackURL{scheme: scheme}
	hostPart, portPart, problem := splitAuthority(authority)
	if problem != "" {
		return callbackURL{}, problem
	}
	if cb.host, problem = canonicalHost(hostPart); problem != "" {
		return callbackURL{}, problem
	}
	cb.port = 80
	if scheme == "https" {
		cb.port = 443
	}
	if portPart != nil {
		if cb.port, ok = parsePort(*portPart); !ok {
			return callbackURL{}, problemPort
		}
		cb.hasPort = true
	}
	pathEnd := strings.IndexAny(tail, "?#")
	if pathEnd < 0 {
		pathEnd = len(tail)
	}
	cb.path, cb.hasTail = tail[:pathEnd], pathEnd < len(tail)
	if problem := checkCallbackPath(cb.path); problem != "" {
		return callbackURL{}, problem
	}
	// What the rest of the gateway (and the fuzz test) sees through
	// net/url must be what was checked here.
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != scheme || u.Opaque != "" || u.User != nil || !strings.EqualFold(u.Host, authority) {
		return callbackURL{}, problemAbsolute
	}
	return cb, ""
}

// splitAuthority splits host and port; port is nil when absent.
func splitAuthority(authority string) (host string, port *string, problem string) {
	if authority == "" {
		return "", nil, problemAbsolute
	}
	if authority[0] == '[' {
		end := strings.IndexByte(authority, ']')
		if end < 0 {
			return "", nil, problemHost
		}
		host, rest := authority[:end+1], authority[end+1:]
		switch {
		case rest == "":
			return host, nil, ""
		case rest[0] == ':':
			p := rest[1:]
			return host, &p, ""
		}
		return "", nil, problemHost
	}
	if strings.Count(authority, ":") > 1 {
		return "", nil, problemHost
	}
	host, p, ok := strings.Cut(authority, ":")
	if host == "" {
		return "", nil, problemAbsolute
	}
	if !ok {
		return host, nil, ""
	}
	return host, &p, ""
}

// canonicalHost checks a host and returns it in the form hosts compare in.
func canonicalHost(host string) (string, string) {
	if strings.HasPrefix(host, "[") {
		addr, err := netip.ParseAddr(host[1 : len(host)-1])
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return "", problemHost
		}
		return "[" + addr.String() + "]", ""
	}
	host = strings.ToLower(host)
	if len(host) > 253 {
		return "", problemHost
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.IndexFunc(l, notHostByte) >= 0 {
			return "", problemHost
		}
	}
	if last := labels[len(labels)-1]; isNumericLabel(last) {
		addr, err := netip.ParseAddr(host)
		if err != nil || !addr.Is4() || addr.String() != host {
			return "", problemHost
		}
	}
	return host, ""
}

func notHostByte(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
}

// isNumericLabel reports whether a browser would read the host as an IPv4
// address because of this last label: decimal digits or "0x" and hex.
func isNumericLabel(l string) bool {
	if h, ok := strings.CutPrefix(l, "0x"); ok {
		return strings.Trim(h, "0123456789abcdef") == ""
	}
	return strings.Trim(l, "0123456789") == ""
}

// parsePort accepts 1 to 65535 in decimal without leading zero.
func parsePort(s string) (int, bool) {
	if s == "" || len(s) > 5 || s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= 65535
}

// checkCallbackPath refuses dot segments and encoded slashes.
func checkCallbackPath(path string) string {
	for _, seg := range strings.Split(path, "/") {
		seg = strings.ToLower(seg)
		if strings.Contains(seg, "%2f") || strings.Contains(seg, "%5c") {
			return problemSlashes
		}
		if d := strings.ReplaceAll(seg, "%2e", "."); d == "." || d == ".." {
			return problemDots
		}
	}
	return ""
}

// admits reports whether the callback cb is under the prefix p.
func (p callbackURL) admits(cb callbackURL) bool {
	if cb.scheme != p.scheme || cb.host != p.host || p.hasPort && cb.port != p.port {
		return false
	}
	if p.path == "" || p.path == "/" {
		return true
	}
	path := cb.path
	if path == "" {
		path = "/"
	}
	rest, ok := strings.CutPrefix(path, p.path)
	return ok && (rest == "" || rest[0] == '/' || strings.HasSuffix(p.path, "/"))
}
