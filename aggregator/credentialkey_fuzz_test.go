package aggregator

import (
	"regexp"
	"strings"
	"testing"
)

// refusalPart is all a refusal may say of one field: its name and what
// failed, never its value.
var refusalPart = regexp.MustCompile(`^(userid|pin): (missing|not Base64|cannot be decrypted with the gateway's key \(padding oaep-sha1\))$`)

// FuzzDecryptCredentials feeds the credentials map of an add request to
// Decrypt: a value may be a real ciphertext of the fuzzed plaintext or
// the fuzzed text itself. Decrypt never panics, a valid ciphertext comes
// back as its plaintext, and a refusal is BA1012 whose details never
// repeat a value.
func FuzzDecryptCredentials(f *testing.F) {
	priv, _ := testRSAKeys()
	for _, seed := range []struct {
		userid, pin string
		encrypt     bool
	}{
		{"demo1", "demo1", true}, {"max.geheim.4711", "Pin-Only-Here-9931", true}, {"", "", true},
		{"bm90IFJTQQ==", "AAAA", false}, {"not base64!", "", false}, {"QUJD\nREVG", "=", false},
		{strings.Repeat("A", 344), strings.Repeat("/", 4), false},
	} {
		f.Add(seed.userid, seed.pin, seed.encrypt)
	}
	f.Fuzz(func(t *testing.T, userid, pin string, encrypt bool) {
		k, err := NewCredentialKey(priv, nil, PaddingOAEPSHA1)
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]string{"userid": userid, "pin": pin}
		if encrypt {
			if ct, err := EncryptCredential(&priv.PublicKey, PaddingOAEPSHA1, userid); err == nil {
				in["userid"] = ct
			}
		}
		out, err := k.Decrypt(in, []string{"userid", "pin"})
		if err != nil {
			e := AsError(err)
			if e.Kind != KindInvalid || e.Code != CodeIncompleteCredentials {
				t.Fatalf("refusal %+v, want KindInvalid BA1012", e)
			}
			for _, part := range strings.Split(e.Details, "; ") {
				if !refusalPart.MatchString(part) {
					t.Fatalf("the refusal says more than which field failed how: %q", e.Details)
				}
			}
			return
		}
		if encrypt && in["userid"] != userid && out["userid"] != userid {
			t.Fatalf("round trip: got %q, want %q", out["userid"], userid)
		}
		if len(out) != 2 || out["userid"] == "" || out["pin"] == "" {
			t.Fatalf("accepted with a missing field: %q", out)
		}
	})
}
