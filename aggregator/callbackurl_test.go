package aggregator

import (
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// testPrefixes are a client's allowed callback URLs in the tests: the dev
// setup's two hosts without port, and one prefix per other rule.
var testPrefixes = []string{
	"http://127.0.0.1",
	"http://localhost",
	"https://app.example.com/cb",
	"http://[::1]",
	"https://pinned.example:8443",
	"http://port80.example:80",
	"https://xn--mnchen-3ya.example",
	"https://slash.example/cb/",
}

type callbackCase struct {
	name string
	url  string
	ok   bool
	msg  string // a part of the error message (ok false)
}

// callbackCases is the hostile corpus and what must keep working, judged
// against testPrefixes.
var callbackCases = []callbackCase{
	// accepted
	{"allowed host", "http://127.0.0.1/back", true, ""},
	{"allowed host without path", "http://127.0.0.1", true, ""},
	{"any port under a prefix without port", "http://127.0.0.1:54321/back?x=1", true, ""},
	{"localhost with port", "http://localhost:3000/back?order=7", true, ""},
	{"upper-case scheme and host", "HTTP://LOCALHOST:3000/Back", true, ""},
	{"query and fragment", "http://localhost/r?z=1&a=2#frag", true, ""},
	{"at sign in the query", "http://localhost/r?mail=a@b.example", true, ""},
	{"at sign in the fragment", "http://127.0.0.1#@evil.example", true, ""},
	{"path prefix itself", "https://app.example.com/cb", true, ""},
	{"below the path prefix", "https://app.example.com/cb/done", true, ""},
	{"query right after the path prefix", "https://app.example.com/cb?q=1", true, ""},
	{"fragment right after the path prefix", "https://app.example.com/cb#x", true, ""},
	{"explicit default port", "https://app.example.com:443/cb", true, ""},
	{"IPv6 loopback", "http://[::1]:8080/back", true, ""},
	{"IPv6 loopback written long", "http://[0:0:0:0:0:0:0:1]/back", true, ""},
	{"pinned port", "https://pinned.example:8443/x", true, ""},
	{"port 80 prefix, port omitted", "http://port80.example/x", true, ""},
	{"port 80 prefix, port written", "http://port80.example:80/x", true, ""},
	{"punycode host as configured", "https://xn--mnchen-3ya.example/back", true, ""},
	{"punycode host upper case", "https://XN--MNCHEN-3YA.example/back", true, ""},
	{"prefix with trailing slash", "https://slash.example/cb/x", true, ""},
	{"encoded characters in the path", "http://localhost/a%20b/%C3%BC", true, ""},
	{"dots inside a segment", "http://localhost/a..b/.well-known/x.y", true, ""},

	// user info and at signs
	{"user info with port (the finding)", "http://127.0.0.1:1@evil.example/", false, "user info"},
	{"user info", "http://127.0.0.1@evil.example", false, "user info"},
	{"user and password", "http://user:pw@localhost/x", false, "user info"},
	{"empty user info", "http://@localhost/x", false, "user info"},
	{"two at signs", "http://a@127.0.0.1@evil.example/", false, "user info"},
	{"at sign before a colon", "http://localhost:@evil.example", false, "user info"},
	{"fragment trick the other way", "http://evil.example#@127.0.0.1", false, "allowed"},
	{"query trick", "http://evil.example?@127.0.0.1/", false, "allowed"},
	{"backslash before the at sign", `http://127.0.0.1\@evil.example`, false, "backslash"},
	{"encoded at sign", "http://127.0.0.1%40evil.example/", false, "percent-encoding"},
	{"encoded slash in the authority", "http://127.0.0.1%2f@evil.example/", false, "user info"},
	{"encoded slash, no at sign", "http://127.0.0.1%2fevil.example/", false, "percent-encoding"},
	{"encoded backslash in the authority", "http://127.0.0.1%5cevil.example/", false, "percent-encoding"},
	{"encoded dot in the host", "http://127.0.0.1%2eevil.example/", false, "percent-encoding"},

	// look-alike hosts
	{"allowed host as a subdomain", "http://127.0.0.1.evil.example/", false, "allowed"},
	{"localhost as a subdomain", "http://localhost.evil.example/x", false, "allowed"},
	{"allowed host as a suffix", "http://evillocalhost/x", false, "allowed"},
	{"other site", "https://evil.example/x", false, "allowed"},
	{"IDN look-alike, Unicode", "https://münchen.example/back", false, "non-ASCII"},
	{"fullwidth host", "http://ｌocalhost/x", false, "non-ASCII"},
	{"ideographic full stops", "http://127。0。0。1/", false, "non-ASCII"},
	{"punycode of another name", "https://xn--mnchen-2ya.example/back", false, "allowed"},
	{"capital I for l", "http://locaIhost/x", false, "allowed"},
	{"short IPv4", "http://127.1/", false, "host"},
	{"IPv4 as one number", "http://2130706433/", false, "host"},
	{"hexadecimal IPv4", "http://0x7f.0.0.1/", false, "host"},
	{"IPv4 with leading zeros", "http://127.000.000.001/", false, "host"},
	{"trailing dot", "http://localhost./x", false, "host"},
	{"trailing dot on an IPv4", "http://127.0.0.1./x", false, "host"},
	{"empty label", "http://local..host/x", false, "host"},
	{"sub-delimiters in the host", "http://localhost;script-src*/x", false, "host"},

	// IPv6
	{"IPv6 of another host", "http://[::2]/x", false, "allowed"},
	{"IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]/x", false, "allowed"},
	{"IPv4 in brackets", "http://[127.0.0.1]/x", false, "host"},
	{"IPv6 zone", "http://[fe80::1%25eth0]/x", false, "percent-encoding"},
	{"IPv6 without closing bracket", "http://[::1/x", false, "host"},
	{"IPv6 without brackets", "http://::1/x", false, "host"},
	{"text after the bracket", "http://[::1]x/", false, "host"},

	// ports
	{"empty port", "http://127.0.0.1:/back", false, "port"},
	{"port zero", "http://127.0.0.1:0/back", false, "port"},
	{"port too large", "http://127.0.0.1:65536/back", false, "port"},
	{"port with leading zero", "http://127.0.0.1:080/back", false, "port"},
	{"port not a number", "http://127.0.0.1:8o/back", false, "port"},
	{"signed port", "http://127.0.0.1:+80/back", false, "port"},
	{"other port than pinned", "https://pinned.example:8444/x", false, "allowed"},
	{"default port under a pinned one", "https://pinned.example/x", false, "allowed"},
	{"port 8080 under a port 80 prefix", "http://port80.example:8080/x", false, "allowed"},

	// schemes and shapes
	{"https where http is allowed", "https://127.0.0.1/back", false, "allowed"},
	{"http where https is allowed", "http://app.example.com/cb", false, "allowed"},
	{"javascript", "javascript:alert(1)", false, "absolute"},
	{"javascript disguised", "javascript://localhost/%0aalert(1)", false, "absolute"},
	{"data", "data:text/html,<script>alert(1)</script>", false, "absolute"},
	{"file", "file:///etc/passwd", false, "absolute"},
	{"ftp", "ftp://localhost/x", false, "absolute"},
	{"scheme-relative", "//evil.example", false, "absolute"},
	{"backslashes", `\\evil.example`, false, "backslash"},
	{"http with backslashes", `http:\\evil.example`, false, "backslash"},
	{"backslash after the host", `http://localhost\.evil.example/`, false, "backslash"},
	{"opaque", "http:localhost/x", false, "absolute"},
	{"one slash", "http:/localhost/x", false, "absolute"},
	{"three slashes", "http:///evil.example/", false, "absolute"},
	{"missing host with port", "http://:80/x", false, "absolute"},
	{"relative path", "/relative", false, "absolute"},
	{"relative name", "localhost/x", false, "absolute"},
	{"empty", "", false, "absolute"},
	{"leading space", " http://localhost/x", false, "spaces"},
	{"space in the host", "http://local host/x", false, "spaces"},
	{"tab before the at sign", "http://127.0.0.1\t@evil.example", false, "spaces"},
	{"newline in the path", "http://localhost/x\nLocation: https://evil.example", false, "spaces"},
	{"carriage return", "http://localhost/x\r", false, "spaces"},
	{"NUL", "http://localhost\x00.evil.example/", false, "spaces"},
	{"DEL", "http://localhost/\x7f", false, "spaces"},
	{"too long", "http://localhost/" + strings.Repeat("a", MaxCallbackURLLength), false, "longer"},
	{"invalid percent-encoding", "http://localhost/%zz", false, "absolute"},

	// paths
	{"path prefix without boundary", "https://app.example.com/cbx", false, "allowed"},
	{"other path", "https://app.example.com/other", false, "allowed"},
	{"host alone under a path prefix", "https://app.example.com", false, "allowed"},
	{"prefix with slash, path without", "https://slash.example/cb", false, "allowed"},
	{"path case", "https://app.example.com/CB/x", false, "allowed"},
	{"dot-dot segment", "https://app.example.com/cb/../admin", false, "dot segments"},
	{"dot segment", "http://localhost/./x", false, "dot segments"},
	{"trailing dot-dot", "https://app.example.com/cb/..", false, "dot segments"},
	{"encoded dot-dot", "https://app.example.com/cb/%2e%2e/admin", false, "dot segments"},
	{"half-encoded dot-dot", "https://app.example.com/cb/.%2E/admin", false, "dot segments"},
	{"encoded slash in the path", "https://app.example.com/cb%2f..%2fadmin", false, "encoded slashes"},
	{"encoded backslash in the path", "https://app.example.com/cb/%5C..%5Cadmin", false, "encoded slashes"},
}

func TestCheckCallbackURL(t *testing.T) {
	if len(callbackCases) < 35 {
		t.Fatalf("the corpus has only %d cases", len(callbackCases))
	}
	for _, tc := range callbackCases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckCallbackURL(tc.url, testPrefixes)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckCallbackURL(%q) = %v, want ok=%v", tc.url, err, tc.ok)
			}
			if err == nil {
				return
			}
			e, isError := err.(*Error)
			if !isError || e.Kind != KindInvalid || !strings.HasPrefix(e.Message, "callbackUrl ") || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("error %#v, want KindInvalid with %q", err, tc.msg)
			}
			if tc.url != "" && strings.Contains(e.Error(), tc.url) {
				t.Errorf("the error repeats the URL: %v", err)
			}
		})
	}
}

// TestCheckCallbackURLWithoutPrefixes: a client without prefixes may use
// any host, but the structural rules still hold.
func TestCheckCallbackURLWithoutPrefixes(t *testing.T) {
	cases := []struct {
		url string
		ok  bool
	}{
		{"https://anywhere.example/back", true},
		{"http://10.0.0.7:8080/x?y#z", true},
		{"http://127.0.0.1:1@evil.example/", false},
		{"http://evil.example/%2e%2e/x", false},
		{"javascript:alert(1)", false},
		{"https://evil.example:/x", false},
		{"https://evil.example./x", false},
	}
	for _, tc := range cases {
		if err := CheckCallbackURL(tc.url, nil); (err == nil) != tc.ok {
			t.Errorf("CheckCallbackURL(%q, nil) = %v, want ok=%v", tc.url, err, tc.ok)
		}
	}
}

func TestCheckCallbackPrefix(t *testing.T) {
	cases := []struct {
		prefix, problem string
	}{
		{"http://127.0.0.1", ""},
		{"http://localhost:3000", ""},
		{"https://app.example.com/cb/", ""},
		{"http://[::1]:8080", ""},
		{"localhost", "must be an absolute http(s) URL"},
		{"//app.example.com", "must be an absolute http(s) URL"},
		{"https://u:p@a.example", "must not contain user info"},
		{"https://a.example/cb?x=1", "must not have a query or fragment"},
		{"https://a.example/cb?", "must not have a query or fragment"},
		{"https://a.example#f", "must not have a query or fragment"},
		{"https://a.example.", "has an invalid host"},
		{"https://a.example:", "has an invalid port"},
		{"https://a.example/x/../y", "must not contain dot segments in its path"},
		{"https://ä.example", "must not contain spaces, control or non-ASCII characters"},
		{"ftp://a.example", "must be an absolute http(s) URL"},
	}
	for _, tc := range cases {
		if got := CheckCallbackPrefix(tc.prefix); got != tc.problem {
			t.Errorf("CheckCallbackPrefix(%q) = %q, want %q", tc.prefix, got, tc.problem)
		}
	}
	// A malformed prefix matches nothing, not even what it starts like.
	if err := CheckCallbackURL("https://a.example/cb", []string{"https://a.example/cb?x=1", "https://u@a.example"}); err == nil {
		t.Error("a malformed prefix admitted a callback")
	}
}

// fuzzExtraPrefixes are added to the fuzzed prefix, so the invariant is
// checked against prefixes of every shape.
var fuzzExtraPrefixes = testPrefixes

// FuzzCheckCallbackURL checks the invariant of an accepted callback: net/url
// reads it the same way (http or https, no user info, no backslash, no
// "@" in the host) and its host is one of an allowed prefix's hosts.
func FuzzCheckCallbackURL(f *testing.F) {
	for _, tc := range callbackCases {
		f.Add(tc.url, "http://127.0.0.1")
	}
	f.Add("http://localhost:3000/back", "http://localhost:3000/")
	f.Add("https://[::1]/x", "https://[0::1]/")
	f.Fuzz(func(t *testing.T, raw, prefix string) {
		prefixes := append([]string{prefix}, fuzzExtraPrefixes...)
		if CheckCallbackURL(raw, prefixes) != nil {
			return
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("accepted %q, which net/url refuses: %v", raw, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.User != nil || u.Opaque != "" ||
			strings.ContainsAny(raw, "\\ \t\r\n") || strings.ContainsAny(u.Host, "@%") {
			t.Fatalf("accepted %q: scheme %q, user %v, host %q", raw, u.Scheme, u.User, u.Host)
		}
		if CheckCallbackURL(raw, nil) != nil {
			t.Fatalf("accepted %q under prefixes but not without", raw)
		}
		host := canonicalForCompare(u.Hostname())
		for _, p := range prefixes {
			if pu, err := url.Parse(p); err == nil && CheckCallbackPrefix(p) == "" && pu.Scheme == u.Scheme &&
				canonicalForCompare(pu.Hostname()) == host {
				return
			}
		}
		t.Fatalf("accepted %q, whose host %q is no allowed prefix's", raw, host)
	})
}

// canonicalForCompare lower-cases a host name and writes an IP address in
// its canonical form.
func canonicalForCompare(h string) string {
	if a, err := netip.ParseAddr(h); err == nil {
		return a.String()
	}
	return strings.ToLower(h)
}
