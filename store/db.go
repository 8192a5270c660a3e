package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/engine"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/kv"
	"github.com/cunzhan/cunzhan/store/kv/boltkv"
)

// The store's own buckets, beside the engine's (engine.go): its settings,
// its alarms and the domain's indexes, derived from the records like the
// engine's and rebuilt with them.
var (
	bMeta  = []byte("meta")
	bAlarm = []byte("alarm") // time-ordered id -> JSON of something that must not happen

	bIxSearch = []byte("ix_search") // id -> kind 0 scope 0 name 0 initials (see search.go)
	bIxIDH    = []byte("ix_idh")    // hmac(id number)(16) id -> nil
	bIxRef    = []byte("ix_ref")    // target(16) kind 0 src(16) -> nil
	bIxNo     = []byte("ix_no")     // record number 0 id -> nil
	bIxVisit  = []byte("ix_visit")  // month(6) elderly(16) visit(16) -> status 0 method
	bIxDue    = []byte("ix_due")    // date(8) loan(16) -> nil (instalment dates of live loans)
	bIxCov    = []byte("ix_cov")    // scope 0 elderly profile(16) -> person(16) enrol 0 status 0 exit 0 tier
	bIxGone   = []byte("ix_gone")   // person(16) -> status 0 status date (persons not 在册)
	bIxAged   = []byte("ix_aged")   // scope 0 person(16) -> birth date (signingmarks.go)
	bIxSign   = []byte("ix_sign")   // scope 0 signing(16) -> person(16) from 0 to 0 status 0 ended (signingmarks.go)
)

// domainBuckets are the domain's derived buckets (index.go).
var domainBuckets = [][]byte{bIxSearch, bIxIDH, bIxRef, bIxNo, bIxVisit, bIxDue, bIxCov, bIxGone, bIxAged, bIxSign}

var allBuckets = slices.Concat([][]byte{bMeta, bAlarm}, engine.FactBuckets, engine.DerivedBuckets, domainBuckets)

// Meta keys.
var (
	mSchema  = []byte("schema")
	mOrigin  = []byte("origin")
	mSeq     = []byte("seq")
	mHLC     = []byte("hlc")
	mFileID  = []byte("file_id")
	mHMAC    = []byte("hmac_key")
	mStation = []byte("station")
	mPolicy  = []byte("policy")
	mCreated = []byte("created")
	// mSearchGen counts the commits that changed the name index, on a
	// database several processes share (see searchIndex.gen).
	mSearchGen = []byte("search_gen")
)

// dbSchema is the layout version of the bbolt file.
const dbSchema = 5

// migration moves a database from one layout version to the next, inside
// the opening transaction (or, for a protected file, the unlocking one:
// its codec needs the data key).
type migration func(tx kv.Tx, c codecIn) error

// migrations[v] upgrades a version-v file to v+1. Index layout changes need
// nothing more than a rebuild, because every derived bucket is a function of
// the log.
var migrations = map[int]migration{
	// 1 → 2: the name-suffix and pinyin indexes gave way to one search
	// entry per record.
	1: func(tx kv.Tx, c codecIn) error {
		for _, old := range []string{"ix_name", "ix_py"} {
			if tx.Bucket([]byte(old)) != nil {
				if err := tx.DeleteBucket([]byte(old)); err != nil {
					return err
				}
			}
		}
		return c.rebuild(tx)
	},
	// 2 → 3: a county keeps the relay index (relay.go).
	2: func(tx kv.Tx, c codecIn) error {
		var st StationInfo
		if b := tx.Bucket(bMeta).Get(mStation); b == nil || json.Unmarshal(b, &st) != nil || st.Type != CountyType {
			return nil
		}
		return engine.BuildRelayIndex(tx, c.dict)
	},
	// 3 → 4: the coverage indexes (ix_cov, ix_gone), so that a county's
	// dashboard counts its elders without reading their records.
	3: func(tx kv.Tx, c codecIn) error { return c.rebuild(tx) },
	// 4 → 5: the signing-rate indexes (ix_aged, ix_sign), so that the
	// family-doctor signing rate counts a county's people without reading
	// their records.
	4: func(tx kv.Tx, c codecIn) error { return c.rebuild(tx) },
}

// Options tune Open.
type Options struct {
	// Timeout bounds the wait for another process's lock (default 1s).
	Timeout time.Duration
	// RegistryDir is where the highest sequence number issued per origin is
	// remembered outside the database file, to notice a file restored in
	// place. "" means the user config dir; "-" turns it off.
	RegistryDir string
	// Now replaces the wall clock (tests).
	Now func() time.Time
	// ReadOnly opens the file for reading only (reports on a copy).
	ReadOnly bool
	// KDF is the cost of turning new passwords into keys (default
	// crypt.DefaultKDF; tests use crypt.FastKDF).
	KDF *crypt.KDF
	// restored, set by Restore, starts a new origin for this reason.
	restored string
	// RestoredBy names, for the audit log, the operator who restores.
	RestoredBy string
}

// CountyType is the station type of a county centre (package ident).
const CountyType = "县级中心"

// StationInfo is the identity of this installation's station.
type StationInfo struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Scope string `json:"scope"`
}

// Store is one station's or county's database. It is safe for concurrent
// use; writes are serialised by the storage (bbolt's single writer, or
// PostgreSQL's advisory lock across processes).
type Store struct {
	db kv.DB
	// file is the bbolt file under db, nil on PostgreSQL: automatic
	// copies, memory release and the online copy work on it alone.
	file *bolt.DB
	// closed is set by Close: work that a window schedules for later
	// (handing memory back after a pause) finds the store gone and does
	// nothing.
	closed   atomic.Bool
	path     string
	now      func() time.Time
	registry string
	readOnly bool
	restored string
	// backupErr is why today's automatic copy failed (see dailyBackup).
	backupErr error
	// registryErr is why the registry could not be written (see remember).
	registryErr error

	mu      sync.Mutex // guards the fields below
	origin  OriginID
	seq     uint64
	clk     engine.Clock
	hmacKey []byte
	station *StationInfo
	policy  Policy
	// ring is a protected file's keyring (nil: unprotected) and keys the
	// data key while given (keys.go).
	ring *keyring
	keys *unlocked
	// kdf is the cost of new password keys (tests make it cheap).
	kdf crypt.KDF
	// buildLater: a protected file opened read-only whose backlog is
	// built when the data key is given.
	buildLater bool

	search searchIndex
	locks  map[string]chan struct{} // see Serialize
}

// DefaultPath is where the station database lives unless --data says
// otherwise.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find config dir: %w", err)
	}
	return filepath.Join(dir, "cunzhan", "cunzhan.db"), nil
}

// Open opens or creates the station database at path. If another process
// holds it, Open fails within opt.Timeout with code DB_LOCKED.
func Open(path string, opt *Options) (*Store, error) {
	if opt == nil {
		opt = &Options{}
	}
	timeout := opt.Timeout
	if timeout == 0 {
		timeout = time.Second
	}
	s := newStore(path, opt.Now)
	s.readOnly, s.restored = opt.ReadOnly, opt.restored
	if opt.KDF != nil {
		s.kdf = *opt.KDF
	}
	switch opt.RegistryDir {
	case "-":
	case "":
		if dir, err := os.UserConfigDir(); err == nil {
			s.registry = filepath.Join(dir, "cunzhan", "origins")
		}
	default:
		s.registry = opt.RegistryDir
	}
	if !opt.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, ioError("create data dir", err)
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, &Error{Code: CodeNotFound, Message: "找不到数据文件", Err: err}
	}
	fresh := true
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		fresh = false
	}
	if err := checkFile(path); err != nil {
		if lockedElsewhere(path) {
			// Another program is writing it: not damaged, busy.
			return nil, &Error{Code: CodeLocked, Message: "数据库正被另一个程序使用（可能已经打开了一个村站窗口）。请关闭另一个窗口后重试", Err: err}
		}
		return nil, corrupt(path, err)
	}
	if err := s.openBolt(timeout); err != nil {
		return nil, err
	}
	if !opt.ReadOnly {
		s.remember()
		if !fresh {
			s.backupErr = s.dailyBackup()
		}
	}
	return s, nil
}

// openBolt maps the file and reads or initialises it. Faults while bbolt
// reads the mapped file become errors here: checkFile has looked at the
// structure, but a page can still be damaged inside.
func (s *Store) openBolt(timeout time.Duration) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if s.file != nil {
				s.file.Close()
				s.file, s.db = nil, nil
			}
			err = corrupt(s.path, fmt.Errorf("%v", r))
		}
	}()
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{
		Timeout:      timeout,
		FreelistType: bolt.FreelistMapType,
		ReadOnly:     s.readOnly,
	})
	if err != nil {
		return ioError("open store", err)
	}
	s.file, s.db = db, boltkv.New(db)
	if s.readOnly {
		lagging := false
		err = s.db.View(func(tx kv.Tx) error {
			lagging = engine.Backlogged(tx)
			return s.load(tx)
		})
		if err == nil && lagging && s.ring != nil {
			// Protected: built once the data key is given.
			s.buildLater = true
		} else if err == nil && lagging {
			// A read-only reader cannot build what the county appended
			// last: build it once, writable, then read.
			db.Close()
			s.file, s.db = nil, nil
			return s.buildThenReadOnly(timeout)
		}
	} else {
		err = s.db.Update(s.init)
	}
	if err != nil {
		db.Close()
		s.file, s.db = nil, nil
		return ioError("open store", err)
	}
	return nil
}

// newStore is a store not yet opened, its clock reading now (the wall
// clock if nil).
func newStore(path string, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	s := &Store{path: path, now: now, kdf: crypt.DefaultKDF}
	s.clk.Now = now
	return s
}

// OpenKV opens or initialises a store kept in db, a database that is not a
// bbolt file (PostgreSQL): name is how messages name it. It has no
// registry of issued numbers, no automatic copies and no file checks: the
// database server does those jobs (replicas, base backups, checksums).
func OpenKV(db kv.DB, name string, opt *Options) (*Store, error) {
	if opt == nil {
		opt = &Options{}
	}
	s := newStore(name, opt.Now)
	s.db = db
	if opt.KDF != nil {
		s.kdf = *opt.KDF
	}
	if err := s.db.Update(s.init); err != nil {
		return nil, ioError("open store", err)
	}
	return s, nil
}

// corrupt is the error for a damaged file: what is wrong, and where the
// newest good automatic copy is.
func corrupt(path string, why error) error {
	msg := "数据文件已损坏，无法打开：" + path
	var d errDamaged
	if errors.As(why, &d) {
		msg += "（" + string(d) + "）"
	}
	if b := LastGoodBackup(path); b != "" {
		msg += "。最近一份完好的自动备份：" + b + "，可用 restore 命令恢复（cunzhan restore 备份文件），或在窗口的设置页选“从备份恢复”"
	} else {
		msg += "。没有找到自动备份；请找县里按本站最后一次同步的数据重建"
	}
	return &Error{Code: CodeCorrupt, Message: msg, Err: why}
}

// Closed reports whether Close has been called.
func (s *Store) Closed() bool { return s.closed.Load() }

// OpenOptions are the options to open the same file again as this store
// was opened (after a restore).
func (s *Store) OpenOptions() *Options {
	reg := s.registry
	if reg == "" {
		reg = "-"
	}
	return &Options{RegistryDir: reg, Now: s.now}
}

// BackupProblem is why today's automatic copy could not be taken, or nil.
func (s *Store) BackupProblem() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.backupErr
}

// Close closes the database, after recording the sequence number reached.
func (s *Store) Close() error {
	if s.db == nil || s.closed.Swap(true) {
		return nil
	}
	if !s.readOnly {
		s.remember()
	}
	return s.db.Close()
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Origin is this installation's current origin id.
func (s *Store) Origin() OriginID {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.origin
}

// Station returns the station identity, or nil before setup.
func (s *Store) Station() *StationInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.station == nil {
		return nil
	}
	st := *s.station
	return &st
}

// Today is the current date in Asia/Shanghai.
func (s *Store) Today() Date { return DateOf(s.now().In(ChinaTZ)) }

// KV is the storage under the store (tests and benchmarks).
func (s *Store) KV() kv.DB { return s.db }

// errNotFile refuses what only a bbolt file can do.
func errNotFile(what string) error {
	return &Error{Code: "NOT_A_FILE", Message: what + "只能用于本机的数据文件；数据库服务器上的数据请用数据库自己的备份"}
}

func (s *Store) init(tx kv.Tx) error {
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	meta := tx.Bucket(bMeta)
	if meta.Get(mSchema) == nil {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return fmt.Errorf("hmac key: %w", err)
		}
		if err := putAll(meta, mSchema, u64(dbSchema), mHMAC, key, mCreated, []byte(s.now().UTC().Format(time.RFC3339))); err != nil {
			return err
		}
		if err := s.mintOrigin(tx, ""); err != nil {
			return err
		}
	}
	version := int(binary.BigEndian.Uint64(meta.Get(mSchema)))
	if meta.Get(mKeyring) == nil {
		if err := migrate(tx, version, dbSchema, migrations, codecIn{Dict, meta.Get(mHMAC)}); err != nil {
			return err
		}
	} else if version > dbSchema {
		return migrate(tx, version, dbSchema, migrations, codecIn{})
	}
	// A protected file older than this program migrates when unlocked.
	if err := s.load(tx); err != nil {
		return err
	}
	// A copied or restored file must not go on issuing sequence numbers
	// that the original may already have used for other content.
	reason := s.copiedOrRestored(tx)
	if s.restored != "" {
		reason = s.restored
	}
	if reason != "" {
		if err := s.mintOrigin(tx, reason); err != nil {
			return err
		}
		return s.load(tx)
	}
	return nil
}

// migrate runs steps[from] … steps[to-1] in order.
func migrate(tx kv.Tx, from, to int, steps map[int]migration, c codecIn) error {
	if from > to {
		return &Error{Code: CodeTooNew, Message: fmt.Sprintf("数据文件由更新版本的村站创建（格式 %d，本程序支持 %d），请先升级程序", from, to)}
	}
	for v := from; v < to; v++ {
		step, ok := steps[v]
		if !ok {
			return fmt.Errorf("migrate: no step from schema %d", v)
		}
		if err := step(tx, c); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
		if err := tx.Bucket(bMeta).Put(mSchema, u64(uint64(v+1))); err != nil {
			return err
		}
	}
	return nil
}

// load reads the meta bucket into memory.
func (s *Store) load(tx kv.Tx) error {
	// One walk of the bucket rather than a lookup per key: on PostgreSQL
	// it is one statement, and every write transaction there starts here.
	m := map[string][]byte{}
	if b := tx.Bucket(bMeta); b != nil {
		_ = b.ForEach(func(k, v []byte) error { m[string(k)] = v; return nil })
	}
	meta := mapGetter(m)
	if len(meta.Get(mSchema)) != 8 || len(meta.Get(mOrigin)) != 16 {
		return &Error{Code: CodeCorrupt, Message: "数据文件不是村站的数据文件或已损坏"}
	}
	if to := meta.Get(mMoved); to != nil && !s.readOnly {
		return &Error{Code: CodeMoved, Message: "此数据文件已迁移到 " + string(to) + "，不能再用它运行或修改（只能只读查看）；请改用 --db 连接迁移后的数据库"}
	}
	if v := int(binary.BigEndian.Uint64(meta.Get(mSchema))); v > dbSchema {
		return &Error{Code: CodeTooNew, Message: fmt.Sprintf("数据文件由更新版本的村站创建（格式 %d，本程序支持 %d），请先升级程序", v, dbSchema)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	copy(s.origin[:], meta.Get(mOrigin))
	s.seq = getU64(meta.Get(mSeq))
	s.clk.Last = HLC(getU64(meta.Get(mHLC)))
	ring, err := readKeyring(meta)
	if err != nil {
		return err
	}
	s.ring = ring
	if ring == nil {
		s.hmacKey = append([]byte(nil), meta.Get(mHMAC)...)
	}
	s.station = nil
	if b := meta.Get(mStation); b != nil {
		var st StationInfo
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("read station: %w", err)
		}
		s.station = &st
	}
	s.policy = DefaultPolicy()
	if b := meta.Get(mPolicy); b != nil {
		if err := json.Unmarshal(b, &s.policy); err != nil {
			return fmt.Errorf("read policy: %w", err)
		}
	}
	return nil
}

// mapGetter reads keys of a bucket read whole into a map.
type mapGetter map[string][]byte

func (m mapGetter) Get(k []byte) []byte { return m[string(k)] }

// copiedOrRestored tells whether the file is not the one this origin was
// minted in: another file identity (copied to another place or machine), or
// a registry that remembers a higher sequence number than the file holds
// (an old copy put back in place).
func (s *Store) copiedOrRestored(tx kv.Tx) string {
	meta := tx.Bucket(bMeta)
	if id, err := fileID(s.path); err == nil && id != "" {
		if old := string(meta.Get(mFileID)); old != "" && old != id {
			return "文件被复制或恢复"
		}
	}
	if s.registry != "" {
		if b, err := os.ReadFile(filepath.Join(s.registry, s.origin.String())); err == nil {
			if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && n > s.seq {
				return "数据文件比本机记录的旧（从备份恢复）"
			}
		}
	}
	return ""
}

// mintOrigin starts a new origin: a fresh id whose sequence starts at 1. The
// old origin's changes stay in the log as the facts they are. When the
// station is known, its identity is published as the origin's first change.
func (s *Store) mintOrigin(tx kv.Tx, reason string) error {
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("mint origin: %w", err)
	}
	meta := tx.Bucket(bMeta)
	if err := putAll(meta, mOrigin, id[:], mSeq, u64(0)); err != nil {
		return err
	}
	if fid, err := fileID(s.path); err == nil && fid != "" {
		if err := meta.Put(mFileID, []byte(fid)); err != nil {
			return err
		}
	}
	if reason == "" {
		return nil
	}
	if err := s.load(tx); err != nil {
		return err
	}
	if s.station != nil {
		w, err := s.newWriteTx(tx)
		if errors.Is(err, errLocked) {
			// Protected and locked (a file opened, found copied): the
			// change is written when the key is given.
			return meta.Put(mPublishLater, []byte(reason))
		}
		if err != nil {
			return err
		}
		if err := w.publishOrigin(reason); err != nil {
			return err
		}
		return w.finish()
	}
	return nil
}

// remember writes the sequence number reached to the registry, durably (a
// temporary file, synced, renamed): it is what tells a file put back from
// an old copy on this machine, before it issues a number twice. A failure
// does not stop the save that came before it (that is already durable),
// but it is kept for the person (RegistryProblem): without the registry
// only the county can notice a restored file.
func (s *Store) remember() {
	if s.registry == "" {
		return
	}
	s.mu.Lock()
	o, seq := s.origin, s.seq
	s.mu.Unlock()
	if seq == 0 {
		return
	}
	err := writeSynced(filepath.Join(s.registry, o.String()), func(w io.Writer) error {
		_, err := io.WriteString(w, strconv.FormatUint(seq, 10))
		return err
	})
	s.mu.Lock()
	s.registryErr = err
	s.mu.Unlock()
}

// RegistryProblem is why the last sequence number could not be recorded
// outside the file, or nil.
func (s *Store) RegistryProblem() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.registryErr
}

// SetStation records the station identity on first start. The code can not
// change afterwards (records and sequence numbers hang off it); the name can.
func (s *Store) SetStation(code, name string) error {
	st, ierr := ident.ParseStationCode(code)
	if ierr != nil {
		return &Error{Code: ierr.Code, Field: "station_code", Message: ierr.Message}
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 60 {
		return &Error{Code: "STATION_NAME", Field: "station_name", Message: "请填写站点名称（不超过60个字）"}
	}
	info := StationInfo{Code: st.Code, Name: name, Type: st.Type, Scope: st.Scope}
	return s.update(func(w *writeTx) error {
		if cur := w.station; cur != nil && cur.Code != info.Code {
			return &Error{Code: "STATION_FIXED", Field: "station_code", Message: "站点编码设置后不能更改；如需更换站点，请新建数据文件"}
		}
		if err := putStation(w, info); err != nil {
			return err
		}
		return w.publishOrigin("")
	})
}

// putStation stores the station identity in the transaction and, once it
// commits, in the Store.
func putStation(w *writeTx, info StationInfo) error {
	b, _ := json.Marshal(info)
	if err := w.KV.Bucket(bMeta).Put(mStation, b); err != nil {
		return err
	}
	if info.Type == CountyType && !engine.Relays(w.KV) {
		if err := w.StartRelaying(); err != nil {
			return err
		}
	}
	w.station = &info
	w.after = append(w.after, func() { w.s.station = &info })
	return nil
}

func putAll(b kv.Bucket, kv ...[]byte) error {
	for i := 0; i < len(kv); i += 2 {
		if err := b.Put(kv[i], kv[i+1]); err != nil {
			return fmt.Errorf("put %s: %w", kv[i], err)
		}
	}
	return nil
}

// errStop ends an iteration early without being an error.
var errStop = errors.New("stop")

// Serialize holds a lock named name until the returned function is called:
// across every server process of a shared database (kv.Locker), or within
// this process for a file, which no other process can open meanwhile. It
// waits for the lock until ctx ends. The county holds one per station
// while it imports that station's bundle.
func (s *Store) Serialize(ctx context.Context, name string) (func(), error) {
	if l, ok := s.db.(kv.Locker); ok {
		unlock, err := l.Lock(ctx, name)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, ioError("lock", err)
		}
		return unlock, nil
	}
	s.mu.Lock()
	if s.locks == nil {
		s.locks = map[string]chan struct{}{}
	}
	m := s.locks[name]
	if m == nil {
		m = make(chan struct{}, 1)
		s.locks[name] = m
	}
	s.mu.Unlock()
	select {
	case m <- struct{}{}:
		return func() { <-m }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
