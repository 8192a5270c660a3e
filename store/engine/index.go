package engine

import "bytes"

// IndexEntry is one key of a derived bucket.
type IndexEntry struct {
	Bucket []byte
	Key    []byte
	Val    []byte
}

// IndexOp is one index write.
type IndexOp struct {
	Key, Val []byte
	Del      bool
}

// Cat joins byte strings into a new key.
func Cat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var zero = []byte{0}

// indexEntries derives every index key of a record: the engine's own (the
// fields for review, the record by kind and scope, or as deleted) and, for a
// live record, the domain's.
func (w *Tx) indexEntries(st *RecordState) []IndexEntry {
	out := make([]IndexEntry, 0, 12)
	add := func(b, k, v []byte) { out = append(out, IndexEntry{Bucket: b, Key: k, Val: v}) }
	id := st.ID[:]
	kind := []byte(st.Kind)
	for _, f := range st.ConflictFields() {
		add(BucketReview, Cat(id, []byte(f)), nil)
	}
	if st.Deleted() {
		add(BucketDeleted, Cat(kind, zero, id), nil)
		return out
	}
	add(BucketKinds, Cat(kind, zero, []byte(st.Scope), zero, id), nil)
	if w.index != nil {
		w.index(st, add)
	}
	return out
}

// indexDiff adds to ops what turns the old entries into the new ones.
func indexDiff(old, cur []IndexEntry, ops map[string][]IndexOp) {
	if len(old) == 0 {
		for _, e := range cur {
			ops[string(e.Bucket)] = append(ops[string(e.Bucket)], IndexOp{Key: e.Key, Val: e.Val})
		}
		return
	}
	type bk struct{ b, k string }
	before := make(map[bk][]byte, len(old))
	for _, e := range old {
		before[bk{string(e.Bucket), string(e.Key)}] = e.Val
	}
	for _, e := range cur {
		k := bk{string(e.Bucket), string(e.Key)}
		if v, ok := before[k]; ok {
			delete(before, k)
			if bytes.Equal(v, e.Val) {
				continue
			}
		}
		ops[k.b] = append(ops[k.b], IndexOp{Key: e.Key, Val: e.Val})
	}
	for k := range before {
		ops[k.b] = append(ops[k.b], IndexOp{Key: []byte(k.k), Del: true})
	}
}
