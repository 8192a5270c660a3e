package store

import (
	"fmt"
	"strings"
	"time"
)

// ChinaTZ is Asia/Shanghai. China has had no daylight saving since 1991, so a
// fixed zone is exact for every date the records carry and needs no tzdata
// on Windows.
var ChinaTZ = time.FixedZone("CST", 8*3600)

// Date is a calendar date "YYYY-MM-DD" in Asia/Shanghai. The empty string is
// "not set". Dates compare correctly as strings.
type Date string

// ParseDate accepts "YYYY-MM-DD" (and "YYYY/MM/DD" or "YYYYMMDD", as people
// type, also in full-width digits) and rejects impossible dates such as
// 2025-02-29.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(halfWidth(s))
	// As people write a date on paper too: 2025年11月5日, 2025.11.5.
	for _, layout := range []string{"2006-01-02", "2006/01/02", "20060102", "2006-1-2", "2006/1/2", "2006年1月2日", "2006年1月2号", "2006.1.2"} {
		t, err := time.Parse(layout, s)
		if err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				break
			}
			return DateOf(t), nil
		}
	}
	return "", fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
}

// DateOf returns the calendar date of t in its own location.
func DateOf(t time.Time) Date { return Date(t.Format("2006-01-02")) }

// Valid reports whether d is a well-formed, existing date.
func (d Date) Valid() bool {
	t, err := time.Parse("2006-01-02", string(d))
	return err == nil && Date(t.Format("2006-01-02")) == d
}

// Time returns midnight UTC of the date, for arithmetic.
func (d Date) Time() time.Time {
	t, _ := time.Parse("2006-01-02", string(d))
	return t
}

// AddDays moves the date by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// AddMonths moves the date by n calendar months, clamping to the month end
// (2025-01-31 + 1 month = 2025-02-28), as loan contracts count terms.
func (d Date) AddMonths(n int) Date {
	t := d.Time()
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	day := t.Day()
	if day > last {
		day = last
	}
	return DateOf(time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC))
}

// DaysUntil returns the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.Time().Sub(d.Time()).Hours() / 24)
}

// Month returns "YYYY-MM".
func (d Date) Month() string {
	if len(d) < 7 {
		return ""
	}
	return string(d[:7])
}

// Month is a calendar month "YYYY-MM".
type Month string

// ParseMonth accepts "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return "", fmt.Errorf("%q is not a month (YYYY-MM)", s)
	}
	// Records and reports are about 1900–2199; a month past 9999 would
	// not even compare as text with its neighbours.
	if t.Year() < 1900 || t.Year() > 2199 {
		return "", fmt.Errorf("%q is outside the years 1900–2199", s)
	}
	return Month(t.Format("2006-01")), nil
}

// First is the first day of the month.
func (m Month) First() Date { return Date(string(m) + "-01") }

// Last is the last day of the month.
func (m Month) Last() Date { return DateOf(m.First().Time().AddDate(0, 1, -1)) }

// Days is the number of days in the month.
func (m Month) Days() int { return m.Last().Time().Day() }

// Add moves by n months.
func (m Month) Add(n int) Month { return Month(m.First().AddMonths(n).Month()) }

// MonthOf returns the month of a date.
func MonthOf(d Date) Month { return Month(d.Month()) }

// ValidClock reports whether s is a time of day "HH:MM".
func ValidClock(s string) bool {
	_, err := time.Parse("15:04", s)
	return err == nil && len(s) == 5
}

// ClockMinutes converts "HH:MM" to minutes after midnight.
func ClockMinutes(s string) int {
	t, _ := time.Parse("15:04", s)
	return t.Hour()*60 + t.Minute()
}
