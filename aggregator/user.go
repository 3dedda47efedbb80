package aggregator

import (
	"time"
	"unicode"
	"unicode/utf8"
)

// User is a technical user of a tenant: the bracket around one person's
// bank accesses. ID is a random UUID and the only reference used in URLs.
type User struct {
	ID           string
	Tenant       string
	Username     string
	PasswordHash string // bcrypt; the password itself is never kept
	Firstname    string
	Lastname     string
	Active       bool
	Roles        []string // role names granted through any client of the tenant
	Created      time.Time
}

// NewUser is the input of user creation and reactivation (BANKSapi's
// CreateUser body).
type NewUser struct {
	Username  string `json:"username"`
	Password  string `json:"password"`
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
}

// Password policy of the seed: at least 10 characters, of which at least
// two letters and at least two "special" characters (digits or anything
// that is not a letter).
const (
	PasswordMinLength  = 10
	PasswordMinLetters = 2
	PasswordMinSpecial = 2
	usernameMaxLength  = 128
)

// CheckPassword returns a client-safe description of the first rule the
// password breaks, or "" if it satisfies the policy.
func CheckPassword(pw string) string {
	if utf8.RuneCountInString(pw) < PasswordMinLength {
		return "password must be at least 10 characters long"
	}
	var letters, special int
	for _, r := range pw {
		if unicode.IsLetter(r) {
			letters++
		} else {
			special++
		}
	}
	if letters < PasswordMinLetters {
		return "password must contain at least 2 letters"
	}
	if special < PasswordMinSpecial {
		return "password must contain at least 2 special characters (digits or characters such as ,.-;:_&%$)"
	}
	if len(pw) > 72 { // bcrypt reads no further; refuse rather than silently truncate
		return "password must not be longer than 72 bytes"
	}
	return ""
}

// CheckUsername returns a client-safe description of the rule a username
// breaks, or "" if it is valid.
func CheckUsername(name string) string {
	switch {
	case name == "":
		return "username is required"
	case utf8.RuneCountInString(name) > usernameMaxLength:
		return "username must not be longer than 128 characters"
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return "username must not contain spaces or control characters"
		}
	}
	return ""
}
