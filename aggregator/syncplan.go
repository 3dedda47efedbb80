package aggregator

import (
	"context"
	"math/rand/v2"
	"time"
)

// SyncPolicy decides how often a synced access is refreshed without its
// user. The rule (issue #5):
//
//   - Interval apart (default 6 h: 4 refreshes a day) while the user was
//     active in the last 7 days, twice that within 30 days (2 a day), four
//     times that after (1 a day). A user is active when a token is issued
//     for them (password grant): that is when an app acts for its user.
//   - Every time is moved by a random amount in ±Jitter, so accesses added
//     together do not refresh in lockstep.
//   - Never more than UnattendedPerDay bank calls per consent in any 24
//     hours (PSD2 allows four): when the budget is spent, the next refresh
//     waits until the oldest call is a day old.
type SyncPolicy struct {
	Interval         time.Duration
	Jitter           time.Duration
	UnattendedPerDay int
}

// DefaultSyncPolicy is four refreshes a day, ±30 minutes, at most four
// unattended bank calls per consent per day.
var DefaultSyncPolicy = SyncPolicy{Interval: 6 * time.Hour, Jitter: 30 * time.Minute, UnattendedPerDay: 4}

// SyncRef names a synced access for the scheduler.
type SyncRef struct {
	Tenant   string
	UserID   string
	AccessID string
}

// SyncQueue is where due refreshes wait, shared by every gateway process.
// ClaimSyncs leases what is due to one worker: a worker that dies loses
// its lease and the refresh becomes due again.
type SyncQueue interface {
	ScheduleSync(ctx context.Context, ref SyncRef, at time.Time) error
	UnscheduleSync(ctx context.Context, ref SyncRef) error
	ClaimSyncs(ctx context.Context, now time.Time, lease time.Duration, n int) ([]SyncRef, error)
	TouchUser(ctx context.Context, tenant, userID string, at time.Time) error
	UserSeen(ctx context.Context, tenant, userID string) (time.Time, error)
}

// SyncPlanner decides when a synced access is refreshed next and puts it
// on the queue: the pure policy plus the queue it writes to. Accesses (after
// a fetch the user caused) and Syncer (after a background refresh) share
// one planner; neither calls the other back.
type SyncPlanner struct {
	Queue  SyncQueue
	Policy SyncPolicy
	Now    Clock
	Rand   func() float64 // [0, 1); nil: math/rand
}

func (s *SyncPlanner) rnd() float64 {
	if s.Rand != nil {
		return s.Rand()
	}
	return rand.Float64()
}

// Schedule puts a synced access's next refresh on the queue, or takes an
// access that is no longer synced off it (Accesses calls it after every
// successful fetch).
func (s *SyncPlanner) Schedule(ctx context.Context, acc *BankAccess) error {
	ref := SyncRef{Tenant: acc.Tenant, UserID: acc.UserID, AccessID: acc.ID}
	if !acc.Sync {
		return s.Queue.UnscheduleSync(ctx, ref)
	}
	return s.Queue.ScheduleSync(ctx, ref, s.Next(ctx, acc))
}

// Next applies the policy to the access's user and unattended budget.
func (s *SyncPlanner) Next(ctx context.Context, acc *BankAccess) time.Time {
	now := s.Now()
	every := s.Policy.Interval
	seen, err := s.Queue.UserSeen(ctx, acc.Tenant, acc.UserID)
	switch idle := now.Sub(seen); {
	case err != nil || idle > 30*24*time.Hour:
		every *= 4
	case idle > 7*24*time.Hour:
		every *= 2
	}
	at := now.Add(every + time.Duration((2*s.rnd()-1)*float64(s.Policy.Jitter)))
	if calls := recentCalls(acc.Unattended, now); s.Policy.UnattendedPerDay > 0 && len(calls) >= s.Policy.UnattendedPerDay {
		if free := calls[len(calls)-s.Policy.UnattendedPerDay].Add(24 * time.Hour); free.After(at) {
			at = free
		}
	}
	return at
}

// recentCalls keeps the unattended calls of the last 24 hours, oldest first.
func recentCalls(calls []time.Time, now time.Time) []time.Time {
	out := calls[:0:0]
	for _, c := range calls {
		if now.Sub(c) < 24*time.Hour {
			out = append(out, c)
		}
	}
	return out
}
