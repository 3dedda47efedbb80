package sca_test

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/zugang/zugang/sca"
)

var update = flag.Bool("update", false, "rewrite diagram.mmd and the diagram in doc.go from sca.Diagram()")

const (
	diagramFile = "diagram.mmd"
	docFile     = "doc.go"
)

// docBlock is the diagram as the package doc shows it: a code block, one
// "//<tab>" line per diagram line.
func docBlock(diagram string) []string {
	var block []string
	for _, l := range strings.Split(strings.TrimSuffix(diagram, "\n"), "\n") {
		block = append(block, "//\t"+l)
	}
	return block
}

// docDiagram finds the diagram block in doc.go's lines: from the line
// "//<tab>stateDiagram-v2" to the last code line after it.
func docDiagram(t *testing.T, lines []string) (start, end int) {
	t.Helper()
	start = slices.Index(lines, "//\tstateDiagram-v2")
	if start < 0 {
		t.Fatalf("%s has no diagram block (a line %q)", docFile, "//\tstateDiagram-v2")
	}
	end = start + 1
	for end < len(lines) && strings.HasPrefix(lines[end], "//\t") {
		end++
	}
	return start, end
}

// TestDiagramIsCurrent keeps the committed diagram (diagram.mmd and the
// package doc) equal to what the code generates. Run with -update (or go
// generate ./sca) after changing the transition table.
func TestDiagramIsCurrent(t *testing.T) {
	want := sca.Diagram()

	src, err := os.ReadFile(docFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	start, end := docDiagram(t, lines)

	if *update {
		if err := os.WriteFile(diagramFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		lines = slices.Concat(lines[:start], docBlock(want), lines[end:])
		if err := os.WriteFile(docFile, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	got, err := os.ReadFile(diagramFile)
	if err != nil {
		t.Fatalf("%v (run go generate ./sca)", err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date (run go generate ./sca)\n--- file\n%s--- Diagram()\n%s", diagramFile, got, want)
	}
	if doc := lines[start:end]; !slices.Equal(doc, docBlock(want)) {
		t.Errorf("the diagram in %s is out of date (run go generate ./sca)\n--- doc\n%s\n--- Diagram()\n%s",
			docFile, strings.Join(doc, "\n"), strings.Join(docBlock(want), "\n"))
	}
}
