// Package kv is the storage under the replication engine: named buckets of
// byte keys kept in byte order, read and written in transactions. It is
// what the store needs and no more, so that it can be had twice: from a
// bbolt file at a station or a county (package boltkv) and from a
// PostgreSQL database for a city or a province (package pgkv). Every rule
// of the store (log, pending queue, records, indexes, checksums, the sync
// package's own buckets) lives above this line and runs unchanged on both.
//
// The contract is bbolt's: a value returned by Get or a cursor is valid
// until the transaction ends and must not be changed; keys compare as
// unsigned bytes; a writable transaction sees its own writes, a read-only
// one a consistent snapshot; a write transaction commits whole or not at
// all, durably, before Update returns.
package kv

import (
	"context"
	"errors"
)

// DB is one database.
type DB interface {
	// View runs fn in a read-only transaction.
	View(fn func(Tx) error) error
	// Update runs fn in a read-write transaction and commits it if fn
	// returns nil. Write transactions of one database never interleave,
	// whatever process runs them.
	Update(fn func(Tx) error) error
	Close() error
	// Shared reports whether other processes may write this database
	// between two transactions of this one (PostgreSQL): what a process
	// keeps in memory about the data must then be read again at the start
	// of each write transaction.
	Shared() bool
}

// Tx is one transaction.
type Tx interface {
	// Bucket returns the named bucket, nil if it does not exist.
	Bucket(name []byte) Bucket
	CreateBucketIfNotExists(name []byte) (Bucket, error)
	DeleteBucket(name []byte) error
	// Buckets lists the buckets that exist, in name order.
	Buckets() ([][]byte, error)
	Writable() bool
}

// Bucket is a set of keys with values, in key order.
type Bucket interface {
	// Get returns the value of key, nil if it is absent.
	Get(key []byte) []byte
	Put(key, value []byte) error
	Delete(key []byte) error
	// ForEach calls fn for every key in order until fn returns an error.
	ForEach(fn func(k, v []byte) error) error
	Cursor() Cursor
}

// Cursor walks a bucket in key order. Each move returns the key and value
// it lands on, or nil keys past either end.
type Cursor interface {
	First() (key, value []byte)
	Last() (key, value []byte)
	Next() (key, value []byte)
	Prev() (key, value []byte)
	// Seek moves to the first key at or after seek.
	Seek(seek []byte) (key, value []byte)
}

// Prefetcher is a Bucket that can read many keys in one round trip ahead
// of the Gets that will ask for them (PostgreSQL, where each Get is a
// statement). A file's bucket needs none: its Gets are memory reads.
type Prefetcher interface {
	Prefetch(keys [][]byte)
}

// Prefetch reads keys of b ahead if b can.
func Prefetch(b Bucket, keys [][]byte) {
	if p, ok := b.(Prefetcher); ok && len(keys) > 0 {
		p.Prefetch(keys)
	}
}

// Locker is a DB whose processes can hold a named lock across
// transactions, released by Unlock or by the holder's death (PostgreSQL's
// session advisory locks). A DB that one process holds alone needs none.
type Locker interface {
	Lock(ctx context.Context, name string) (unlock func(), err error)
}

// ErrNoBucket is returned by DeleteBucket for a bucket that does not exist.
var ErrNoBucket = errors.New("bucket not found")

// MaxKeySize is the longest key a Put takes, on every backend alike: a
// PostgreSQL index entry holds at most about 2,700 bytes (bbolt takes 32
// KiB), and a key that one home takes and the other refuses would stop a
// county's move or a station's bundle on one of them only.
const MaxKeySize = 2048

// ErrKeyTooLarge refuses a key longer than MaxKeySize.
var ErrKeyTooLarge = errors.New("key too large")

// StorageError is a failure of the database server under a kv backend
// (connection lost, statement refused), as opposed to a rule of the store.
type StorageError struct {
	Op  string
	Err error
}

func (e *StorageError) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *StorageError) Unwrap() error { return e.Err }
