package store

import (
	"fmt"
	"time"

	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/engine"
	"github.com/cunzhan/cunzhan/store/kv"
)

// Re-keying replaces a station's data key, and with it, if asked, the
// suite: when an operator leaves (their password opened copies of the file
// taken while they worked here), or when the station's county uses the
// other suite. Every sealed value of the log, every secret and every index
// is made again under the new key in one transaction; the 负责人 doing it
// keeps their password; every other operator's password stops opening the
// file until a 负责人 gives them a new one (SetPassword). The automatic
// copies under the old key are deleted and a fresh one taken. The county's
// recovery copy of the old key is dropped: the sync package seals the new
// one (sync.Rekey).

// CodeRekey refuses a re-key that cannot be done as asked.
const CodeRekey = "REKEY"

// CodePasswordReset: the operator's password was made void by a re-key.
const CodePasswordReset = "PASSWORD_RESET_NEEDED"

// Rekey gives the file a fresh data key under suite. password is the
// logged-in 负责人's, asked again.
func (s *Store) Rekey(suite crypt.Suite, password string) error {
	if !suite.Valid() {
		return &Error{Code: CodeRekey, Message: "不认识的密码算法套件：" + string(suite)}
	}
	if err := s.Require(PermEnrol); err != nil {
		return err
	}
	old, err := s.unlockedNow()
	if err != nil {
		return err
	}
	if old.op == nil {
		return &Error{Code: CodeRekey, Message: "更换数据密钥须由负责人登录后进行"}
	}
	if s.readOnly {
		return &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能修改"}
	}
	name := old.op.Name
	rec, err := s.checkPassword(name, password)
	if err != nil {
		return err
	}
	dk := crypt.NewKey()
	op := *old.op
	nu, err := newUnlocked(suite, dk, &op)
	if err != nil {
		return err
	}
	mine, err := s.newOperatorRecord(nu, name, rec.Role, password, rec.CreatedBy)
	if err != nil {
		return err
	}
	mine.Created, mine.LastLogin = rec.Created, rec.LastLogin
	check, err := suite.Wrap(dk, []byte(keyCheckText), []byte("check"))
	if err != nil {
		return err
	}
	ring := &keyring{Suite: suite, Created: s.now().UTC().Format(time.RFC3339), Check: check, Tidy: s.file != nil}
	voided := 0
	err = s.db.Update(func(tx kv.Tx) error {
		for _, b := range [][]byte{engine.BucketLog, engine.BucketPending} {
			if err := resealBucket(tx.Bucket(b), old.dict, nu.dict); err != nil {
				return err
			}
		}
		if err := resealSecrets(tx, old, nu); err != nil {
			return err
		}
		if err := rebuildWith(tx, nu.dict, nu.fk.LookupKey()); err != nil {
			return err
		}
		if engine.Relays(tx) {
			if err := engine.BuildRelayIndex(tx, nu.dict); err != nil {
				return err
			}
		}
		var others []*operatorRecord
		if err := tx.Bucket(bOperators).ForEach(func(k, v []byte) error {
			if r, err := getOperator(tx, string(k)); err == nil && r != nil && r.Name != name {
				others = append(others, r)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, r := range others {
			r.Wrapped = nil
			r.Tag = operatorTag(suite, dk, r.Name, r.Role, nil)
			if err := putOperator(tx, r); err != nil {
				return err
			}
			voided++
		}
		if err := putOperator(tx, mine); err != nil {
			return err
		}
		detail := fmt.Sprintf("更换数据密钥（%s）", suite.Label())
		if voided > 0 {
			detail += fmt.Sprintf("；其他 %d 名操作员的密码已失效，须由负责人重设", voided)
		}
		if err := s.appendAudit(tx, AuditEntry{Action: AuditRekey, Detail: detail}); err != nil {
			return err
		}
		if err := putKeyring(tx, ring); err != nil {
			return err
		}
		// The next writer, which waits for this commit, must seal under
		// the new key: the keys change before the commit (and change
		// back if it fails).
		s.mu.Lock()
		s.ring = ring
		s.mu.Unlock()
		s.setKeys(nu)
		return nil
	})
	if err != nil {
		s.reloadKeyring()
		s.setKeys(old)
		return ioError("rekey", err)
	}
	return s.finishTidy()
}

// reloadKeyring reads the keyring from the file again.
func (s *Store) reloadKeyring() {
	_ = s.db.View(func(tx kv.Tx) error {
		r, err := readKeyring(tx.Bucket(bMeta))
		if err == nil && r != nil {
			s.mu.Lock()
			s.ring = r
			s.mu.Unlock()
		}
		return nil
	})
}

// resealSecrets seals every registered secret again under to.
func resealSecrets(tx kv.Tx, from, to *unlocked) error {
	for _, p := range registeredSecrets() {
		b := tx.Bucket([]byte(p[0]))
		if b == nil {
			continue
		}
		v := b.Get([]byte(p[1]))
		if v == nil {
			continue
		}
		plain, err := openSecret(from, p[0], p[1], append([]byte(nil), v...))
		if err != nil {
			return err
		}
		sealed, err := sealSecret(to, p[0], p[1], plain)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(p[1]), sealed); err != nil {
			return err
		}
	}
	return nil
}
