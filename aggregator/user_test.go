package aggregator

import "testing"

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		pw, want string
	}{
		{"demo-pass-2024", ""},
		{"ab12345678", ""},
		{"abcdefgh.,", ""},
		{"short1!", "password must be at least 10 characters long"},
		{"1234567890", "password must contain at least 2 letters"},
		{"a123456789", "password must contain at least 2 letters"},
		{"abcdefghijk", "password must contain at least 2 special characters (digits or characters such as ,.-;:_&%$)"},
		{"abcdefghij1", "password must contain at least 2 special characters (digits or characters such as ,.-;:_&%$)"},
		{"äöüßäöüß12", ""}, // letters are Unicode letters, length counts runes
		{"ab" + string(make([]byte, 80)), "password must not be longer than 72 bytes"},
	}
	for _, tt := range tests {
		if got := CheckPassword(tt.pw); got != tt.want {
			t.Errorf("CheckPassword(%q) = %q, want %q", tt.pw, got, tt.want)
		}
	}
}

func TestCheckUsername(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"demo-user", true}, {"user@example.com", true}, {"", false}, {"a b", false}, {"tab\tname", false},
	}
	for _, tt := range tests {
		if got := CheckUsername(tt.name) == ""; got != tt.ok {
			t.Errorf("CheckUsername(%q) ok = %v, want %v", tt.name, got, tt.ok)
		}
	}
}
