package engine

import (
	"encoding/binary"
	"fmt"

	"github.com/cunzhan/cunzhan/store/kv"
)

// The engine's buckets. The log, the pending queue and the have vector are
// the replicated facts; the others are derived from them and can be
// rebuilt at any time (Rebuild). The domain keeps buckets of its own
// beside them (settings, alarms, its indexes) in the same database, so
// that one transaction commits a change, its indexes and a sync receipt.
var (
	BucketLog     = []byte("log")         // origin(16) seq(8) -> encoded change, or a skip range
	BucketPending = []byte("pending")     // origin(16) seq(8) -> change waiting for a gap to fill
	BucketHave    = []byte("have")        // origin(16) -> highest contiguous seq applied (8)
	BucketFlag    = []byte("flag")        // origin(16) seq(8) -> reason a change was flagged on arrival
	BucketRecords = []byte("rec")         // record id(16) -> encoded RecordState
	BucketReview  = []byte("review")      // id(16) field -> nil: fields with siblings
	BucketKinds   = []byte("ix_kind")     // kind 0 scope 0 id -> nil (live records)
	BucketDeleted = []byte("ix_del")      // kind 0 id -> nil (deleted records)
	BucketSums    = []byte("ix_scopesum") // scope -> XOR of hash(id, state) over its records (16)
)

// FactBuckets are the replicated facts; DerivedBuckets what Rebuild makes
// again from them (the relay index apart: only a relaying store has it).
var (
	FactBuckets    = [][]byte{BucketLog, BucketPending, BucketHave, BucketFlag}
	DerivedBuckets = [][]byte{BucketRecords, BucketReview, BucketKinds, BucketDeleted, BucketSums, BucketBacklog}
)

// LogKey is the key of an origin's sequence number in the log and the
// pending queue.
func LogKey(o OriginID, seq uint64) []byte {
	k := make([]byte, 24)
	copy(k, o[:])
	binary.BigEndian.PutUint64(k[16:], seq)
	return k
}

// U64 and GetU64 are the 8-byte big-endian numbers of the buckets.
func U64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// GetU64 reads U64's form; 0 for anything else.
func GetU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// CreateBuckets makes the engine's buckets in tx where they are missing.
func CreateBuckets(tx kv.Tx) error {
	for _, b := range append(append([][]byte(nil), FactBuckets...), DerivedBuckets...) {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	return nil
}
