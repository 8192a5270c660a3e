package store

import (
	"slices"
	"strings"
	"time"

	"github.com/cunzhan/cunzhan/store/kv"
)

// Recovery: a station's data key is also sealed to its county's key (the
// sync package does the sealing, with the county's suite, at enrolment),
// and the sealed copy goes to the county with the bundles. When nobody at
// the station knows a 负责人's password any more, the county opens its copy
// and issues a recovery file that gives the data key back under a one-time
// code; Recover then makes a 负责人 with a new password.

// SetRecovery keeps the data key as seal makes it (sealed to the county)
// in the keyring. It takes the data key in memory: a logged-in 负责人, or
// a key file.
func (s *Store) SetRecovery(seal func(dk []byte) ([]byte, error)) error {
	// Any operator's session may do it (a 录入员's sync, for a station
	// enrolled before): it gives nobody anything the county has not.
	u, err := s.unlockedNow()
	if err != nil {
		return err
	}
	sealed, err := seal(u.dk)
	if err != nil {
		return err
	}
	return s.editKeyring("recovery", func(r *keyring) error { r.Recovery = sealed; return nil })
}

// RecoverySealed is the data key as sealed to the county, nil if the
// station was never given one (not enrolled, or enrolled before). It is
// read while the store is locked: only the county's key opens it.
func (s *Store) RecoverySealed() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ring == nil {
		return nil
	}
	return append([]byte(nil), s.ring.Recovery...)
}

// CodeRecoveryUsed refuses a recovery file used before on this file.
const CodeRecoveryUsed = "RECOVERY_USED"

// Recover opens the store with a data key the county gave back, and makes
// name a 负责人 with a new password (an operator of that name gets it; a
// new one is added). The person is logged in when it returns. fileID names
// the recovery file: each opens the file once.
func (s *Store) Recover(dk []byte, fileID, name, password string) (*Operator, error) {
	name = strings.TrimSpace(name)
	s.mu.Lock()
	ring := s.ring
	s.mu.Unlock()
	if ring == nil {
		return nil, &Error{Code: CodeUnprotected, Message: "此数据文件尚未设置操作员，不需要恢复"}
	}
	if err := ring.openKey(dk); err != nil {
		return nil, &Error{Code: CodeWrongKey, Message: "恢复文件中的密钥与此数据文件不符：它是给别的站点或别的数据文件的"}
	}
	if s.readOnly {
		return nil, &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能修改"}
	}
	u, err := newUnlocked(ring.Suite, append([]byte(nil), dk...), nil)
	if err != nil {
		return nil, err
	}
	rec, err := s.newOperatorRecord(u, name, RoleHead, password, "县级中心恢复文件")
	if err != nil {
		return nil, err
	}
	now := s.now()
	rec.LastLogin = now.In(ChinaTZ).Format(time.RFC3339)
	var ring2 *keyring
	err = s.db.Update(func(tx kv.Tx) error {
		r, err := readKeyring(tx.Bucket(bMeta))
		if err != nil || r == nil {
			return err
		}
		if slices.Contains(r.UsedRecovery, fileID) {
			return &Error{Code: CodeRecoveryUsed, Message: "这份恢复文件已经用过一次：如还需要，请县里重新签发"}
		}
		r.UsedRecovery = append(r.UsedRecovery, fileID)
		if err := putKeyring(tx, r); err != nil {
			return err
		}
		ring2 = r
		detail := "新建负责人"
		if old, err := getOperator(tx, name); err != nil {
			return err
		} else if old != nil {
			rec.Created, rec.CreatedBy = old.Created, old.CreatedBy
			detail = "原为" + string(old.Role) + "，重设密码并改为负责人"
		}
		if err := putOperator(tx, rec); err != nil {
			return err
		}
		return s.appendAudit(tx, AuditEntry{User: name, Role: string(RoleHead), Action: AuditRecover, Target: name, Detail: detail})
	})
	if err != nil {
		return nil, ioError("recover", err)
	}
	s.mu.Lock()
	s.ring = ring2
	s.mu.Unlock()
	op := rec.public(now)
	u.op = &op
	if err := s.takeKeys(u); err != nil {
		return nil, err
	}
	return &op, nil
}

// Now is the store's clock (tests and the command line set it).
func (s *Store) Now() time.Time { return s.now() }

// RecoveryFailed records a recovery file that did not open (a wrong code,
// or a file changed): trying codes shows in the audit log.
func (s *Store) RecoveryFailed(detail string) error {
	return s.auditAlone(AuditEntry{User: "（恢复文件）", Action: AuditLoginFailed, Detail: detail})
}
