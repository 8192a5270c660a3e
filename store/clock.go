package store

import "time"

// HLC is a hybrid logical clock reading: Unix milliseconds in the high 48
// bits and a logical counter in the low 16. It orders concurrent values for
// display; causality itself is carried by version vectors.
type HLC uint64

// MakeHLC packs milliseconds and a counter.
func MakeHLC(ms int64, counter uint16) HLC { return HLC(uint64(ms)<<16 | uint64(counter)) }

// Millis is the physical part.
func (h HLC) Millis() int64 { return int64(h >> 16) }

// Time converts the physical part to a time in Asia/Shanghai.
func (h HLC) Time() time.Time { return time.UnixMilli(h.Millis()).In(ChinaTZ) }

// MaxClockSkew bounds how far ahead of the local clock a remote reading may
// be before it is treated as wrong: such changes are kept and flagged, but do
// not pull the local clock forward (otherwise one station with a clock set to
// 2099 would make every later edit everywhere look like 2099).
const MaxClockSkew = 24 * time.Hour

// clock issues HLC readings. The last reading is persisted in the same
// transaction as the change that used it, so the clock never goes backwards
// even across restarts and a wall clock that jumps back.
type clock struct {
	last HLC
	now  func() time.Time
}

// next returns a reading later than every reading issued or observed.
func (c *clock) next() HLC {
	phys := MakeHLC(c.now().UnixMilli(), 0)
	if phys > c.last {
		c.last = phys
	} else {
		c.last++
	}
	return c.last
}

// observe merges a remote reading; it reports false (and leaves the clock
// alone) when the reading is implausibly far in the future.
func (c *clock) observe(remote HLC) bool {
	if remote.Millis() > c.now().Add(MaxClockSkew).UnixMilli() {
		return false
	}
	if remote > c.last {
		c.last = remote
	}
	return true
}
