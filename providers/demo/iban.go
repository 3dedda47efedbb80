package demo

import (
	"fmt"
	"strings"
)

// mod97 returns the ISO 7064 MOD 97-10 remainder of s read as the number
// IBANs use: digits as they are, letters A…Z as 10…35. ok is false for any
// other character.
func mod97(s string) (r int, ok bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case 'A' <= c && c <= 'Z':
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return 0, false
		}
	}
	return r, true
}

// ibanCheck reports whether iban is a well-formed IBAN (no spaces) whose
// ISO 13616 check digits are right; German IBANs must have 22 characters.
func ibanCheck(iban string) bool {
	if len(iban) < 15 || len(iban) > 34 {
		return false
	}
	if !isUpper(iban[0]) || !isUpper(iban[1]) || !isDigit(iban[2]) || !isDigit(iban[3]) {
		return false
	}
	if iban[:2] == "DE" && (len(iban) != 22 || !allDigits(iban[2:])) {
		return false
	}
	r, ok := mod97(iban[4:] + iban[:4])
	return ok && r == 1
}

// makeGermanIBAN builds the German IBAN of an account: the bank code (BLZ,
// 8 digits) and the account number (up to 10 digits, left-padded with
// zeros), with the check digits computed by ISO 13616.
func makeGermanIBAN(blz, account string) (string, error) {
	if len(blz) != 8 || !allDigits(blz) {
		return "", fmt.Errorf("bank code %q: want 8 digits", blz)
	}
	if account == "" || len(account) > 10 || !allDigits(account) {
		return "", fmt.Errorf("account number %q: want 1 to 10 digits", account)
	}
	bban := blz + strings.Repeat("0", 10-len(account)) + account
	r, _ := mod97(bban + "DE00")
	return fmt.Sprintf("DE%02d%s", 98-r, bban), nil
}

// mustGermanIBAN is makeGermanIBAN for the generator's own well-formed
// inputs (constant bank codes, generated account numbers).
func mustGermanIBAN(blz, account string) string {
	iban, err := makeGermanIBAN(blz, account)
	if err != nil {
		panic("demo: " + err.Error())
	}
	return iban
}

// isinCheck reports whether isin is a well-formed ISIN (country code, nine
// alphanumerics, check digit) whose check digit is right: letters become
// 10…35, and the Luhn algorithm runs over the resulting digits.
func isinCheck(isin string) bool {
	if len(isin) != 12 || !isUpper(isin[0]) || !isUpper(isin[1]) || !isDigit(isin[11]) {
		return false
	}
	var digits []byte
	for i := 0; i < 11; i++ {
		switch c := isin[i]; {
		case isDigit(c):
			digits = append(digits, c-'0')
		case isUpper(c):
			v := c - 'A' + 10
			digits = append(digits, v/10, v%10)
		default:
			return false
		}
	}
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i])
		if (len(digits)-1-i)%2 == 0 { // the rightmost digit and every second one before it
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return int(isin[11]-'0') == (10-sum%10)%10
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
