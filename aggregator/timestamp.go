package aggregator

import (
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve on machines without zoneinfo
)

// berlin is the zone every wire timestamp is expressed in.
var berlin = mustLoadLocation("Europe/Berlin")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Wire layouts of the seed.
const (
	TimestampLayout = "2006-01-02 15:04:05"
	DateLayout      = "2006-01-02"
)

// Timestamp formats t as the seed's "YYYY-MM-DD hh:mm:ss" in Europe/Berlin.
func Timestamp(t time.Time) string { return t.In(berlin).Format(TimestampLayout) }

// ParseTimestamp parses a wire timestamp as Europe/Berlin local time.
func ParseTimestamp(s string) (time.Time, error) {
	return time.ParseInLocation(TimestampLayout, s, berlin)
}
