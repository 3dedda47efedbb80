package aggregator

import "fmt"

// Limits bound the work one request or one user can cause. A zero field
// is no limit. Exceeding one is KindInvalid with a message naming it, and
// nothing is stored.
type Limits struct {
	AccessesPerRequest int // bank-access ids in one add (each one is a bank login)
	AccessesPerUser    int // bank accesses of one user
	UsersPerTenant     int // users of one tenant, deactivated ones included
}

// LimitError says which configured limit a request would exceed.
func LimitError(op, what string, limit int, setting string) *Error {
	return &Error{Kind: KindInvalid, Op: op, Message: fmt.Sprintf("limit exceeded: at most %d %s", limit, what),
		Details: "the gateway's setting " + setting + " bounds this"}
}
