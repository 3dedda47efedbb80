package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// decodeEmbedded strictly decodes one of the embedded YAML files.
func decodeEmbedded(name string, v any) error {
	data, err := embedded.ReadFile(name)
	if err != nil {
		return fmt.Errorf("embedded %s: %w", name, err)
	}
	return decodeStrict("embedded "+name, data, v)
}

// decodeStrict decodes the single YAML document in data onto v, which keeps
// the values of keys the document leaves out. Unknown keys are errors. An
// empty document changes nothing. name (the file) prefixes every error.
func decodeStrict(name string, data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return yamlError(name, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return yamlError(name, err)
	default:
		return fmt.Errorf("%s: holds more than one YAML document", name)
	}
}

// topLevelKeys returns the keys of the top-level mapping of data, so Load
// can tell a key that is absent from one set to an empty value.
func topLevelKeys(name string, data []byte) (map[string]bool, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(name, err)
	}
	keys := map[string]bool{}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return keys, nil // empty document
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: the top level must be a mapping of settings", name, root.Line)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		keys[root.Content[i].Value] = true
	}
	return keys, nil
}

var (
	reUnknownField = regexp.MustCompile(`^line (\d+): field (.+) not found in type (\S+)$`)
	reCannot       = regexp.MustCompile(`^line (\d+): cannot unmarshal (!!\S+)(?: .*)? into (\S+)$`)
	reLine         = regexp.MustCompile(`^line (\d+): (.*)$`)
)

// yamlError rewrites a yaml.v3 error as "<file>:<line>: <problem>". The
// value yaml.v3 quotes in type errors is dropped: it might be a secret.
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if g := reLine.FindStringSubmatch(msg); g != nil {
			return fmt.Errorf("%s:%s: %s", name, g[1], g[2])
		}
		return fmt.Errorf("%s: %s", name, msg)
	}
	errs := make([]error, 0, len(te.Errors))
	for _, m := range te.Errors {
		if g := reUnknownField.FindStringSubmatch(m); g != nil {
			errs = append(errs, fmt.Errorf("%s:%s: unknown key %q (not a setting of %s)", name, g[1], g[2], strings.TrimPrefix(g[3], "configs.")))
			continue
		}
		if g := reCannot.FindStringSubmatch(m); g != nil {
			errs = append(errs, fmt.Errorf("%s:%s: cannot use %s as %s", name, g[1], tagName(g[2]), typeName(g[3])))
			continue
		}
		if g := reLine.FindStringSubmatch(m); g != nil {
			errs = append(errs, fmt.Errorf("%s:%s: %s", name, g[1], g[2]))
			continue
		}
		errs = append(errs, fmt.Errorf("%s: %s", name, m))
	}
	return errors.Join(errs...)
}

// tagName turns a YAML tag into a reader's word.
func tagName(tag string) string {
	switch tag {
	case "!!str":
		return "a string"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!seq":
		return "a list"
	case "!!map":
		return "a mapping"
	case "!!null":
		return "null"
	}
	return "a " + tag + " value"
}

// typeName turns a Go type from a yaml.v3 message into a reader's word.
func typeName(t string) string {
	switch t {
	case "time.Duration":
		return "a duration (such as 15s or 24h)"
	case "int":
		return "a whole number"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	case "[]string":
		return "a list of strings"
	}
	t = strings.ReplaceAll(t, "configs.", "")
	if rest, ok := strings.CutPrefix(t, "[]"); ok {
		return "a list of " + rest
	}
	return "a " + t
}
