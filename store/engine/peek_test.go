package engine

import (
	"testing"

	"github.com/google/uuid"
)

// The record id read without decoding a change is the one decoding reads,
// for known and unknown kinds; a cut or foreign value gives none.
func TestChangeRecordPeek(t *testing.T) {
	for _, kind := range []Kind{"household", "not_in_the_dictionary"} {
		c := &Change{Origin: OriginID(uuid.New()), Seq: 300, HLC: 1 << 40, Scope: "130131190201", Kind: kind, Record: uuid.New(),
			Fields: []Field{{Name: "name", Value: []byte(`"王"`)}}, Author: "甲"}
		b := testDict.EncodeChange(c)
		if id, ok := testDict.changeRecord(b); !ok || id != c.Record {
			t.Errorf("%s: peeked %v %v, want %v", kind, id, ok, c.Record)
		}
		if _, ok := testDict.changeRecord(b[:30]); ok {
			t.Errorf("%s: a cut change gave a record id", kind)
		}
	}
	if _, ok := testDict.changeRecord([]byte{0xff, 1, 2}); ok {
		t.Error("a value of another format gave a record id")
	}
}
