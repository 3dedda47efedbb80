package demo

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zugang/zugang/aggregator"
)

func TestDecodeSettings(t *testing.T) {
	tests := []struct {
		name     string
		in       map[string]any
		latency  time.Duration
		logins   []Login
		errorHas string
	}{
		{name: "nil", in: nil, logins: DefaultLogins()},
		{name: "empty", in: map[string]any{}, logins: DefaultLogins()},
		{name: "latency", in: map[string]any{"latency": " 250ms "}, latency: 250 * time.Millisecond, logins: DefaultLogins()},
		{name: "latency as Duration", in: map[string]any{"latency": 2 * time.Second}, latency: 2 * time.Second, logins: DefaultLogins()},
		{name: "latency null", in: map[string]any{"latency": nil}, logins: DefaultLogins()},
		{name: "latency not a duration", in: map[string]any{"latency": "soon"}, errorHas: `latency: "soon" is not a duration`},
		{name: "latency number", in: map[string]any{"latency": 250}, errorHas: "latency: want a duration string"},
		{name: "latency negative", in: map[string]any{"latency": "-1s"}, errorHas: "latency: must not be negative"},
		{name: "unknown setting", in: map[string]any{"logns": []any{}}, errorHas: `unknown setting "logns"`},
		{name: "logins replace the defaults", in: map[string]any{"logins": []any{
			map[string]any{"userid": "anna", "pin": "geheim", "scenario": "decoupled", "holder": "Anna Schneider"},
			map[any]any{"userid": "bob", "pin": 12345},
			map[string]any{"UserID": 4711, "PIN": "x", "scenario": "redirect"},
		}}, logins: []Login{
			{"anna", "geheim", ScenarioDecoupled, "Anna Schneider"},
			{"bob", "12345", ScenarioNone, holderFor("bob")},
			{"4711", "x", ScenarioRedirect, holderFor("4711")},
		}},
		{name: "typed list", in: map[string]any{"logins": []map[string]any{{"userid": "a", "pin": "b"}}},
			logins: []Login{{"a", "b", ScenarioNone, holderFor("a")}}},
		{name: "logins not a list", in: map[string]any{"logins": "demo1"}, errorHas: "logins: want a list"},
		{name: "empty logins", in: map[string]any{"logins": []any{}}, errorHas: "logins: the list is empty"},
		{name: "login not a mapping", in: map[string]any{"logins": []any{"demo1"}}, errorHas: "logins[0]: want a mapping"},
		{name: "no userid", in: map[string]any{"logins": []any{map[string]any{"pin": "x"}}}, errorHas: "logins[0].userid: required"},
		{name: "no pin", in: map[string]any{"logins": []any{map[string]any{"userid": "x"}}}, errorHas: "logins[0].pin: required"},
		{name: "pin a list", in: map[string]any{"logins": []any{map[string]any{"userid": "x", "pin": []any{1}}}}, errorHas: "logins[0]: pin: want a string"},
		{name: "duplicate", in: map[string]any{"logins": []any{map[string]any{"userid": "x", "pin": "1"}, map[string]any{"userid": "x", "pin": "2"}}},
			errorHas: `logins[1].userid: "x" is listed twice`},
		{name: "unknown scenario", in: map[string]any{"logins": []any{map[string]any{"userid": "x", "pin": "1", "scenario": "sleepy"}}},
			errorHas: `logins[0].scenario: unknown scenario "sleepy" (known: none, select_method, decoupled, redirect, two_channels, maintenance, expiring)`},
		{name: "unknown login key", in: map[string]any{"logins": []any{map[string]any{"userid": "x", "pin": "1", "password": "1"}}},
			errorHas: `logins[0]: unknown key "password"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := decodeSettings(tt.in)
			if tt.errorHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errorHas) {
					t.Fatalf("error %v, want one containing %q", err, tt.errorHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.latency != tt.latency || !reflect.DeepEqual(s.logins, tt.logins) {
				t.Errorf("settings = %v %v, want %v %v", s.latency, s.logins, tt.latency, tt.logins)
			}
		})
	}
}

func TestConfiguredLogins(t *testing.T) {
	b := newBank(t, newClock(), map[string]any{"logins": []any{
		map[string]any{"userid": "anna", "pin": "geheim", "scenario": "decoupled"},
	}})
	out, err := connect(b, "anna", "geheim")
	if err != nil || out.Step != aggregator.EventNeedDecoupled {
		t.Errorf("configured login: %s, %v", out.Step, err)
	}
	_, err = connect(b, "demo1", "demo1")
	wantError(t, err, aggregator.KindInvalid, aggregator.CodeWrongCredentials)
}

func TestDefaultLogins(t *testing.T) {
	seen := map[Scenario]bool{}
	for _, l := range DefaultLogins() {
		if l.PIN != l.UserID || l.Holder == "" {
			t.Errorf("default login %v", l)
		}
		seen[l.Scenario] = true
	}
	for _, s := range scenarios() {
		if !seen[s] {
			t.Errorf("no default login for scenario %s", s)
		}
	}
}

func TestLoginHidesPIN(t *testing.T) {
	l := Login{UserID: "anna", PIN: "Geheim-123", Scenario: ScenarioNone, Holder: "Anna"}
	for _, s := range []string{fmt.Sprint(l), fmt.Sprintf("%v %+v %#v %s", l, l, l, l), fmt.Sprint([]Login{l})} {
		if strings.Contains(s, "Geheim-123") {
			t.Errorf("formatting shows the PIN: %s", s)
		}
	}
}
