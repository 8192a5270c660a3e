package store

import (
	"time"

	"github.com/cunzhan/cunzhan/store/engine"
)

// The store is the domain (record kinds, validation, workflows, queries)
// over the replication engine (package engine), which knows no record
// kind. These names are the engine's, for the store's callers.
type (
	OriginID    = engine.OriginID
	Dot         = engine.Dot
	VV          = engine.VV
	HLC         = engine.HLC
	Field       = engine.Field
	Change      = engine.Change
	Version     = engine.Version
	Register    = engine.Register
	RecordState = engine.RecordState
	Skip        = engine.Skip
	ApplyStats  = engine.ApplyStats
	LogEntry    = engine.LogEntry
	Relay       = engine.Relay
)

// FieldDeleted is the register that marks a record deleted.
const FieldDeleted = engine.FieldDeleted

// SchemaVersion is the version of the record schema this build writes. It is
// recorded in the database and carried by every change.
const SchemaVersion = 1

// MaxClockSkew bounds how far ahead a remote clock reading may be.
const MaxClockSkew = engine.MaxClockSkew

// ApplyChunk is how many changes one transaction applies.
const ApplyChunk = engine.ApplyChunk

var (
	// ParseOrigin parses an origin's canonical UUID form.
	ParseOrigin = engine.ParseOrigin
	// ParseVV parses the form VV.String writes.
	ParseVV = engine.ParseVV
	// MakeHLC packs milliseconds and a counter.
	MakeHLC = engine.MakeHLC
)

// DecodeChange parses and checks an encoded change.
func DecodeChange(p []byte) (*Change, error) { return Dict.DecodeChange(p) }

// EncodeChange is a change's canonical bytes.
func EncodeChange(c *Change) []byte { return Dict.EncodeChange(c) }

// ClockTime is when a clock reading was taken, in Asia/Shanghai.
func ClockTime(h HLC) time.Time { return h.In(ChinaTZ) }

// The engine's buckets, under the names the store's queries use.
var (
	bLog      = engine.BucketLog
	bPending  = engine.BucketPending
	bHave     = engine.BucketHave
	bFlag     = engine.BucketFlag
	bRec      = engine.BucketRecords
	bReview   = engine.BucketReview
	bIxKind   = engine.BucketKinds
	bIxDel    = engine.BucketDeleted
	bScopeSum = engine.BucketSums
)

var (
	logKey = engine.LogKey
	u64    = engine.U64
	getU64 = engine.GetU64
	cat    = engine.Cat
)
