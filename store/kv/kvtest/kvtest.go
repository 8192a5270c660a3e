// Package kvtest holds the behaviour every kv backend must show, run
// against each of them by their tests: the store's rules assume exactly
// these and nothing more.
package kvtest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store/kv"
)

// Run checks db, which must be empty.
func Run(t *testing.T, open func(t *testing.T) kv.DB) {
	t.Run("BucketsAndValues", func(t *testing.T) { bucketsAndValues(t, open(t)) })
	t.Run("RollbackLeavesNothing", func(t *testing.T) { rollback(t, open(t)) })
	t.Run("CursorMatchesModel", func(t *testing.T) { cursorModel(t, open(t)) })
	t.Run("WritesSeenInsideTx", func(t *testing.T) { ownWrites(t, open(t)) })
	t.Run("PanicRollsBack", func(t *testing.T) { panicRollsBack(t, open(t)) })
	t.Run("KeyLimits", func(t *testing.T) { keyLimits(t, open(t)) })
}

// panicRollsBack: a panic inside Update leaves nothing written and no
// lock held: the next writer goes on.
func panicRollsBack(t *testing.T, db kv.DB) {
	func() {
		defer func() { recover() }()
		db.Update(func(tx kv.Tx) error {
			b, _ := tx.CreateBucketIfNotExists([]byte("p"))
			b.Put([]byte("k"), []byte("v"))
			panic("a bug")
		})
	}()
	done := make(chan error, 1)
	go func() {
		done <- db.Update(func(tx kv.Tx) error {
			if b := tx.Bucket([]byte("p")); b != nil && b.Get([]byte("k")) != nil {
				t.Error("a write of the panicking transaction was kept")
			}
			_, err := tx.CreateBucketIfNotExists([]byte("q"))
			return err
		})
	}()
	select {
	case err := <-done:
		must(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("after a panic in Update the next write never got the lock")
	}
}

// keyLimits: the longest key is taken and one byte more refused alike on
// every home; Seek(nil) is Seek of the empty key, the first key.
func keyLimits(t *testing.T, db kv.DB) {
	long := bytes.Repeat([]byte{0xff}, kv.MaxKeySize)
	must(t, db.Update(func(tx kv.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("l"))
		must(t, err)
		must(t, b.Put(long, []byte("v")))
		must(t, b.Put([]byte{0x01}, []byte("first")))
		if err := b.Put(append(long, 0), []byte("v")); !errors.Is(err, kv.ErrKeyTooLarge) {
			t.Errorf("a key of %d bytes: %v, want ErrKeyTooLarge", kv.MaxKeySize+1, err)
		}
		return nil
	}))
	must(t, db.View(func(tx kv.Tx) error {
		b := tx.Bucket([]byte("l"))
		if v := b.Get(long); string(v) != "v" {
			t.Errorf("the longest key reads back %q", v)
		}
		if k, _ := b.Cursor().Seek(nil); !bytes.Equal(k, []byte{0x01}) {
			t.Errorf("Seek(nil) = %x, want the first key", k)
		}
		return nil
	}))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func bucketsAndValues(t *testing.T, db kv.DB) {
	must(t, db.Update(func(tx kv.Tx) error {
		if tx.Bucket([]byte("a")) != nil {
			return errors.New("bucket exists before it was created")
		}
		b, err := tx.CreateBucketIfNotExists([]byte("a"))
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists([]byte{0}); err != nil {
			return err
		}
		names, err := tx.Buckets()
		if err != nil || len(names) != 2 || names[0][0] != 0 || string(names[1]) != "a" {
			t.Errorf("Buckets = %q, %v; want the two created, in byte order", names, err)
		}
		must(t, b.Put([]byte("k"), []byte("v")))
		must(t, b.Put([]byte("empty"), nil))
		return nil
	}))
	must(t, db.View(func(tx kv.Tx) error {
		b := tx.Bucket([]byte("a"))
		if b == nil {
			return errors.New("bucket lost")
		}
		if got := b.Get([]byte("k")); string(got) != "v" {
			t.Errorf("Get k = %q, want v", got)
		}
		// Index entries are keys with empty values: present, not absent.
		if got := b.Get([]byte("empty")); got == nil || len(got) != 0 {
			t.Errorf("Get of an empty value = %v, want an empty non-nil slice", got)
		}
		if got := b.Get([]byte("none")); got != nil {
			t.Errorf("Get of an absent key = %q, want nil", got)
		}
		if tx.Writable() {
			t.Error("View is writable")
		}
		return nil
	}))
	must(t, db.Update(func(tx kv.Tx) error {
		must(t, tx.DeleteBucket([]byte("a")))
		if err := tx.DeleteBucket([]byte("a")); !errors.Is(err, kv.ErrNoBucket) {
			t.Errorf("deleting a missing bucket: %v, want ErrNoBucket", err)
		}
		b, err := tx.CreateBucketIfNotExists([]byte("a"))
		must(t, err)
		if b.Get([]byte("k")) != nil {
			t.Error("a deleted bucket came back with its keys")
		}
		return nil
	}))
}

func rollback(t *testing.T, db kv.DB) {
	must(t, db.Update(func(tx kv.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("a"))
		must(t, err)
		return b.Put([]byte("kept"), []byte("1"))
	}))
	boom := errors.New("boom")
	err := db.Update(func(tx kv.Tx) error {
		b := tx.Bucket([]byte("a"))
		// More writes than one flush holds, so that some reach the
		// database before the failure.
		for i := range 20000 {
			must(t, b.Put(fmt.Appendf(nil, "k%06d", i), []byte("x")))
		}
		must(t, b.Delete([]byte("kept")))
		_, err := tx.CreateBucketIfNotExists([]byte("b"))
		must(t, err)
		return boom
	})
	if err != boom {
		t.Fatalf("Update returned %v, want the function's error", err)
	}
	must(t, db.View(func(tx kv.Tx) error {
		b := tx.Bucket([]byte("a"))
		n := 0
		must(t, b.ForEach(func(k, v []byte) error { n++; return nil }))
		if n != 1 || string(b.Get([]byte("kept"))) != "1" {
			t.Errorf("after a failed transaction the bucket holds %d keys, want only the one before it", n)
		}
		if tx.Bucket([]byte("b")) != nil {
			t.Error("a bucket created by a failed transaction exists")
		}
		return nil
	}))
}

// cursorModel compares every cursor move with a sorted slice, over keys of
// varied lengths and bytes (0x00 and 0xff included: byte order, not text).
func cursorModel(t *testing.T, db kv.DB) {
	rng := rand.New(rand.NewPCG(1, 2))
	model := map[string]string{}
	key := func() []byte {
		k := make([]byte, 1+rng.IntN(4))
		for i := range k {
			k[i] = []byte{0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 'a'}[rng.IntN(7)]
		}
		return k
	}
	for round := range 3 {
		must(t, db.Update(func(tx kv.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("c"))
			must(t, err)
			for range 1500 {
				k := key()
				if rng.IntN(4) == 0 {
					delete(model, string(k))
					must(t, b.Delete(k))
				} else {
					v := fmt.Sprint(round, rng.IntN(1000))
					model[string(k)] = v
					must(t, b.Put(k, []byte(v)))
				}
			}
			return nil
		}))
	}
	keys := make([]string, 0, len(model))
	for k := range model {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	must(t, db.View(func(tx kv.Tx) error {
		c := tx.Bucket([]byte("c")).Cursor()
		var got []string
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if model[string(k)] != string(v) {
				t.Fatalf("key %x: value %q, want %q", k, v, model[string(k)])
			}
			got = append(got, string(k))
		}
		if !slices.Equal(got, keys) {
			t.Fatalf("forward walk gives %d keys, want %d in order", len(got), len(keys))
		}
		got = got[:0]
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			got = append(got, string(k))
		}
		slices.Reverse(got)
		if !slices.Equal(got, keys) {
			t.Fatalf("backward walk gives %d keys, want %d", len(got), len(keys))
		}
		for range 500 {
			s := key()
			i, _ := slices.BinarySearch(keys, string(s))
			k, _ := c.Seek(s)
			want := ""
			if i < len(keys) {
				want = keys[i]
			}
			if string(k) != want {
				t.Fatalf("Seek(%x) = %x, want %x", s, k, want)
			}
			// Seek then Prev is how the log finds a skip that began
			// before a sequence number.
			k, _ = c.Prev()
			want = ""
			if i > 0 {
				want = keys[i-1]
			}
			if i == len(keys) {
				// Past the end: bbolt's Prev from there is undefined;
				// the store calls Last instead.
				continue
			}
			if string(k) != want {
				t.Fatalf("Seek(%x) then Prev = %x, want %x", s, k, want)
			}
		}
		return nil
	}))
}

func ownWrites(t *testing.T, db kv.DB) {
	must(t, db.Update(func(tx kv.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("o"))
		must(t, err)
		for i := range 100 {
			must(t, b.Put([]byte{byte(i)}, []byte{byte(i)}))
		}
		must(t, b.Delete([]byte{50}))
		if b.Get([]byte{50}) != nil || !bytes.Equal(b.Get([]byte{51}), []byte{51}) {
			t.Error("Get does not see this transaction's writes")
		}
		c := b.Cursor()
		n := 0
		for k, _ := c.Seek([]byte{40}); k != nil && k[0] < 60; k, _ = c.Next() {
			if k[0] == 50 {
				t.Error("cursor shows a key this transaction deleted")
			}
			n++
		}
		if n != 19 {
			t.Errorf("cursor saw %d keys in [40,60), want 19", n)
		}
		return nil
	}))
}
