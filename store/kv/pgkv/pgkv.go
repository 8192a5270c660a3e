// Package pgkv is package kv on PostgreSQL, for a city or a province that
// runs one county server for many counties, with failover and several
// server processes. It uses plain SQL that PostgreSQL 13 and later run and
// needs no extension: two tables, one primary-key index.
//
//	cz_bucket(id, name, live)           the buckets; ids are never reused
//	cz_kv(b, k, v) PRIMARY KEY (b, k)   every bucket's keys, in byte order
//
// Byte order is PostgreSQL's own order of bytea, so a cursor is an index
// range scan. A write transaction first takes one transaction-scoped
// advisory lock, so that the writes of every process on the database
// follow one another as they do on a bbolt file, and keeps its writes in
// memory until it commits or a read needs them, then sends them in a few
// statements of thousands of rows each. A read-only transaction is a
// REPEATABLE READ snapshot.
package pgkv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cunzhan/cunzhan/store/kv"
)

// lockKey is the advisory lock every write transaction takes: a hash of
// the schema the tables live in, so that several counties kept in schemas
// of one database do not wait for one another.
func lockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("cunzhan\x00" + schema))
	return int64(h.Sum64())
}

// flushAt is how many pending writes a transaction keeps before sending
// them: enough for large statements, few enough to bound memory.
const flushAt = 8192

// A cursor fetches firstPage rows after a jump (First, Last, Seek): often
// only a few are read before the next jump. Walking on doubles the page up
// to pageSize.
const (
	firstPage = 16
	pageSize  = 512
)

const schema = `
CREATE TABLE IF NOT EXISTS cz_bucket (
	id   integer PRIMARY KEY,
	name bytea NOT NULL UNIQUE,
	live boolean NOT NULL
);
CREATE TABLE IF NOT EXISTS cz_kv (
	b integer NOT NULL,
	k bytea NOT NULL,
	v bytea NOT NULL,
	PRIMARY KEY (b, k)
);`

// DB is a PostgreSQL database seen through kv.
type DB struct {
	pool *pgxpool.Pool
	ctx  context.Context
	lock int64
}

// Open connects to the database named by url (postgres://… or a keyword
// string) and creates the tables if they are missing.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("数据库地址不对：%w", err)
	}
	// A server process that vanishes mid-transaction (power cut, a cut
	// cable: no FIN reaches the database) would hold the county's write
	// lock until TCP gave up, hours later. These end its session sooner,
	// unless the connection string says otherwise.
	for k, v := range map[string]string{
		"idle_in_transaction_session_timeout": "300000", // ms
		"tcp_keepalives_idle":                 "60",
		"tcp_keepalives_interval":             "10",
		"tcp_keepalives_count":                "6",
	} {
		if _, set := cfg.ConnConfig.RuntimeParams[k]; !set {
			cfg.ConnConfig.RuntimeParams[k] = v
		}
	}
	if !strings.Contains(url, "pool_max_conns") {
		// Each import holds a connection for its station's lock beside the
		// one its transactions use.
		cfg.MaxConns = max(cfg.MaxConns, 16)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	d := &DB{pool: pool, ctx: ctx}
	// Two processes starting at once on an empty database must not both
	// create the tables: the first takes the write lock.
	err = pgx.BeginFunc(ctx, pool, func(t pgx.Tx) error {
		var sch *string
		if err := t.QueryRow(ctx, "SELECT current_schema()").Scan(&sch); err != nil {
			return err
		}
		if sch == nil {
			return errors.New("没有可用的模式（search_path 指向的模式不存在）")
		}
		d.lock = lockKey(*sch)
		if _, err := t.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", d.lock); err != nil {
			return err
		}
		_, err := t.Exec(ctx, schema)
		return err
	})
	if err != nil {
		pool.Close()
		return nil, err
	}
	return d, nil
}

// Lock holds a session advisory lock on a connection of its own until
// unlock; if this process dies, PostgreSQL ends the session and the lock
// with it.
func (d *DB) Lock(ctx context.Context, name string) (func(), error) {
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return nil, &kv.StorageError{Op: "lock " + name, Err: err}
	}
	key := lockKey(fmt.Sprint(d.lock, "\x00", name))
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		conn.Release()
		return nil, &kv.StorageError{Op: "lock " + name, Err: err}
	}
	return func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); err != nil {
			// The session may still hold it: end the session.
			conn.Conn().Close(context.WithoutCancel(ctx))
		}
		conn.Release()
	}, nil
}

// Close closes the connections.
func (d *DB) Close() error {
	d.pool.Close()
	return nil
}

// Shared is true: other server processes may write between our
// transactions.
func (d *DB) Shared() bool { return true }

// Pool is the connection pool (benchmarks, tests).
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

func (d *DB) View(fn func(kv.Tx) error) error {
	return d.run(pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, false, fn)
}

func (d *DB) Update(fn func(kv.Tx) error) error {
	return d.run(pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, true, fn)
}

func (d *DB) run(opt pgx.TxOptions, writable bool, fn func(kv.Tx) error) (err error) {
	pt, err := d.pool.BeginTx(d.ctx, opt)
	if err != nil {
		return &kv.StorageError{Op: "begin", Err: err}
	}
	t := &tx{ctx: d.ctx, pg: pt, writable: writable}
	lock := d.lock
	defer func() {
		if p := recover(); p != nil {
			// A panic in fn must not leave the transaction open: it holds
			// the write lock of every server process on this database.
			_ = pt.Rollback(context.WithoutCancel(d.ctx))
			panic(p)
		}
		if err != nil {
			_ = pt.Rollback(context.WithoutCancel(d.ctx))
		}
	}()
	if writable {
		if _, err := pt.Exec(d.ctx, "SELECT pg_advisory_xact_lock($1)", lock); err != nil {
			return &kv.StorageError{Op: "write lock", Err: err}
		}
	}
	if err := t.loadBuckets(); err != nil {
		return err
	}
	if err := fn(t); err != nil {
		if t.err != nil {
			return t.err // the database failed first; fn saw its nil
		}
		return err
	}
	if t.err != nil {
		return t.err
	}
	if writable {
		if err := t.flushAll(); err != nil {
			return err
		}
	}
	if err := pt.Commit(d.ctx); err != nil {
		return &kv.StorageError{Op: "commit", Err: err}
	}
	return nil
}

// tx is one transaction. A failed statement inside Get or a cursor move,
// which cannot return an error, is kept in err: the transaction then
// returns it and commits nothing.
type tx struct {
	ctx      context.Context
	pg       pgx.Tx
	writable bool
	err      error

	staged  bool             // the temporary table of copyIn exists
	ids     map[string]int32 // every bucket name ever created
	live    map[string]bool
	buckets map[string]*bucket
	nextID  int32
}

func (t *tx) fail(err error) {
	if t.err == nil && err != nil {
		t.err = err
	}
}

func (t *tx) loadBuckets() error {
	t.ids, t.live, t.buckets = map[string]int32{}, map[string]bool{}, map[string]*bucket{}
	rows, err := t.pg.Query(t.ctx, "SELECT id, name, live FROM cz_bucket")
	if err != nil {
		return &kv.StorageError{Op: "read buckets", Err: err}
	}
	defer rows.Close()
	for rows.Next() {
		var id int32
		var name []byte
		var live bool
		if err := rows.Scan(&id, &name, &live); err != nil {
			return &kv.StorageError{Op: "read buckets", Err: err}
		}
		t.ids[string(name)], t.live[string(name)] = id, live
		t.nextID = max(t.nextID, id+1)
	}
	return rows.Err()
}

func (t *tx) Buckets() ([][]byte, error) {
	var out [][]byte
	for name, live := range t.live {
		if live {
			out = append(out, []byte(name))
		}
	}
	slices.SortFunc(out, bytes.Compare)
	return out, nil
}

func (t *tx) Writable() bool { return t.writable }

func (t *tx) Bucket(name []byte) kv.Bucket {
	if b := t.bucket(name); b != nil {
		return b
	}
	return nil
}

func (t *tx) bucket(name []byte) *bucket {
	if b, ok := t.buckets[string(name)]; ok {
		return b
	}
	if !t.live[string(name)] {
		return nil
	}
	b := &bucket{t: t, id: t.ids[string(name)]}
	t.buckets[string(name)] = b
	return b
}

func (t *tx) CreateBucketIfNotExists(name []byte) (kv.Bucket, error) {
	if b := t.bucket(name); b != nil {
		return b, nil
	}
	if !t.writable {
		return nil, errors.New("create bucket: read-only transaction")
	}
	if len(name) == 0 {
		return nil, errors.New("create bucket: empty name")
	}
	id, known := t.ids[string(name)]
	if !known {
		id = t.nextID
		t.nextID++
	}
	_, err := t.pg.Exec(t.ctx, `INSERT INTO cz_bucket (id, name, live) VALUES ($1, $2, true)
		ON CONFLICT (id) DO UPDATE SET live = true`, id, name)
	if err != nil {
		return nil, &kv.StorageError{Op: "create bucket " + string(name), Err: err}
	}
	t.ids[string(name)], t.live[string(name)] = id, true
	return t.bucket(name), nil
}

func (t *tx) DeleteBucket(name []byte) error {
	b := t.bucket(name)
	if b == nil {
		return kv.ErrNoBucket
	}
	if !t.writable {
		return errors.New("delete bucket: read-only transaction")
	}
	b.pending, b.read = nil, nil
	if _, err := t.pg.Exec(t.ctx, "DELETE FROM cz_kv WHERE b = $1", b.id); err != nil {
		return &kv.StorageError{Op: "delete bucket " + string(name), Err: err}
	}
	if _, err := t.pg.Exec(t.ctx, "UPDATE cz_bucket SET live = false WHERE id = $1", b.id); err != nil {
		return &kv.StorageError{Op: "delete bucket " + string(name), Err: err}
	}
	b.gone = true
	delete(t.buckets, string(name))
	t.live[string(name)] = false
	return nil
}

func (t *tx) flushAll() error {
	for _, b := range t.buckets {
		if err := b.flush(); err != nil {
			return err
		}
	}
	return nil
}

// bucket keeps the writes of this transaction not yet sent: key → value,
// a nil value for a deletion.
type bucket struct {
	t       *tx
	id      int32
	gone    bool
	pending map[string][]byte
	// read holds values fetched ahead (Prefetch), absent for keys the
	// database does not hold. A write transaction holds the write lock, so
	// nothing else changes them meanwhile; its own writes are in pending,
	// which is looked at first.
	read map[string]fetched
}

// fetched is a value read ahead; ok is false for a key the database does
// not hold.
type fetched struct {
	v  []byte
	ok bool
}

func (b *bucket) Get(key []byte) []byte {
	if v, ok := b.pending[string(key)]; ok {
		return v
	}
	if b.gone || b.t.err != nil {
		return nil
	}
	if f, ok := b.read[string(key)]; ok {
		return f.v
	}
	var v []byte
	err := b.t.pg.QueryRow(b.t.ctx, "SELECT v FROM cz_kv WHERE b = $1 AND k = $2", b.id, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		b.t.fail(&kv.StorageError{Op: "get", Err: err})
		return nil
	}
	if v == nil {
		v = []byte{}
	}
	return v
}

// Prefetch reads the keys not yet known in this transaction, in one
// statement per few thousand.
func (b *bucket) Prefetch(keys [][]byte) {
	if b.gone || b.t.err != nil {
		return
	}
	if b.read == nil {
		b.read = map[string]fetched{}
	}
	var ask [][]byte
	for _, k := range keys {
		if _, ok := b.pending[string(k)]; ok {
			continue
		}
		if _, ok := b.read[string(k)]; !ok {
			b.read[string(k)] = fetched{}
			ask = append(ask, k)
		}
	}
	for len(ask) > 0 {
		n := min(len(ask), flushAt)
		rows, err := b.t.pg.Query(b.t.ctx, "SELECT k, v FROM cz_kv WHERE b = $1 AND k = ANY($2::bytea[])", b.id, ask[:n])
		if err != nil {
			b.t.fail(&kv.StorageError{Op: "prefetch", Err: err})
			return
		}
		for rows.Next() {
			var k, v []byte
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				b.t.fail(&kv.StorageError{Op: "prefetch", Err: err})
				return
			}
			if v == nil {
				v = []byte{}
			}
			b.read[string(k)] = fetched{v: v, ok: true}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			b.t.fail(&kv.StorageError{Op: "prefetch", Err: err})
			return
		}
		ask = ask[n:]
	}
}

func (b *bucket) Put(key, value []byte) error {
	if !b.t.writable {
		return errors.New("put: read-only transaction")
	}
	if len(key) == 0 {
		return errors.New("put: empty key")
	}
	if len(key) > kv.MaxKeySize {
		return kv.ErrKeyTooLarge
	}
	if b.pending == nil {
		b.pending = map[string][]byte{}
	}
	v := make([]byte, len(value))
	copy(v, value)
	b.pending[string(key)] = v
	return b.flushIfFull()
}

func (b *bucket) Delete(key []byte) error {
	if !b.t.writable {
		return errors.New("delete: read-only transaction")
	}
	if b.pending == nil {
		b.pending = map[string][]byte{}
	}
	b.pending[string(key)] = nil // a deletion
	return b.flushIfFull()
}

func (b *bucket) flushIfFull() error {
	if len(b.pending) < flushAt {
		return nil
	}
	return b.flush()
}

// flush sends the pending writes: one statement for the upserts and one
// for the deletions, each of arrays of keys.
func (b *bucket) flush() error {
	if len(b.pending) == 0 || b.gone {
		b.pending = nil
		return nil
	}
	var pk, pv, dk [][]byte
	for k, v := range b.pending {
		if v == nil {
			dk = append(dk, []byte(k))
		} else {
			pk, pv = append(pk, []byte(k)), append(pv, v)
		}
		if _, ok := b.read[k]; ok {
			// What was read ahead is now what this transaction wrote.
			b.read[k] = fetched{v: v, ok: v != nil}
		}
	}
	b.pending = nil
	if len(dk) > 0 {
		if _, err := b.t.pg.Exec(b.t.ctx, "DELETE FROM cz_kv WHERE b = $1 AND k = ANY($2::bytea[])", b.id, dk); err != nil {
			return &kv.StorageError{Op: "delete", Err: err}
		}
	}
	if len(pk) >= copyFrom {
		return b.copyIn(pk, pv)
	}
	if len(pk) > 0 {
		_, err := b.t.pg.Exec(b.t.ctx, `INSERT INTO cz_kv (b, k, v)
			SELECT $1, k, v FROM unnest($2::bytea[], $3::bytea[]) AS t(k, v)
			ON CONFLICT (b, k) DO UPDATE SET v = EXCLUDED.v`, b.id, pk, pv)
		if err != nil {
			return &kv.StorageError{Op: "put", Err: err}
		}
	}
	return nil
}

// copyFrom is the number of rows from which a flush goes through COPY, the
// fastest way into PostgreSQL, rather than one INSERT of arrays.
const copyFrom = 512

// copyIn writes many rows: COPY into a temporary table, then one upsert
// from it, in key order (neighbouring keys share index pages).
func (b *bucket) copyIn(pk, pv [][]byte) error {
	t := b.t
	if !t.staged {
		_, err := t.pg.Exec(t.ctx, `CREATE TEMP TABLE IF NOT EXISTS cz_stage (k bytea, v bytea) ON COMMIT DROP`)
		if err != nil {
			return &kv.StorageError{Op: "stage", Err: err}
		}
		t.staged = true
	}
	rows := make([][]any, len(pk))
	for i := range pk {
		rows[i] = []any{pk[i], pv[i]}
	}
	if _, err := t.pg.CopyFrom(t.ctx, pgx.Identifier{"cz_stage"}, []string{"k", "v"}, pgx.CopyFromRows(rows)); err != nil {
		return &kv.StorageError{Op: "copy", Err: err}
	}
	_, err := t.pg.Exec(t.ctx, `INSERT INTO cz_kv (b, k, v) SELECT $1, k, v FROM cz_stage ORDER BY k
		ON CONFLICT (b, k) DO UPDATE SET v = EXCLUDED.v`, b.id)
	if err == nil {
		_, err = t.pg.Exec(t.ctx, `TRUNCATE cz_stage`)
	}
	if err != nil {
		return &kv.StorageError{Op: "put", Err: err}
	}
	return nil
}

func (b *bucket) ForEach(fn func(k, v []byte) error) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return b.t.err
}

func (b *bucket) Cursor() kv.Cursor { return &cursor{b: b} }

// cursor holds one page of rows fetched in one direction; moving past its
// end fetches the next page from the key it stands on.
type cursor struct {
	b       *bucket
	limit   int // rows of the next page
	keys    [][]byte
	vals    [][]byte
	i       int
	forward bool
	done    bool // the page reached the end of the bucket in its direction
}

func (c *cursor) fetch(cond string, key []byte, forward bool) (k, v []byte) {
	c.keys, c.vals, c.i, c.forward, c.done = nil, nil, 0, forward, false
	t := c.b.t
	if c.b.gone || t.err != nil {
		c.done = true
		return nil, nil
	}
	if err := c.b.flush(); err != nil {
		t.fail(err)
		return nil, nil
	}
	order := "ASC"
	if !forward {
		order = "DESC"
	}
	q := "SELECT k, v FROM cz_kv WHERE b = $1"
	args := []any{c.b.id}
	if cond != "" {
		q += " AND k " + cond + " $2"
		args = append(args, key)
	}
	q += fmt.Sprintf(" ORDER BY k %s LIMIT %d", order, c.limit)
	rows, err := t.pg.Query(t.ctx, q, args...)
	if err != nil {
		t.fail(&kv.StorageError{Op: "cursor", Err: err})
		return nil, nil
	}
	defer rows.Close()
	for rows.Next() {
		var k, v []byte
		if err := rows.Scan(&k, &v); err != nil {
			t.fail(&kv.StorageError{Op: "cursor", Err: err})
			return nil, nil
		}
		if v == nil {
			v = []byte{}
		}
		c.keys, c.vals = append(c.keys, k), append(c.vals, v)
	}
	if err := rows.Err(); err != nil {
		t.fail(&kv.StorageError{Op: "cursor", Err: err})
		return nil, nil
	}
	c.done = len(c.keys) < c.limit
	return c.at()
}

func (c *cursor) at() (k, v []byte) {
	if c.i < 0 || c.i >= len(c.keys) {
		return nil, nil
	}
	return c.keys[c.i], c.vals[c.i]
}

func (c *cursor) First() (k, v []byte) { c.limit = firstPage; return c.fetch("", nil, true) }
func (c *cursor) Last() (k, v []byte)  { c.limit = firstPage; return c.fetch("", nil, false) }

func (c *cursor) Seek(seek []byte) (k, v []byte) {
	if seek == nil {
		seek = []byte{} // bbolt's nil is the empty key, not SQL's NULL
	}
	c.limit = firstPage
	return c.fetch(">=", seek, true)
}

// more grows the page for a walk that goes on.
func (c *cursor) more() { c.limit = min(2*c.limit, pageSize) }

func (c *cursor) Next() (k, v []byte) { return c.step(true) }
func (c *cursor) Prev() (k, v []byte) { return c.step(false) }

// step moves one key on in a direction: within the page if it was fetched
// that way and goes on, else by fetching the next page from the key the
// cursor stands on.
func (c *cursor) step(forward bool) (k, v []byte) {
	cur, _ := c.at()
	if cur == nil {
		return nil, nil
	}
	if c.forward == forward {
		if c.i+1 < len(c.keys) {
			c.i++
			return c.at()
		}
		if c.done {
			c.i = len(c.keys)
			return nil, nil
		}
	}
	c.more()
	if forward {
		return c.fetch(">", cur, true)
	}
	return c.fetch("<", cur, false)
}
