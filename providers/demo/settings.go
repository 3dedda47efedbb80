package demo

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Scenario is what a demo login triggers at Connect.
type Scenario string

// The scenarios (see the package doc).
const (
	ScenarioNone         Scenario = "none"          // logged in, no SCA
	ScenarioSelectMethod Scenario = "select_method" // method, then medium (or pushTAN), then TAN
	ScenarioDecoupled    Scenario = "decoupled"     // app approval after two polls
	ScenarioRedirect     Scenario = "redirect"      // the bank's own page
	ScenarioTwoChannels  Scenario = "two_channels"  // a TAN for the accounts, then app approval for the depot
	ScenarioMaintenance  Scenario = "maintenance"   // BA1051
	ScenarioExpiring     Scenario = "expiring"      // no SCA, consent valid for one minute
)

func scenarios() []Scenario {
	return []Scenario{ScenarioNone, ScenarioSelectMethod, ScenarioDecoupled, ScenarioRedirect, ScenarioTwoChannels,
		ScenarioMaintenance, ScenarioExpiring}
}

// Login is one user of the demo bank. Its data (accounts, transactions,
// positions) derive from UserID alone.
type Login struct {
	UserID   string
	PIN      string
	Scenario Scenario
	Holder   string // the accounts' holder ("inhaber")
}

// String hides the PIN.
func (l Login) String() string { return l.UserID + " (" + string(l.Scenario) + ", " + l.Holder + ")" }

// GoString hides the PIN from %#v as well.
func (l Login) GoString() string { return "demo.Login{" + l.String() + "}" }

// DefaultLogins are the logins the demo bank has when its settings name
// none: one per scenario, the PIN equal to the user id.
func DefaultLogins() []Login {
	return []Login{
		{"demo1", "demo1", ScenarioNone, "Fritz Testmüller"},
		{"demo2", "demo2", ScenarioSelectMethod, "Erika Mustermann"},
		{"demo3", "demo3", ScenarioDecoupled, "Max Mustermann"},
		{"demo4", "demo4", ScenarioRedirect, "Sabine Schäfer"},
		{"demo5", "demo5", ScenarioTwoChannels, "Jürgen Weißhaupt"},
		{"maintenance", "maintenance", ScenarioMaintenance, "Klaus Baumgärtner"},
		{"expiring", "expiring", ScenarioExpiring, "Lena Köhler"},
	}
}

// holderFor names the holder of a configured login that names none.
func holderFor(userID string) string {
	names := []string{"Anna Schneider", "Thomas Brückner", "Monika Groß", "Stefan Hoffmann", "Claudia Weiß",
		"Andreas Krüger", "Petra Schröder", "Michael Wagner"}
	return names[seedOf(userID)%uint64(len(names))]
}

// settings are the demo adapter's settings.
type settings struct {
	latency         time.Duration
	bookingInterval time.Duration
	logins          []Login
}

// decodeSettings reads the adapter's settings as YAML decoding leaves them
// (map[string]any, map[any]any, []any, strings and numbers). Every key is
// optional; unknown keys are errors so a misspelt setting never passes
// silently.
func decodeSettings(m map[string]any) (settings, error) {
	s := settings{logins: DefaultLogins()}
	for k, v := range m {
		switch k {
		case "latency":
			d, err := duration(v)
			if err != nil {
				return settings{}, fmt.Errorf("latency: %w", err)
			}
			s.latency = d
		case "bookingInterval":
			d, err := duration(v)
			if err != nil {
				return settings{}, fmt.Errorf("bookingInterval: %w", err)
			}
			s.bookingInterval = d
		case "logins":
			logins, err := decodeLogins(v)
			if err != nil {
				return settings{}, err
			}
			s.logins = logins
		default:
			return settings{}, fmt.Errorf("unknown setting %q (known: latency, bookingInterval, logins)", k)
		}
	}
	return s, nil
}

func duration(v any) (time.Duration, error) {
	switch v := v.(type) {
	case nil:
		return 0, nil
	case time.Duration:
		if v < 0 {
			return 0, errors.New("must not be negative")
		}
		return v, nil
	case string:
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration such as \"250ms\"", v)
		}
		if d < 0 {
			return 0, errors.New("must not be negative")
		}
		return d, nil
	}
	return 0, fmt.Errorf("want a duration string such as \"250ms\", not %T", v)
}

func decodeLogins(v any) ([]Login, error) {
	list, ok := v.([]any)
	if !ok {
		if maps, isMaps := v.([]map[string]any); isMaps {
			for _, m := range maps {
				list = append(list, m)
			}
		} else {
			return nil, fmt.Errorf("logins: want a list of {userid, pin, scenario, holder}, not %T", v)
		}
	}
	if len(list) == 0 {
		return nil, errors.New("logins: the list is empty (omit the setting to keep the default logins)")
	}
	out := make([]Login, 0, len(list))
	seen := map[string]bool{}
	for i, item := range list {
		where := fmt.Sprintf("logins[%d]", i)
		fields, err := stringMap(item)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		l := Login{Scenario: ScenarioNone}
		for k, val := range fields {
			switch k {
			case "userid":
				l.UserID = val
			case "pin":
				l.PIN = val
			case "scenario":
				l.Scenario = Scenario(val)
			case "holder":
				l.Holder = val
			default:
				return nil, fmt.Errorf("%s: unknown key %q (known: userid, pin, scenario, holder)", where, k)
			}
		}
		switch {
		case l.UserID == "":
			return nil, fmt.Errorf("%s.userid: required", where)
		case l.PIN == "":
			return nil, fmt.Errorf("%s.pin: required", where)
		case seen[l.UserID]:
			return nil, fmt.Errorf("%s.userid: %q is listed twice", where, l.UserID)
		case !slices.Contains(scenarios(), l.Scenario):
			return nil, fmt.Errorf("%s.scenario: unknown scenario %q (known: %s)", where, l.Scenario, scenarioList())
		}
		if l.Holder == "" {
			l.Holder = holderFor(l.UserID)
		}
		seen[l.UserID] = true
		out = append(out, l)
	}
	return out, nil
}

func scenarioList() string {
	names := make([]string, 0, 7)
	for _, s := range scenarios() {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

// stringMap turns one YAML mapping into string keys and scalar values.
func stringMap(item any) (map[string]string, error) {
	out := map[string]string{}
	put := func(k any, v any) error {
		key, ok := k.(string)
		if !ok {
			return fmt.Errorf("key %v is not a string", k)
		}
		s, err := scalar(v)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		out[strings.ToLower(key)] = s
		return nil
	}
	switch m := item.(type) {
	case map[string]any:
		for k, v := range m {
			if err := put(k, v); err != nil {
				return nil, err
			}
		}
	case map[any]any:
		for k, v := range m {
			if err := put(k, v); err != nil {
				return nil, err
			}
		}
	case map[string]string:
		for k, v := range m {
			out[strings.ToLower(k)] = strings.TrimSpace(v)
		}
	default:
		return nil, fmt.Errorf("want a mapping {userid, pin, scenario, holder}, not %T", item)
	}
	return out, nil
}

// scalar accepts what YAML makes of a PIN such as 12345 or a string.
func scalar(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return strings.TrimSpace(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case uint64:
		return strconv.FormatUint(v, 10), nil
	case float64:
		if v == float64(int64(v)) {
			return strconv.FormatInt(int64(v), 10), nil
		}
	}
	return "", fmt.Errorf("want a string, not %T", v)
}
