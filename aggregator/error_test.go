package aggregator_test

import (
	"strings"
	"testing"

	"github.com/zugang/zugang/aggregator"
)

// TestKindHTTPStatus: every kind has exactly one status, no two kinds
// share one, and an unknown kind is internal. web and regprotect both
// answer with this table (their own tests check they do).
func TestKindHTTPStatus(t *testing.T) {
	want := map[aggregator.Kind]int{
		aggregator.KindInternal:         500,
		aggregator.KindInvalid:          400,
		aggregator.KindUnauthenticated:  401,
		aggregator.KindForbidden:        403,
		aggregator.KindNotFound:         404,
		aggregator.KindConflict:         409,
		aggregator.KindUnavailable:      503,
		aggregator.KindTimeout:          504,
		aggregator.KindLegal:            451,
		aggregator.KindTooLarge:         413,
		aggregator.KindUnsupportedMedia: 415,
		aggregator.KindTooManyRequests:  429,
	}
	kinds := aggregator.Kinds()
	if len(kinds) != len(want) {
		t.Errorf("Kinds() has %d kinds, the test %d: add the new kind here", len(kinds), len(want))
	}
	byStatus := map[int]aggregator.Kind{}
	for _, k := range kinds {
		status, ok := want[k]
		if !ok {
			t.Errorf("kind %s has no expected status", k)
			continue
		}
		if got := k.HTTPStatus(); got != status {
			t.Errorf("%s: HTTPStatus %d, want %d", k, got, status)
		}
		if other, dup := byStatus[status]; dup {
			t.Errorf("%s and %s share the status %d", k, other, status)
		}
		byStatus[status] = k
		if strings.HasPrefix(k.String(), "kind(") {
			t.Errorf("kind %d has no name", k)
		}
	}
	if got := aggregator.Kind(200).HTTPStatus(); got != 500 {
		t.Errorf("an unknown kind answers %d, want 500", got)
	}
}
