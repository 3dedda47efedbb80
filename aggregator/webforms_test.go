package aggregator

import "testing"

func TestWithReentryKeepsTheCallersQuery(t *testing.T) {
	cases := []struct{ callback, want string }{
		{"http://localhost:3000/back", "http://localhost:3000/back?baReentry=FINISHED"},
		{"http://localhost:3000/back?order=7&b=x%20y", "http://localhost:3000/back?order=7&b=x%20y&baReentry=FINISHED"},
		{"https://app.example.com/r?z=1&a=2#frag", "https://app.example.com/r?z=1&a=2&baReentry=FINISHED#frag"},
	}
	for _, tc := range cases {
		if got := withReentry(tc.callback, ReentryFinished); got != tc.want {
			t.Errorf("withReentry(%q) = %q, want %q", tc.callback, got, tc.want)
		}
	}
}

func TestCheckFormCallback(t *testing.T) {
	prefixes := []string{"http://localhost", "https://app.example.com/cb/"}
	cases := []struct {
		callback string
		ok       bool
	}{
		{"http://localhost:3000/back", true},
		{"http://localhost/back?x=1", true},
		{"https://app.example.com/cb/done", true},
		{"", false},
		{"/relative", false},
		{"javascript:alert(1)", false},
		{"http://localhost.evil.example/x", false},
		{"http://user:pw@localhost/x", false},
		{"https://app.example.com/other", false},
		{"ftp://localhost/x", false},
		{"http://localhost:1@evil.example/", false},
		{"http://localhost:/x", false},
		{"https://app.example.com/cb/../x", false},
		{"https://app.example.com/cb", false},
		{"HTTP://LOCALHOST:3000/back", true},
	}
	for _, tc := range cases {
		if err := checkFormCallback("t", tc.callback, prefixes); (err == nil) != tc.ok {
			t.Errorf("checkFormCallback(%q) = %v, want ok=%v", tc.callback, err, tc.ok)
		}
	}
	if err := checkFormCallback("t", "http://localhost/x", nil); err == nil {
		t.Error("a client without prefixes must not use the form")
	}
}
