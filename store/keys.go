package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/engine"
	"github.com/cunzhan/cunzhan/store/kv"
)

// Encryption at rest. A protected file seals the values of its sensitive
// fields (ID numbers, phones, bank accounts, addresses, health notes) in
// the log and in record states alike, under a data key that never touches
// the disk in the clear: each operator's password wraps it (operators.go),
// and a county server keeps it in a key file apart from the database. Until
// the key is given (Unlock, UnlockWithKey) a protected store reads and
// writes nothing but its list of operators.
//
// The keyed hash under which ID numbers are looked up is derived from the
// data key too, so the index reveals nothing without it.

// mKeyring is the meta key of a protected file's keyring.
var mKeyring = []byte("keyring")

// keyring is what a protected file keeps in the clear about its data key.
type keyring struct {
	Suite   crypt.Suite `json:"suite"`
	Created string      `json:"created"`
	// Check is a known text wrapped under the data key, so that a key
	// from a key file or a recovery file is known right or wrong at once.
	Check []byte `json:"check"`
	// Recovery is the data key sealed to the county's key (made by the
	// sync package at enrolment): what lets the county issue a recovery
	// file when no operator's password is known any more.
	Recovery []byte `json:"recovery,omitempty"`
	// UsedRecovery are the recovery files that opened this file: each
	// works once.
	UsedRecovery []string `json:"used_recovery,omitempty"`
	// Tidy: the file was sealed or re-keyed, and rewriting it and
	// deleting the automatic copies under the old key (or none) is still
	// to do; the next unlock finishes it if it was cut short.
	Tidy bool `json:"tidy,omitempty"`
}

const keyCheckText = "cunzhan data key"

// unlocked is what a store holds in memory while its data key is given.
type unlocked struct {
	suite crypt.Suite
	dk    []byte
	fk    *crypt.FieldKey
	dict  *engine.Dict
	// op is the operator who unlocked it; nil for a key file (a county
	// server, whose console checks its users itself).
	op *Operator
}

// Error codes of protection.
const (
	CodeLoginNeeded = "LOGIN_REQUIRED"
	CodeUnprotected = "NOT_PROTECTED"
	CodeProtected   = "ALREADY_PROTECTED"
	CodeWrongKey    = "WRONG_KEY"
)

var errLocked = &Error{Code: CodeLoginNeeded, Message: "数据已锁定：请先以操作员身份登录"}

// sealedFields are the fields whose values are sealed, whatever the kind:
// every field a kind masks by default (SensitiveFields).
var sealedFields = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for k := range specs {
		for _, f := range SensitiveFields(k) {
			m[f] = true
		}
	}
	return m
})

// fieldSealer is the engine's Sealer for the domain's sensitive fields.
type fieldSealer struct{ *crypt.FieldKey }

func (fieldSealer) Seals(field string) bool { return sealedFields()[field] }

// newUnlocked derives what a store needs from its data key.
func newUnlocked(suite crypt.Suite, dk []byte, op *Operator) (*unlocked, error) {
	fk, err := crypt.NewFieldKey(suite, dk)
	if err != nil {
		return nil, err
	}
	return &unlocked{suite: suite, dk: dk, fk: fk, dict: Dict.WithSealer(fieldSealer{fk}), op: op}, nil
}

// Protected reports whether the file's sensitive values are sealed.
func (s *Store) Protected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ring != nil
}

// Unlocked reports whether the store can read and write records now: it
// is unprotected, or its data key has been given.
func (s *Store) Unlocked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ring == nil || s.keys != nil
}

// Suite is the cryptographic suite of a protected file ("" if none).
func (s *Store) Suite() crypt.Suite {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ring == nil {
		return ""
	}
	return s.ring.Suite
}

// Lock forgets the data key: nothing is read or written until it is given
// again.
func (s *Store) Lock() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ring == nil || s.keys == nil {
		return
	}
	// Dropped, not wiped: work under way holds the same key and ends
	// with it.
	s.keys = nil
	s.hmacKey = nil
}

// codec is the dictionary this store reads and writes with: sealing once
// its key is given; nil while a protected store is locked.
func (s *Store) codec() *engine.Dict {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.codecLocked()
}

// codecLocked is codec with s.mu held.
func (s *Store) codecLocked() *engine.Dict {
	switch {
	case s.ring == nil:
		return Dict
	case s.keys != nil:
		return s.keys.dict
	}
	return nil
}

// codecNow is the codec and lookup key of this moment, for work on a bare
// transaction.
func (s *Store) codecNow() (codecIn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dict := s.codecLocked()
	if dict == nil {
		return codecIn{}, errLocked
	}
	return codecIn{dict, s.hmacKey}, nil
}

// setKeys takes an opened data key into use.
func (s *Store) setKeys(u *unlocked) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = u
	s.hmacKey = u.fk.LookupKey()
}

// readKeyring reads the keyring from the meta bucket (nil: unprotected).
func readKeyring(meta interface{ Get([]byte) []byte }) (*keyring, error) {
	b := meta.Get(mKeyring)
	if b == nil {
		return nil, nil
	}
	var r keyring
	if err := json.Unmarshal(b, &r); err != nil || !r.Suite.Valid() || len(r.Check) == 0 {
		return nil, &Error{Code: CodeCorrupt, Message: "数据文件的密钥信息已损坏"}
	}
	return &r, nil
}

// editKeyring changes the file's keyring in a transaction of its own and
// takes the changed one into use.
func (s *Store) editKeyring(what string, edit func(r *keyring) error) error {
	if s.readOnly {
		return &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能修改"}
	}
	var ring *keyring
	err := s.db.Update(func(tx kv.Tx) error {
		r, err := readKeyring(tx.Bucket(bMeta))
		if err != nil || r == nil {
			return err
		}
		if err := edit(r); err != nil {
			return err
		}
		ring = r
		return putKeyring(tx, r)
	})
	if err != nil {
		return ioError(what, err)
	}
	if ring != nil {
		s.mu.Lock()
		s.ring = ring
		s.mu.Unlock()
	}
	return nil
}

func putKeyring(tx kv.Tx, r *keyring) error {
	b, _ := json.Marshal(r)
	return tx.Bucket(bMeta).Put(mKeyring, b)
}

// openKey checks a data key against the keyring.
func (r *keyring) openKey(dk []byte) error {
	if len(dk) != crypt.KeySize {
		return &Error{Code: CodeWrongKey, Message: "数据密钥长度不对"}
	}
	got, err := r.Suite.Unwrap(dk, r.Check, []byte("check"))
	if err != nil || string(got) != keyCheckText {
		return &Error{Code: CodeWrongKey, Message: "数据密钥与此数据文件不符"}
	}
	return nil
}

// UnlockWithKey gives the data key itself (a county server's key file).
func (s *Store) UnlockWithKey(dk []byte) error {
	s.mu.Lock()
	ring := s.ring
	s.mu.Unlock()
	if ring == nil {
		return &Error{Code: CodeUnprotected, Message: "此数据文件尚未加密保护"}
	}
	if err := ring.openKey(dk); err != nil {
		return err
	}
	u, err := newUnlocked(ring.Suite, append([]byte(nil), dk...), nil)
	if err != nil {
		return err
	}
	return s.takeKeys(u)
}

// takeKeys takes an opened data key into use and does what the file
// waited for; if that fails, the keys in use before stay (an operator
// logging in at a locked window does not end the session under way).
func (s *Store) takeKeys(u *unlocked) error {
	s.mu.Lock()
	prev, prevLookup := s.keys, s.hmacKey
	s.mu.Unlock()
	s.setKeys(u)
	if err := s.afterUnlock(); err != nil {
		s.mu.Lock()
		s.keys, s.hmacKey = prev, prevLookup
		s.mu.Unlock()
		return err
	}
	return nil
}

// unreadable tells a read that met bytes the codec cannot take (a record or
// change changed on disk, a sealed value that does not open) from other
// failures: the person is told the file is damaged, with its newest
// sound backup.
func unreadable(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return false // already said in words
	}
	return errors.Is(err, engine.ErrCorrupt) || errors.Is(err, crypt.ErrOpen)
}

// mPublishLater holds why a protected file took a new origin while locked
// (copied or restored): the origin's first change is written at unlock.
var mPublishLater = []byte("publish_later")

// afterUnlock does what a protected file waited for until its data key
// was given: the layout migrations, the publication of a new origin, and
// for a read-only opening, the build of what the county appended last.
func (s *Store) afterUnlock() error {
	if s.readOnly {
		if !s.buildLater {
			return nil
		}
		s.buildLater = false
		s.file.Close()
		s.file, s.db = nil, nil
		err := s.buildThenReadOnly(time.Second)
		if err != nil && s.file == nil {
			// Reads go on from what is built (the county appended the
			// rest and builds it when it next opens the file).
			if rerr := s.openBolt(time.Second); rerr != nil {
				return rerr
			}
		}
		return err
	}
	c, err := s.codecNow()
	if err != nil {
		return err
	}
	if err := s.finishTidy(); err != nil {
		return err
	}
	// Nearly every login finds nothing to do: a read, not a write.
	var due bool
	err = s.db.View(func(tx kv.Tx) error {
		meta := tx.Bucket(bMeta)
		due = int(getU64(meta.Get(mSchema))) < dbSchema || meta.Get(mPublishLater) != nil
		return nil
	})
	if err != nil || !due {
		return ioError("unlock", err)
	}
	var reason []byte
	err = s.db.Update(func(tx kv.Tx) error {
		meta := tx.Bucket(bMeta)
		if v := int(getU64(meta.Get(mSchema))); v < dbSchema {
			if err := migrate(tx, v, dbSchema, migrations, c); err != nil {
				return err
			}
		}
		reason = append([]byte(nil), meta.Get(mPublishLater)...)
		return nil
	})
	if err != nil || len(reason) == 0 {
		return ioError("unlock", err)
	}
	return s.update(func(w *writeTx) error {
		if err := w.publishOrigin(string(reason)); err != nil {
			return err
		}
		return w.KV.Bucket(bMeta).Delete(mPublishLater)
	})
}

// ProtectWithKey protects an unprotected store under a data key a county
// server keeps in its key file (written, durably, before this is called:
// a file sealed under a key kept nowhere is lost). The store stays
// unlocked.
func (s *Store) ProtectWithKey(suite crypt.Suite, dk []byte) error {
	if len(dk) != crypt.KeySize {
		return &Error{Code: CodeWrongKey, Message: "数据密钥长度不对"}
	}
	return s.protect(suite, append([]byte(nil), dk...), nil, nil)
}

// protect seals an unprotected store's sensitive values under dk, in one
// transaction: every logged and queued change is written again sealed, the
// derived buckets are rebuilt (record states sealed, ID numbers hashed
// under the new lookup key), the plain lookup key is dropped and the
// keyring written; first, when given, writes the first operator's record,
// who is then logged in (op). Then a bbolt file is compacted, so that no
// free page keeps a plain value, and its automatic copies, which hold
// plain values, give way to a sealed one. Once the transaction commits the
// file is protected whatever comes after: a failure of the rest says so.
func (s *Store) protect(suite crypt.Suite, dk []byte, op *Operator, first func(tx kv.Tx) error) error {
	if !suite.Valid() {
		return &Error{Code: "SUITE", Message: "不认识的密码算法套件：" + string(suite)}
	}
	if s.readOnly {
		return &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能修改"}
	}
	if s.Protected() {
		return &Error{Code: CodeProtected, Message: "此数据文件已经加密保护"}
	}
	u, err := newUnlocked(suite, dk, nil)
	if err != nil {
		return err
	}
	check, err := suite.Wrap(dk, []byte(keyCheckText), []byte("check"))
	if err != nil {
		return err
	}
	ring := &keyring{Suite: suite, Created: s.now().UTC().Format(time.RFC3339), Check: check, Tidy: s.file != nil}
	err = s.db.Update(func(tx kv.Tx) error {
		if tx.Bucket(bMeta).Get(mKeyring) != nil {
			return &Error{Code: CodeProtected, Message: "此数据文件已经加密保护"}
		}
		for _, b := range [][]byte{engine.BucketLog, engine.BucketPending} {
			if err := resealBucket(tx.Bucket(b), Dict, u.dict); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bMeta).Delete(mHMAC); err != nil {
			return err
		}
		if err := sealSecrets(tx, u); err != nil {
			return err
		}
		if err := rebuildWith(tx, u.dict, u.fk.LookupKey()); err != nil {
			return err
		}
		if engine.Relays(tx) {
			if err := engine.BuildRelayIndex(tx, u.dict); err != nil {
				return err
			}
		}
		if first != nil {
			if err := first(tx); err != nil {
				return err
			}
		}
		if op != nil {
			e := AuditEntry{User: op.Name, Role: string(op.Role), Action: AuditProtect, Target: op.Name, Detail: "设置第一名负责人，个人信息加密（" + suite.Label() + "）"}
			if err := s.appendAudit(tx, e); err != nil {
				return err
			}
		}
		return putKeyring(tx, ring)
	})
	if err != nil {
		return ioError("protect", err)
	}
	u.op = op
	s.mu.Lock()
	s.ring = ring
	s.mu.Unlock()
	s.setKeys(u)
	return s.finishTidy()
}

// finishTidy rewrites the file so that no free page keeps a value as it
// was before sealing or re-keying, and deletes the automatic copies of
// then, once; an unlock finishes it if the program stopped half way.
func (s *Store) finishTidy() error {
	s.mu.Lock()
	due := s.ring != nil && s.ring.Tidy && !s.readOnly && s.file != nil
	s.mu.Unlock()
	if !due {
		return nil
	}
	if err := s.compact(); err != nil {
		return &Error{Code: "PROTECT_TIDY", Message: "数据已加密，但整理数据文件时出错，加密前（或旧密钥加密）的内容可能还留在文件的空闲部分：" + MessageOf(err), Err: err}
	}
	if err := s.dropPlainBackups(); err != nil {
		return &Error{Code: "PROTECT_TIDY", Message: "数据已加密，但删除旧的自动备份时出错：" + MessageOf(err) + "。请手工删除数据文件旁“备份”文件夹里今天以前的备份。", Err: err}
	}
	return s.editKeyring("tidy", func(r *keyring) error { r.Tidy = false; return nil })
}

// resealBucket writes every change of a log-shaped bucket again, read with
// reader and sealed with sealed, a chunk at a time (a bucket is not written
// while a cursor walks it).
func resealBucket(b kv.Bucket, reader, sealed *engine.Dict) error {
	type pair struct{ k, v []byte }
	var from []byte
	for {
		var batch []pair
		c := b.Cursor()
		var k, v []byte
		if from == nil {
			k, v = c.First()
		} else {
			k, v = c.Seek(from)
		}
		for ; k != nil && len(batch) < engine.ApplyChunk; k, v = c.Next() {
			if len(v) == 0 || v[0] == 0 { // a skip range, not a change
				continue
			}
			ch, err := reader.DecodeChange(v)
			if err != nil {
				return fmt.Errorf("reseal %x: %w", k, err)
			}
			batch = append(batch, pair{append([]byte(nil), k...), sealed.EncodeChange(ch)})
		}
		if k != nil {
			from = append([]byte(nil), k...)
		}
		for _, p := range batch {
			if err := b.Put(p.k, p.v); err != nil {
				return err
			}
		}
		if k == nil {
			return nil
		}
	}
}

// dropPlainBackups deletes the automatic copies of a file just protected
// (they hold its values in the clear) and takes a fresh, sealed one in
// their place (a new file had none: its first copy comes as usual).
func (s *Store) dropPlainBackups() error {
	if s.file == nil {
		return nil
	}
	bs, err := Backups(s.path)
	if err != nil {
		return ioError("protect backups", err)
	}
	if len(bs) == 0 {
		return nil
	}
	for _, b := range bs {
		if err := os.Remove(b.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return ioError("protect backups", err)
		}
	}
	return s.dailyBackup()
}
