package pgkv

import (
	"context"
	"testing"

	"github.com/cunzhan/cunzhan/store/kv"
	"github.com/cunzhan/cunzhan/store/kv/kvtest"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

func TestContract(t *testing.T) {
	kvtest.Run(t, func(t *testing.T) kv.DB {
		db, err := Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
