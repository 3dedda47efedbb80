package demo

import "testing"

func TestMakeGermanIBAN(t *testing.T) {
	tests := []struct {
		blz, account, want string
	}{
		{"37040044", "0532013000", "DE89370400440532013000"}, // the well-known example IBAN
		{"37040044", "532013000", "DE89370400440532013000"},  // account numbers are left-padded
		{"12345678", "1234567890", "DE87123456781234567890"}, // expected values computed independently
		{"50010517", "5407324931", "DE44500105175407324931"},
	}
	for _, tt := range tests {
		got, err := makeGermanIBAN(tt.blz, tt.account)
		if err != nil || got != tt.want {
			t.Errorf("makeGermanIBAN(%s, %s) = %s, %v; want %s", tt.blz, tt.account, got, err, tt.want)
		}
		if !ibanCheck(got) {
			t.Errorf("ibanCheck(%s) = false", got)
		}
	}
	for _, bad := range [][2]string{{"1234567", "1"}, {"1234567X", "1"}, {"12345678", ""}, {"12345678", "12345678901"}, {"12345678", "12-4"}} {
		if iban, err := makeGermanIBAN(bad[0], bad[1]); err == nil {
			t.Errorf("makeGermanIBAN(%q, %q) = %s, want an error", bad[0], bad[1], iban)
		}
	}
}

func TestIBANCheck(t *testing.T) {
	tests := []struct {
		iban string
		ok   bool
	}{
		{"DE89370400440532013000", true},
		{"GB82WEST12345698765432", true}, // letters in the BBAN
		{"NL91ABNA0417164300", true},
		{"DE88370400440532013000", false}, // wrong check digits
		{"DE89370400440532013001", false}, // one digit changed
		{"DE8937040044053201300", false},  // too short for Germany
		{"DE89 3704 0044 0532 0130 00", false},
		{"de89370400440532013000", false},
		{"DE89370400440532O13000", false}, // letter O in a German BBAN
		{"", false},
	}
	for _, tt := range tests {
		if got := ibanCheck(tt.iban); got != tt.ok {
			t.Errorf("ibanCheck(%q) = %v, want %v", tt.iban, got, tt.ok)
		}
	}
}

func TestISINCheck(t *testing.T) {
	tests := []struct {
		isin string
		ok   bool
	}{
		{"US0378331005", true}, // Apple
		{"IE00B4L5Y983", true}, // iShares Core MSCI World
		{"DE0007164600", true}, // SAP
		{"DE000BASF111", true}, // BASF
		{"AU0000XVGZA3", true},
		{"US0378331004", false},
		{"IE00B4L5Y984", false},
		{"DE000716460", false},
		{"de0007164600", false},
		{"DE000716460X", false},
	}
	for _, tt := range tests {
		if got := isinCheck(tt.isin); got != tt.ok {
			t.Errorf("isinCheck(%q) = %v, want %v", tt.isin, got, tt.ok)
		}
	}
}
