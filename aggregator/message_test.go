package aggregator

import (
	"errors"
	"testing"
	"time"
)

func TestMessageCodeLevel(t *testing.T) {
	tests := []struct {
		code MessageCode
		want Level
	}{
		{CodeInternal, LevelError}, {CodeWrongCredentials, LevelError}, {CodeSCARequired, LevelInfo},
		{CodeSCASelectMethod, LevelInfo}, {CodeSCAFailed, LevelError}, {CodeTANRequired, LevelInfo},
		{CodeBadRequest, LevelError}, {CodeNotFound, LevelError},
	}
	for _, tt := range tests {
		if got := tt.code.Level(); got != tt.want {
			t.Errorf("%s.Level() = %s, want %s", tt.code, got, tt.want)
		}
	}
}

func TestErrorDefaultsAndCause(t *testing.T) {
	cause := errors.New("dial tcp: refused")
	tests := []struct {
		err  *Error
		code MessageCode
	}{
		{Errorf(KindInvalid, "op", "bad %s", "x"), CodeBadRequest},
		{NotFound("op", "user"), CodeNotFound},
		{Internal("op", cause), CodeInternal},
		{&Error{Kind: KindInvalid, Code: CodeIncompleteCredentials}, CodeIncompleteCredentials},
	}
	for _, tt := range tests {
		if got := tt.err.AsMessage().Code; got != tt.code {
			t.Errorf("%v: code %s, want %s", tt.err, got, tt.code)
		}
	}
	e := Internal("store.Get", cause)
	if !errors.Is(e, cause) || e.AsMessage().Message != "internal error" {
		t.Errorf("Internal must wrap the cause and hide it from the message: %+v", e.AsMessage())
	}
	if ErrorKind(cause) != KindInternal || AsError(cause).Kind != KindInternal {
		t.Error("foreign errors must be internal")
	}
}

func TestTimestampIsBerlin(t *testing.T) {
	tests := []struct {
		utc  time.Time
		want string
	}{
		{time.Date(2021, 10, 15, 7, 13, 44, 0, time.UTC), "2021-10-15 09:13:44"}, // CEST
		{time.Date(2021, 12, 24, 12, 0, 0, 0, time.UTC), "2021-12-24 13:00:00"},  // CET
	}
	for _, tt := range tests {
		got := Timestamp(tt.utc)
		if got != tt.want {
			t.Errorf("Timestamp(%v) = %s, want %s", tt.utc, got, tt.want)
		}
		back, err := ParseTimestamp(got)
		if err != nil || !back.Equal(tt.utc) {
			t.Errorf("ParseTimestamp(%s) = %v, %v", got, back, err)
		}
	}
}
