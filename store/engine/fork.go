package engine

import (
	"bytes"
	"fmt"

	"github.com/cunzhan/cunzhan/store/kv"
)

// Unlog takes origin o's entries from sequence number from on out of the
// log and the pending queue, lowers the have vector to from-1, and returns
// the changes among them in order. It is the engine's half of repairing a
// fork (a replica restored from an old copy issued numbers another copy
// had used): the caller writes the changes again under a new origin and
// rebuilds the derived buckets, in the same transaction.
func Unlog(tx kv.Tx, dict *Dict, o OriginID, from uint64) ([]*Change, error) {
	var out []*Change
	for _, name := range [][]byte{BucketLog, BucketPending} {
		b := tx.Bucket(name)
		var keys [][]byte
		c := b.Cursor()
		for k, v := c.Seek(LogKey(o, from)); k != nil && bytes.HasPrefix(k, o[:]); k, v = c.Next() {
			keys = append(keys, append([]byte(nil), k...))
			if bytes.Equal(name, BucketLog) && len(v) > 0 && v[0] != skipFormat {
				ch, err := dict.DecodeChange(v)
				if err != nil {
					return nil, fmt.Errorf("unlog %x: %w", k, err)
				}
				out = append(out, ch)
			}
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return nil, err
			}
		}
	}
	if GetU64(tx.Bucket(BucketHave).Get(o[:])) >= from {
		if err := tx.Bucket(BucketHave).Put(append([]byte(nil), o[:]...), U64(from-1)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
