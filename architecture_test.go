package zugang_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/zugang/zugang"

// allowedInternal lists, for every package of the module, the module
// packages it may import (ARCHITECTURE.md, "Dependency rules, and why"):
// everything points at aggregator, siblings never import each other, and
// only cmd/zugang wires them. A new package must be added here, which
// forces the decision to be made.
var allowedInternal = map[string][]string{
	"":                           {},
	"aggregator":                 {},
	"aggregator/store":           {"aggregator"},
	"aggregator/store/storetest": {"aggregator", "aggregator/store"},
	"configs":                    {"aggregator"},
	"web":                        {"aggregator"},
	"sca":                        {"aggregator"},
	"regprotect":                 {"aggregator"},
	"notifier":                   {"aggregator"},
	"egress":                     {"aggregator"},
	"providers":                  {"aggregator"},
	"providers/demo":             {"aggregator", "providers"},
	"providers/all":              {"aggregator", "providers", "providers/*"},
	"cmd/zugang":                 {"*"},
}

// aggregatorExternal is what the domain may import beyond the standard
// library: zap and small helpers, never gin, go-redis, fsm or resty.
var aggregatorExternal = []string{"go.uber.org/", "github.com/google/uuid", "github.com/shopspring/decimal", "golang.org/x/crypto/", "golang.org/x/sys/"}

type pkg struct {
	path string
	deps []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Deps \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, deps, _ := strings.Cut(line, "|")
		pkgs = append(pkgs, pkg{path: path, deps: strings.Fields(deps)})
	}
	return pkgs
}

func rel(path string) (string, bool) {
	if path == module {
		return "", true
	}
	r, ok := strings.CutPrefix(path, module+"/")
	return r, ok
}

func allows(rules []string, dep string) bool {
	for _, r := range rules {
		if r == "*" || r == dep {
			return true
		}
		if prefix, ok := strings.CutSuffix(r, "*"); ok && strings.HasPrefix(dep, prefix) {
			return true
		}
	}
	return false
}

func TestDependencyRules(t *testing.T) {
	for _, p := range listPackages(t) {
		name, _ := rel(p.path)
		rules, known := allowedInternal[name]
		if !known {
			t.Errorf("package %q is not in allowedInternal: decide which module packages it may import", name)
			continue
		}
		for _, d := range p.deps {
			dn, internal := rel(d)
			if internal && !allows(rules, dn) {
				t.Errorf("%s imports %s: siblings talk only through aggregator (see ARCHITECTURE.md)", name, dn)
			}
		}
	}
}

func TestAggregatorImportsNoInfrastructure(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./aggregator").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, d := range strings.Fields(string(out)) {
		if _, internal := rel(d); internal {
			if d != module+"/aggregator" {
				t.Errorf("aggregator imports module package %s", d)
			}
			continue
		}
		if !slices.ContainsFunc(aggregatorExternal, func(p string) bool { return strings.HasPrefix(d, p) }) {
			t.Errorf("aggregator imports %s; only the standard library, zap and small helpers are allowed", d)
		}
	}
}

// TestEveryPackageHasDoc keeps the "// Package x" comment on every package.
func TestEveryPackageHasDoc(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{.Doc}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, doc, _ := strings.Cut(line, "|")
		if !strings.HasPrefix(doc, "Package ") {
			t.Errorf("%s has no // Package doc comment", path)
		}
	}
}

// externalReferences are documents outside the repository that readers
// never have; code and documentation cite ARCHITECTURE.md or a package
// doc instead.
var externalReferences = []string{"DESIGN.md", "../shared"}

// TestNoExternalDesignReferences keeps every non-test Go file and every
// Markdown, YAML, HTML or Mermaid file of the repository free of
// externalReferences. Tests and testdata may read external specifications.
func TestNoExternalDesignReferences(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go":
			if strings.HasSuffix(path, "_test.go") {
				return nil
			}
		case ".md", ".yaml", ".yml", ".html", ".mmd":
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, ref := range externalReferences {
				if strings.Contains(line, ref) {
					t.Errorf("%s:%d cites %s, which is not in the repository; cite ARCHITECTURE.md or a package doc", filepath.ToSlash(path), i+1, ref)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAggregatorFilesStaySmall keeps the domain's files to one concern
// each: no non-test file of package aggregator over 400 lines.
func TestAggregatorFilesStaySmall(t *testing.T) {
	files, err := filepath.Glob("aggregator/*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(b, []byte("\n")); n > 400 {
			t.Errorf("%s has %d lines; split it by seam (at most 400)", f, n)
		}
	}
}
