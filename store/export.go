package store

import (
	"fmt"
	"io"
	"strings"

	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/kv"
)

// This file is what the sync package needs from the store beyond the
// engine's reads (the log, the have vector, the scope checksums, promoted
// from engine.Reader): the relay by scope, and buckets of its own in the
// same database so that a bundle's receipt commits with its changes.

// syncPrefix is the name prefix of buckets owned by the sync package.
const syncPrefix = "sync_"

// RelayFor prepares a relay to a station of scope (engine.Reader.RelayFor):
// its own scope, those below, and the township and county codes above it.
// Scopes have 6, 9 or 12 digits: a save derives them from a division code,
// and the county refuses a station's change of any other shape
// (IncomingCheck).
func (r *Reader) RelayFor(scope string) (rel *Relay, ok bool, err error) {
	return r.Reader.RelayFor(scope, ident.Ancestors(scope))
}

// SyncBucket returns a bucket owned by the sync package, nil if it does not
// exist yet.
func (r *Reader) SyncBucket(name string) kv.Bucket {
	if !strings.HasPrefix(name, syncPrefix) {
		return nil
	}
	return r.KV().Bucket([]byte(name))
}

// SyncBucket returns (creating it if needed) a bucket owned by the sync
// package in this transaction.
func (t *WriteTx) SyncBucket(name string) (kv.Bucket, error) {
	if !strings.HasPrefix(name, syncPrefix) {
		return nil, fmt.Errorf("sync bucket %q: name must start with %q", name, syncPrefix)
	}
	return t.w.KV.CreateBucketIfNotExists([]byte(name))
}

// Reader gives read access to this transaction.
func (t *WriteTx) Reader() *Reader { return t.w.Reader }

// ApplyWithSkips merges remote changes and skips inside this transaction.
func (t *WriteTx) ApplyWithSkips(changes []*Change, skips []Skip) (ApplyStats, error) {
	return t.w.Apply(changes, skips)
}

// SetStation records the station identity inside this transaction (a
// station's enrolment stores its credential in the same commit).
func (t *WriteTx) SetStation(info StationInfo) error {
	if cur := t.w.station; cur != nil && cur.Code != info.Code {
		return &Error{Code: "STATION_FIXED", Field: "station_code", Message: "本数据文件已设置为站点" + cur.Code + "，不能改为" + info.Code}
	}
	if err := putStation(t.w, info); err != nil {
		return err
	}
	return t.w.publishOrigin("")
}

// WriteCopy writes a consistent copy of the whole file, as of this read,
// to w (bbolt's online copy) and returns its size.
func (r *Reader) WriteCopy(w io.Writer) (int64, error) {
	if c, ok := r.KV().(io.WriterTo); ok {
		return c.WriteTo(w)
	}
	return 0, errNotFile("整库复制")
}
