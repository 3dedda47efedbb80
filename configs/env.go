package configs

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/caarlos0/env/v11"
)

// EnvPrefix starts the name of every environment variable Zugang reads,
// except the conventional REDIS_URL.
const EnvPrefix = "ZUGANG_"

// applyEnv overrides cfg with the environment variables named by the env
// tags, looked up through lookup (never os.Environ directly, so tests inject
// their environment).
func applyEnv(cfg *Config, lookup func(string) (string, bool)) error {
	var current string // the variable being parsed, for error messages
	opts := env.Options{
		Prefix:      EnvPrefix,
		Environment: map[string]string{},
		OnSet:       func(key string, _ any, _ bool) { current = key },
		FuncMap: map[reflect.Type]env.ParserFunc{
			reflect.TypeOf(time.Duration(0)): func(v string) (any, error) {
				d, err := time.ParseDuration(v)
				if err != nil {
					return nil, fmt.Errorf("%s: not a duration (such as 15s or 24h)", current)
				}
				return d, nil
			},
			reflect.TypeOf(0): func(v string) (any, error) {
				n, err := strconv.Atoi(v)
				if err != nil {
					return nil, fmt.Errorf("%s: not a whole number", current)
				}
				return n, nil
			},
		},
	}
	params, err := env.GetFieldParamsWithOptions(cfg, opts)
	if err != nil {
		return fmt.Errorf("environment: %w", err)
	}
	for _, p := range params {
		if v, ok := lookup(p.Key); ok {
			opts.Environment[p.Key] = v
		}
	}
	if err := env.ParseWithOptions(cfg, opts); err != nil {
		return envError(err)
	}
	return nil
}

// envError unwraps the library's aggregate into one line per variable. The
// messages name the variable, never its value.
func envError(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return fmt.Errorf("environment: %w", err)
	}
	errs := make([]error, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			errs = append(errs, pe.Err)
			continue
		}
		errs = append(errs, fmt.Errorf("environment: %w", e))
	}
	return errors.Join(errs...)
}
