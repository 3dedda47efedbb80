package store

import "time"

// FailBeforeOutbox makes every save with a snapshot fail between its data
// writes and its outbox write, as a crash there would.
func FailBeforeOutbox(s *Store, f func() error) { s.failBeforeOutbox = f }

// SetClock sets the clock that ages leases.
func (l *RateLimiter) SetClock(now func() time.Time) { l.now = now }
