package engine

import "time"

// HLC is a hybrid logical clock reading: Unix milliseconds in the high 48
// bits and a logical counter in the low 16. It orders concurrent values for
// display; causality itself is carried by version vectors.
type HLC uint64

// MakeHLC packs milliseconds and a counter.
func MakeHLC(ms int64, counter uint16) HLC { return HLC(uint64(ms)<<16 | uint64(counter)) }

// Millis is the physical part.
func (h HLC) Millis() int64 { return int64(h >> 16) }

// In converts the physical part to a time in loc.
func (h HLC) In(loc *time.Location) time.Time { return time.UnixMilli(h.Millis()).In(loc) }

// MaxClockSkew bounds how far ahead of the local clock a remote reading may
// be before it is treated as wrong: such changes are kept and flagged, but do
// not pull the local clock forward (otherwise one station with a clock set to
// 2099 would make every later edit everywhere look like 2099).
const MaxClockSkew = 24 * time.Hour

// Clock issues HLC readings. The last reading is persisted in the same
// transaction as the change that used it, so the clock never goes backwards
// even across restarts and a wall clock that jumps back.
type Clock struct {
	Last HLC
	Now  func() time.Time
}

// Next returns a reading later than every reading issued or observed.
func (c *Clock) Next() HLC {
	phys := MakeHLC(c.Now().UnixMilli(), 0)
	if phys > c.Last {
		c.Last = phys
	} else {
		c.Last++
	}
	return c.Last
}

// Observe merges a remote reading; it reports false (and leaves the clock
// alone) when the reading is implausibly far in the future.
func (c *Clock) Observe(remote HLC) bool {
	if remote.Millis() > c.Now().Add(MaxClockSkew).UnixMilli() {
		return false
	}
	if remote > c.Last {
		c.Last = remote
	}
	return true
}
