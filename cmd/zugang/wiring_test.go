package main

import (
	"reflect"
	"strings"
	"testing"
)

// TestWiringIsATree: the use cases and adapters Main wires reach each
// other without a cycle (no object points, through fields, back at one
// that leads to it), so each can be built and tested on its own. It walks
// pointer, interface and struct fields of the module's own types.
func TestWiringIsATree(t *testing.T) {
	m, _ := startMain(t, testEnv(t))
	for _, c := range objectCycles(m) {
		t.Errorf("object cycle: %s", c)
	}
}

// TestObjectCyclesFindsOne: the walker sees a planted cycle.
func TestObjectCyclesFindsOne(t *testing.T) {
	a := &cycleA{}
	a.B = &cycleB{A: a}
	if got := objectCycles(a); len(got) != 1 {
		t.Fatalf("cycles %v, want one", got)
	}
}

type cycleA struct{ B *cycleB }
type cycleB struct{ A any }

// objectCycles lists the cycles among the module's objects reachable
// from root through pointer, interface and struct fields.
func objectCycles(root any) []string {
	var cycles []string
	type node struct {
		typ  reflect.Type
		addr uintptr
	}
	onPath := map[node]bool{}
	done := map[node]bool{}
	var path []string
	var walk func(v reflect.Value, name string)
	walk = func(v reflect.Value, name string) {
		switch v.Kind() {
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), name)
			}
		case reflect.Pointer:
			if v.IsNil() || !strings.HasPrefix(v.Type().Elem().PkgPath(), module) {
				return
			}
			n := node{v.Type(), v.Pointer()}
			if onPath[n] {
				cycles = append(cycles, strings.Join(path, " → ")+" → "+name)
				return
			}
			if done[n] {
				return
			}
			onPath[n] = true
			path = append(path, name)
			walk(v.Elem(), name)
			path = path[:len(path)-1]
			onPath[n], done[n] = false, true
		case reflect.Struct:
			if !strings.HasPrefix(v.Type().PkgPath(), module) {
				return
			}
			for i := range v.NumField() {
				walk(v.Field(i), name+"."+v.Type().Field(i).Name)
			}
		}
	}
	walk(reflect.ValueOf(root), "root")
	return cycles
}

const module = "github.com/zugang/zugang"
