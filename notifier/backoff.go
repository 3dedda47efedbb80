package notifier

import (
	"math/rand/v2"
	"time"
)

// Schedule is when a failed delivery is tried again: the first retry after
// Initial, each next one twice as late up to Max, every delay spread by
// ±Jitter (a fraction) so that endpoints coming back are not hit in
// lockstep; after Window since the first attempt the delivery is
// dead-lettered. The default keeps trying for a day, where BANKSapi gives
// up after minutes.
type Schedule struct {
	Initial time.Duration
	Max     time.Duration
	Window  time.Duration
	Jitter  float64
}

// DefaultSchedule retries for 24 hours: 10 s, 20 s, 40 s, … up to one hour.
var DefaultSchedule = Schedule{Initial: 10 * time.Second, Max: time.Hour, Window: 24 * time.Hour, Jitter: 0.2}

// Delay is the wait after the given number of failed attempts (1 = the
// first failure); rnd is in [0, 1).
func (s Schedule) Delay(failures int, rnd float64) time.Duration {
	d := s.Initial
	for i := 1; i < failures && d < s.Max; i++ {
		d *= 2
	}
	d = min(d, s.Max)
	spread := time.Duration(float64(d) * s.Jitter * (2*rnd - 1))
	return max(d+spread, time.Millisecond)
}

// GiveUp reports whether a delivery first tried at first is past its window.
func (s Schedule) GiveUp(first, now time.Time) bool { return now.Sub(first) >= s.Window }

func jitter() float64 { return rand.Float64() }
