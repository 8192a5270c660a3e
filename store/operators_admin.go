package store

import (
	"encoding/json"
	"strings"

	"github.com/cunzhan/cunzhan/store/kv"
)

// Managing operators takes a 负责人 (PermAccounts), except changing one's
// own password. Every change needs the data key in memory: a new wrap is
// made from it.

// unlockedNow is the data key in memory, or the reason there is none.
func (s *Store) unlockedNow() (*unlocked, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ring == nil {
		return nil, &Error{Code: CodeUnprotected, Message: "此数据文件尚未设置操作员"}
	}
	if s.keys == nil {
		return nil, errLocked
	}
	return s.keys, nil
}

// forAccounts is the data key for managing operators, which takes a
// 负责人.
func (s *Store) forAccounts() (*unlocked, error) {
	if err := s.Require(PermAccounts); err != nil {
		return nil, err
	}
	return s.unlockedNow()
}

func (s *Store) byWhom(u *unlocked) string {
	if u.op == nil {
		return "县级中心"
	}
	return u.op.Name
}

// AddOperator adds an operator with a first password.
func (s *Store) AddOperator(name string, role Role, password string) error {
	u, err := s.forAccounts()
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	rec, err := s.newOperatorRecord(u, name, role, password, s.byWhom(u))
	if err != nil {
		return err
	}
	return s.operatorUpdate(func(tx kv.Tx) error {
		if old, err := getOperator(tx, name); err != nil || old != nil {
			if err == nil {
				err = badOperator("已有名为 " + name + " 的操作员")
			}
			return err
		}
		if err := putOperator(tx, rec); err != nil {
			return err
		}
		return s.appendAudit(tx, AuditEntry{Action: AuditAccountAdd, Target: name, Detail: "角色：" + string(role)})
	})
}

// SetPassword gives an operator a new password: one's own (old must be
// right), or anyone's by a 负责人 (old is not asked: the person forgot it).
func (s *Store) SetPassword(name, old, password string) error {
	u, err := s.unlockedNow()
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	self := u.op != nil && u.op.Name == name
	if self {
		if _, err := s.checkPassword(name, old); err != nil {
			return err
		}
	} else if err := s.Require(PermAccounts); err != nil {
		return err
	}
	return s.operatorUpdate(func(tx kv.Tx) error {
		cur, err := existingOperator(tx, name)
		if err != nil {
			return err
		}
		rec, err := s.newOperatorRecord(u, name, cur.Role, password, cur.CreatedBy)
		if err != nil {
			return err
		}
		rec.Created, rec.LastLogin = cur.Created, cur.LastLogin
		if err := putOperator(tx, rec); err != nil {
			return err
		}
		detail := "负责人重设密码"
		if self {
			detail = "修改自己的密码"
		}
		return s.appendAudit(tx, AuditEntry{Action: AuditPasswordSet, Target: name, Detail: detail})
	})
}

// checkPassword tells whether password is name's (without logging in or
// counting a failure twice: a wrong one counts like a failed login).
func (s *Store) checkPassword(name, password string) (*operatorRecord, error) {
	var rec *operatorRecord
	if err := s.db.View(func(tx kv.Tx) (err error) { rec, err = getOperator(tx, name); return err }); err != nil {
		return nil, ioError("check password", err)
	}
	if rec == nil {
		return nil, noOperator(name)
	}
	s.mu.Lock()
	suite := s.ring.Suite
	s.mu.Unlock()
	if _, err := rec.open(suite, name, password); err != nil {
		return nil, s.loginFailed(name, s.now())
	}
	return rec, nil
}

// SetRole changes an operator's role; the station keeps at least one
// 负责人.
func (s *Store) SetRole(name string, role Role) error {
	u, err := s.forAccounts()
	if err != nil {
		return err
	}
	if role != RoleClerk && role != RoleHead {
		return badOperator("角色只能是录入员或负责人")
	}
	name = strings.TrimSpace(name)
	return s.operatorUpdate(func(tx kv.Tx) error {
		cur, err := existingOperator(tx, name)
		if err != nil {
			return err
		}
		if cur.Role == RoleHead && role != RoleHead {
			if err := keepOneHead(tx, name); err != nil {
				return err
			}
		}
		detail := "由" + string(cur.Role) + "改为" + string(role)
		cur.Role = role
		cur.Tag = operatorTag(u.suite, u.dk, cur.Name, role, cur.Wrapped)
		if err := putOperator(tx, cur); err != nil {
			return err
		}
		return s.appendAudit(tx, AuditEntry{Action: AuditAccountEdit, Target: name, Detail: detail})
	})
}

// RemoveOperator removes an operator and with it their wrap of the data
// key: their password opens nothing any more. One cannot remove oneself,
// nor the last 负责人.
func (s *Store) RemoveOperator(name string) error {
	u, err := s.forAccounts()
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if u.op != nil && u.op.Name == name {
		return badOperator("不能删除自己的账号")
	}
	return s.operatorUpdate(func(tx kv.Tx) error {
		cur, err := existingOperator(tx, name)
		if err != nil {
			return err
		}
		if cur.Role == RoleHead {
			if err := keepOneHead(tx, name); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bOperators).Delete([]byte(name)); err != nil {
			return err
		}
		return s.appendAudit(tx, AuditEntry{Action: AuditAccountRemove, Target: name, Detail: "角色：" + string(cur.Role)})
	})
}

// existingOperator is getOperator for an operator that must be there.
func existingOperator(tx kv.Tx, name string) (*operatorRecord, error) {
	r, err := getOperator(tx, name)
	if err == nil && r == nil {
		err = noOperator(name)
	}
	return r, err
}

func noOperator(name string) error { return badOperator("没有名为 " + name + " 的操作员") }

// keepOneHead refuses a change that would leave no 负责人 but name.
func keepOneHead(tx kv.Tx, name string) error {
	heads := 0
	_ = tx.Bucket(bOperators).ForEach(func(_, v []byte) error {
		var r operatorRecord
		if json.Unmarshal(v, &r) == nil && r.Role == RoleHead && r.Name != name {
			heads++
		}
		return nil
	})
	if heads == 0 {
		return badOperator("本站至少要有一名负责人")
	}
	return nil
}

func (s *Store) operatorUpdate(fn func(tx kv.Tx) error) error {
	if s.readOnly {
		return &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能修改"}
	}
	return ioError("operators", s.db.Update(fn)) // passes a store.Error on as it is
}
