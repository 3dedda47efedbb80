package aggregator

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
)

func newTestSealer(t *testing.T) *Sealer {
	t.Helper()
	key := make([]byte, SealKeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSealerKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		key := bytes.Repeat([]byte{0xAB}, n)
		_, err := NewSealer(key)
		if err == nil {
			t.Errorf("%d-byte key accepted", n)
			continue
		}
		if strings.Contains(strings.ToLower(err.Error()), "abab") {
			t.Errorf("error reveals the key: %v", err)
		}
	}
}

func TestSealerRoundTrip(t *testing.T) {
	s := newTestSealer(t)
	aad := []byte("demo|user-1|access-1")
	for _, pt := range [][]byte{nil, {}, []byte("x"), []byte("provider state: consent 42"), bytes.Repeat([]byte{0}, 4096)} {
		sealed, err := s.Seal(pt, aad)
		if err != nil {
			t.Fatal(err)
		}
		if sealed[0] != 0x01 || len(sealed) != 1+12+len(pt)+16 {
			t.Errorf("sealed blob: version %#x, length %d for %d bytes", sealed[0], len(sealed), len(pt))
		}
		got, err := s.Open(sealed, aad)
		if err != nil || !bytes.Equal(got, pt) {
			t.Errorf("Open = %q, %v; want %q", got, err, pt)
		}
	}
}

func TestSealerRejects(t *testing.T) {
	s := newTestSealer(t)
	aad := []byte("demo|user-1|access-1")
	pt := []byte("PLAINTEXT-SECRET-VALUE")
	sealed, err := s.Seal(pt, aad)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	tests := []struct {
		name   string
		sealer *Sealer
		blob   []byte
		aad    []byte
	}{
		{"flipped version", s, flip(0), aad},
		{"flipped nonce", s, flip(5), aad},
		{"flipped ciphertext", s, flip(1 + 12 + 3), aad},
		{"flipped tag", s, flip(len(sealed) - 1), aad},
		{"truncated", s, sealed[:len(sealed)-1], aad},
		{"too short", s, sealed[:20], aad},
		{"empty", s, nil, aad},
		{"appended byte", s, append(bytes.Clone(sealed), 0), aad},
		{"other aad", s, sealed, []byte("demo|user-2|access-1")},
		{"no aad", s, sealed, nil},
		{"aad with the version byte moved", s, sealed, append([]byte{0x01}, aad...)},
		{"wrong key", newTestSealer(t), sealed, aad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.sealer.Open(tt.blob, tt.aad)
			if err == nil {
				t.Fatalf("opened: %q", got)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindInternal {
				t.Errorf("error %#v is not KindInternal", err)
			}
			if strings.Contains(err.Error(), string(pt)) || e.AsMessage().Message != "internal error" {
				t.Errorf("error says too much: %v", err)
			}
		})
	}
}

func TestSealerNonceUnique(t *testing.T) {
	s := newTestSealer(t)
	seen := map[string]bool{}
	for range 1000 {
		sealed, err := s.Seal([]byte("same"), []byte("same"))
		if err != nil {
			t.Fatal(err)
		}
		nonce := string(sealed[1:13])
		if seen[nonce] {
			t.Fatal("nonce repeated")
		}
		seen[nonce] = true
	}
}

func TestSealCredentials(t *testing.T) {
	s := newTestSealer(t)
	aad := []byte("demo|user-1|access-1")
	c := Credentials{"userid": "USERID-SECRET", "pin": "PIN-SECRET-4711"}
	sealed, err := s.SealCredentials(c, aad)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"USERID-SECRET", "PIN-SECRET", "userid", "pin"} {
		if bytes.Contains(sealed, []byte(v)) {
			t.Errorf("sealed blob contains %q", v)
		}
	}
	got, err := s.OpenCredentials(sealed, aad)
	if err != nil || len(got) != 2 || got["userid"] != c["userid"] || got["pin"] != c["pin"] {
		t.Errorf("OpenCredentials: %d fields, %v", len(got), err)
	}
	if _, err := s.OpenCredentials(sealed, []byte("demo|user-1|access-2")); err == nil {
		t.Error("credentials opened under another record's aad")
	}
	if _, err := newTestSealer(t).OpenCredentials(sealed, aad); err == nil {
		t.Error("credentials opened with another key")
	}

	// A blob that opens but is no JSON object.
	notJSON, _ := s.Seal([]byte("PIN-SECRET-4711"), aad)
	_, err = s.OpenCredentials(notJSON, aad)
	if err == nil || strings.Contains(err.Error(), "PIN-SECRET") {
		t.Errorf("err = %v", err)
	}
}
