package store

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/cunzhan/cunzhan/store/kv"
)

// This file is what the sync package needs from the store: a consistent
// view of the log and the have vector, the scope checksums, and buckets of
// its own in the same file so that a bundle's receipt commits with its
// changes.

// syncPrefix is the name prefix of buckets owned by the sync package.
const syncPrefix = "sync_"

// Have is the have vector of this snapshot.
func (r *Reader) Have() (VV, error) {
	var v VV
	err := r.tx.Bucket(bHave).ForEach(func(k, val []byte) error {
		var o OriginID
		copy(o[:], k)
		v.Raise(o, getU64(val))
		return nil
	})
	return v, err
}

// LogEntry is one entry of an origin's log: a change, or a range of
// sequence numbers held as out of scope (Skip non-nil).
type LogEntry struct {
	Change *Change
	Skip   *Skip
}

// EachLogged calls fn for the log entries of origin o with sequence numbers
// in (after, upto], in order. A skip range that starts at or before after is
// reported from after+1.
func (r *Reader) EachLogged(o OriginID, after, upto uint64, fn func(LogEntry) error) error {
	c := r.tx.Bucket(bLog).Cursor()
	start := logKey(o, after+1)
	// A skip that began at or before after may reach past it.
	k, _ := c.Seek(start)
	var pk, pv []byte
	if k == nil {
		pk, pv = c.Last()
	} else {
		pk, pv = c.Prev()
	}
	if pk != nil && bytes.HasPrefix(pk, o[:]) {
		if to, ok := decodeSkip(pv); ok && to > after && after+1 <= upto {
			if err := fn(LogEntry{Skip: &Skip{Origin: o, From: after + 1, To: min(to, upto)}}); err != nil {
				return err
			}
		}
	}
	for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, o[:]); k, v = c.Next() {
		seq := getU64(k[16:])
		if seq > upto {
			break
		}
		if to, ok := decodeSkip(v); ok {
			if err := fn(LogEntry{Skip: &Skip{Origin: o, From: seq, To: min(to, upto)}}); err != nil {
				return err
			}
			continue
		}
		ch, err := DecodeChange(v)
		if err != nil {
			return fmt.Errorf("log %s: %w", Dot{o, seq}, err)
		}
		if err := fn(LogEntry{Change: ch}); err != nil {
			return err
		}
	}
	return nil
}

// ScopeSums returns the checksum of each scope named (absent: no records).
func (r *Reader) ScopeSums(scopes []string) map[string][]byte {
	out := map[string][]byte{}
	b := r.tx.Bucket(bScopeSum)
	for _, s := range scopes {
		if v := b.Get([]byte(s)); v != nil {
			out[s] = append([]byte(nil), v...)
		}
	}
	return out
}

// ScopesUnder lists the scopes holding records whose code starts with
// prefix, plus the ancestors of prefix that hold records (county- and
// township-wide records reach every village below them).
func (r *Reader) ScopesUnder(prefix string) []string {
	var out []string
	c := r.tx.Bucket(bScopeSum).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		s := string(k)
		if strings.HasPrefix(s, prefix) || strings.HasPrefix(prefix, s) {
			out = append(out, s)
		}
	}
	return out
}

// SyncBucket returns a bucket owned by the sync package, nil if it does not
// exist yet.
func (r *Reader) SyncBucket(name string) kv.Bucket {
	if !strings.HasPrefix(name, syncPrefix) {
		return nil
	}
	return r.tx.Bucket([]byte(name))
}

// SyncBucket returns (creating it if needed) a bucket owned by the sync
// package in this transaction.
func (t *WriteTx) SyncBucket(name string) (kv.Bucket, error) {
	if !strings.HasPrefix(name, syncPrefix) {
		return nil, fmt.Errorf("sync bucket %q: name must start with %q", name, syncPrefix)
	}
	return t.w.tx.CreateBucketIfNotExists([]byte(name))
}

// Reader gives read access to this transaction.
func (t *WriteTx) Reader() *Reader { return t.w.Reader }

// ApplyWithSkips merges remote changes and skips inside this transaction.
func (t *WriteTx) ApplyWithSkips(changes []*Change, skips []Skip) (ApplyStats, error) {
	items, err := toItems(changes, skips)
	if err != nil {
		return ApplyStats{}, err
	}
	var st ApplyStats
	err = t.w.applyItems(items, &st)
	return st, err
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

// SameAsLogged reports whether the log holds exactly this change under its
// origin and sequence number (false when it holds another content or
// nothing there).
func (r *Reader) SameAsLogged(c *Change) bool {
	return bytes.Equal(r.tx.Bucket(bLog).Get(logKey(c.Origin, c.Seq)), c.Encode())
}

// WriteCopy writes a consistent copy of the whole file, as of this read,
// to w (bbolt's online copy) and returns its size.
func (r *Reader) WriteCopy(w io.Writer) (int64, error) {
	if c, ok := r.tx.(io.WriterTo); ok {
		return c.WriteTo(w)
	}
	return 0, errNotFile("整库复制")
}
