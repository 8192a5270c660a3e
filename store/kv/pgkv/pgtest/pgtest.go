// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema in the cluster that CUNZHAN_PG names (make test starts one with
// .ci/pg), dropped when the test ends.
//
// Under make test (CUNZHAN_REQUIRE_PG=1) a test that cannot reach the
// cluster fails; a developer's plain go test without CUNZHAN_PG skips it.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

var n atomic.Int64

// Base is the connection string of the test cluster, or "".
func Base() string { return os.Getenv("CUNZHAN_PG") }

// URL returns the connection string of a new empty schema.
func URL(t testing.TB) string {
	t.Helper()
	base := Base()
	if base == "" {
		if os.Getenv("CUNZHAN_REQUIRE_PG") != "" {
			t.Fatal("CUNZHAN_PG is not set: make test starts PostgreSQL with .ci/pg and names it there")
		}
		t.Skip("no PostgreSQL: set CUNZHAN_PG (make test does)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("PostgreSQL at %q: %v", base, err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("t%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, n.Add(1))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		_, _ = c.Exec(ctx, "DROP SCHEMA "+name+" CASCADE")
	})
	return WithSchema(base, name)
}

// WithSchema is the connection string base (a URL or key=value words) as
// a URL whose search_path is schema.
func WithSchema(base, schema string) string {
	u, err := url.Parse(AsURL(base))
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// AsURL turns a key=value connection string into a postgres:// URL (the
// form the county command's --db takes).
func AsURL(conn string) string {
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		return conn
	}
	q := url.Values{}
	for _, f := range strings.Fields(conn) {
		if k, v, ok := strings.Cut(f, "="); ok {
			q.Set(k, v)
		}
	}
	return "postgres:///?" + q.Encode()
}

// OnPostgres reports whether the store and sync suites run on PostgreSQL
// this time (CUNZHAN_TEST_BACKEND=postgres; make test runs them both ways).
func OnPostgres() bool { return os.Getenv("CUNZHAN_TEST_BACKEND") == "postgres" }

var byKey sync.Map // key → connection string

// URLFor is URL for a test's stand-in for a file path: the same key gets
// the same schema again, so that a test can close a store and open it
// again as it would a file.
func URLFor(t testing.TB, key string) string {
	if u, ok := byKey.Load(key); ok {
		return u.(string)
	}
	u := URL(t)
	byKey.Store(key, u)
	t.Cleanup(func() { byKey.Delete(key) })
	return u
}
