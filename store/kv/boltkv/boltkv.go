// Package boltkv is package kv on a bbolt file: the embedded default of
// every station and county, one file and nothing to administer.
package boltkv

import (
	"errors"
	"io"

	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/kv"
)

// DB is a bbolt database seen through kv.
type DB struct{ Bolt *bolt.DB }

// New wraps an open bbolt database.
func New(db *bolt.DB) *DB { return &DB{Bolt: db} }

func (d *DB) View(fn func(kv.Tx) error) error {
	return d.Bolt.View(func(t *bolt.Tx) error { return fn(Tx{t}) })
}

func (d *DB) Update(fn func(kv.Tx) error) error {
	return d.Bolt.Update(func(t *bolt.Tx) error { return fn(Tx{t}) })
}

func (d *DB) Close() error { return d.Bolt.Close() }

// Shared is false: bbolt's file lock keeps every other process out.
func (d *DB) Shared() bool { return false }

// Tx is a bbolt transaction. Its one field keeps it the size of a pointer,
// so that handing it around as a kv.Tx allocates nothing.
type Tx struct{ T *bolt.Tx }

func (t Tx) Bucket(name []byte) kv.Bucket {
	if b := t.T.Bucket(name); b != nil {
		return Bucket{b}
	}
	return nil
}

func (t Tx) CreateBucketIfNotExists(name []byte) (kv.Bucket, error) {
	b, err := t.T.CreateBucketIfNotExists(name)
	if err != nil {
		return nil, err
	}
	return Bucket{b}, nil
}

func (t Tx) DeleteBucket(name []byte) error {
	err := t.T.DeleteBucket(name)
	if errors.Is(err, bolt.ErrBucketNotFound) {
		return kv.ErrNoBucket
	}
	return err
}

func (t Tx) Buckets() ([][]byte, error) {
	var out [][]byte
	err := t.T.ForEach(func(name []byte, _ *bolt.Bucket) error {
		out = append(out, append([]byte(nil), name...))
		return nil
	})
	return out, err
}

func (t Tx) Writable() bool { return t.T.Writable() }

// WriteTo writes a consistent copy of the whole file (bbolt's online copy).
func (t Tx) WriteTo(w io.Writer) (int64, error) { return t.T.WriteTo(w) }

// Size is the size of the file as this transaction sees it.
func (t Tx) Size() int64 { return t.T.Size() }

// Bucket is a bbolt bucket.
type Bucket struct{ B *bolt.Bucket }

func (b Bucket) Get(key []byte) []byte { return b.B.Get(key) }
func (b Bucket) Put(key, value []byte) error {
	if len(key) > kv.MaxKeySize {
		return kv.ErrKeyTooLarge
	}
	return b.B.Put(key, value)
}
func (b Bucket) Delete(key []byte) error                  { return b.B.Delete(key) }
func (b Bucket) ForEach(fn func(k, v []byte) error) error { return b.B.ForEach(fn) }
func (b Bucket) Cursor() kv.Cursor                        { return b.B.Cursor() }

// SetFillPercent lets a bucket whose keys mostly arrive in ascending order
// fill its pages before splitting them (bbolt's FillPercent).
func (b Bucket) SetFillPercent(f float64) { b.B.FillPercent = f }
