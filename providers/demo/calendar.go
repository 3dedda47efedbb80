package demo

import (
	"strconv"
	"time"
)

// day is a calendar date as the number of days since 1970-01-01. The
// generator works on whole days; only the output turns them into
// Europe/Berlin midnights.
type day int32

func civil(y int, m time.Month, d int) day {
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayOf is the calendar date of t in t's location.
func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return civil(y, m, d)
}

func (d day) date() (int, time.Month, int) { return time.Unix(int64(d)*86400, 0).UTC().Date() }

// in is the date's midnight in loc.
func (d day) in(loc *time.Location) time.Time {
	y, m, dd := d.date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

func (d day) weekday() time.Weekday { return time.Weekday(((int64(d) % 7) + 7 + 4) % 7) } // 1970-01-01 was a Thursday

// String is the ISO date, YYYY-MM-DD.
func (d day) String() string {
	y, m, dd := d.date()
	b := make([]byte, 0, 10)
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+dd/10), byte('0'+dd%10))
	return string(b)
}

// easter is Easter Sunday of year y (Gregorian computus).
func easter(y int) day {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	dd := (h+l-7*m+114)%31 + 1
	return civil(y, time.Month(month), dd)
}

// bankDay reports whether banks book on d: Monday to Friday except the
// days on which German banks are closed nationwide (New Year, Good Friday,
// Easter Monday, 1 May, Christmas Eve to Boxing Day, New Year's Eve).
func (d day) bankDay() bool {
	if wd := d.weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	y, m, dd := d.date()
	switch {
	case m == time.January && dd == 1, m == time.May && dd == 1,
		m == time.December && (dd == 24 || dd == 25 || dd == 26 || dd == 31):
		return false
	case m == time.March || m == time.April:
		e := easter(y)
		return d != e-2 && d != e+1
	}
	return true
}

// nextBankDay is d itself or the first bank day after it.
func (d day) nextBankDay() day {
	for !d.bankDay() {
		d++
	}
	return d
}

// prevBankDay is d itself or the last bank day before it.
func (d day) prevBankDay() day {
	for !d.bankDay() {
		d--
	}
	return d
}

// monthEnd is the last calendar day of d's month.
func (d day) monthEnd() day {
	y, m, _ := d.date()
	return civil(y, m+1, 0)
}

// yyyymm identifies d's month, e.g. 202603.
func (d day) yyyymm() int32 {
	y, m, _ := d.date()
	return int32(y*100 + int(m))
}

// addYears moves d by n years (29 February becomes 1 March).
func (d day) addYears(n int) day {
	y, m, dd := d.date()
	return civil(y+n, m, dd)
}
