package store

import (
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/kv"
)

// Operators are the people who work at a station. Each has a name, a role
// and a password; the password's key (argon2id) wraps the file's data key,
// so logging in is what opens the data. Five wrong passwords in a row lock
// the account for a quarter of an hour.

// Role is what an operator may do.
type Role string

const (
	RoleClerk Role = "录入员"
	RoleHead  Role = "负责人"
)

// Roles lists the roles, the default for a new account first.
var Roles = []Role{RoleClerk, RoleHead}

// Permission names what only a 负责人 may do.
type Permission string

const (
	PermPolicy   Permission = "policy"   // change policy figures
	PermUnmasked Permission = "unmasked" // print or export unmasked
	PermEnrol    Permission = "enrol"    // enrol or re-key the station
	PermAccounts Permission = "accounts" // manage operators
	PermRestore  Permission = "restore"  // put a backup back in place
	PermAudit    Permission = "audit"    // read the station's audit log
)

var permLabels = map[Permission]string{
	PermPolicy:   "修改政策参数",
	PermUnmasked: "打印或导出完整（未遮盖）的个人信息",
	PermEnrol:    "登记站点或更换站点密钥",
	PermAccounts: "管理操作员",
	PermRestore:  "用备份恢复本站数据",
	PermAudit:    "查看审计日志",
}

// Lockout after failed logins.
const (
	MaxFailures = 5
	LockFor     = 15 * time.Minute
)

// Error codes of operators.
const (
	CodeLoginFailed   = "LOGIN_FAILED"
	CodeAccountLocked = "ACCOUNT_LOCKED"
	CodeForbidden     = "FORBIDDEN"
	CodeOperator      = "OPERATOR"
	CodePassword      = "PASSWORD_RULE"
)

// bOperators holds the operators: name -> JSON of operatorRecord.
var bOperators = []byte("operators")

// operatorRecord is an operator as the file keeps it.
type operatorRecord struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// KDF and Wrapped: the data key under the key of the password.
	KDF     crypt.KDF `json:"kdf"`
	Wrapped []byte    `json:"wrapped"`
	// Tag is a keyed hash, under a key derived from the data key, of name,
	// role and wrap: a role changed in the file by hand, or another
	// operator's record put under one's own name, is refused at login.
	Tag         []byte `json:"tag"`
	Created     string `json:"created"`
	CreatedBy   string `json:"created_by,omitempty"`
	Failures    int    `json:"failures,omitempty"`
	LockedUntil string `json:"locked_until,omitempty"`
	LastLogin   string `json:"last_login,omitempty"`
}

// Operator is what screens show of an operator.
type Operator struct {
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	Created     string    `json:"created"`
	CreatedBy   string    `json:"created_by,omitempty"`
	LastLogin   string    `json:"last_login,omitempty"`
	LockedUntil time.Time `json:"locked_until,omitzero"` // zero unless locked now
	// Failures counts the wrong passwords since the last login.
	Failures int `json:"failures,omitempty"`
	// NeedsPassword: a re-key made the password void; a 负责人 sets a new
	// one.
	NeedsPassword bool `json:"needs_password,omitempty"`
}

// Can reports whether the operator may do p.
func (o *Operator) Can(p Permission) bool { return o != nil && o.Role == RoleHead }

func (r *operatorRecord) public(now time.Time) Operator {
	o := Operator{Name: r.Name, Role: r.Role, Created: r.Created, CreatedBy: r.CreatedBy, LastLogin: r.LastLogin, Failures: r.Failures, NeedsPassword: len(r.Wrapped) == 0}
	if t, err := time.Parse(time.RFC3339, r.LockedUntil); err == nil && t.After(now) {
		o.LockedUntil = t
	}
	return o
}

func wrapAD(name string) []byte { return []byte("operator\x00" + name) }

func operatorTag(suite crypt.Suite, dk []byte, name string, role Role, wrapped []byte) []byte {
	m := suite.MAC(suite.Derive(dk, "operator tag", crypt.KeySize))
	m.Write([]byte(name + "\x00" + string(role) + "\x00"))
	m.Write(wrapped)
	return m.Sum(nil)
}

// CheckOperatorName says what is wrong with an operator's name, or "".
func CheckOperatorName(name string) string {
	if name == "" || len([]rune(name)) > 20 {
		return "姓名不能为空，最多20个字"
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			// Cf: zero-width and direction marks, which make two names
			// look alike.
			return "姓名不能含空格、控制字符或不可见字符"
		}
		if r >= 0xFF01 && r <= 0xFF5E {
			return "姓名中的字母和数字请用半角"
		}
	}
	// A name is shown, logged and synced in the clear: it must not be
	// an ID or phone number.
	digits := 0
	for _, r := range name {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	if digits >= 6 {
		return "姓名不能是身份证号、电话号码等号码（最多5个数字）"
	}
	return ""
}

// CheckPasswordRule says what is wrong with a new operator's password, or
// "": at least 8 characters, letters and digits both, not containing the
// name.
func CheckPasswordRule(pw, name string) string { return PasswordRule(pw, name, 8) }

// PasswordRule is the rule of passwords here (the county's console asks
// for longer ones): at least min characters, letters and digits both, not
// containing the name.
func PasswordRule(pw, name string, min int) string {
	if len([]rune(pw)) < min {
		return fmt.Sprintf("密码至少 %d 位", min)
	}
	var letter, digit bool
	for _, r := range pw {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	if !letter || !digit {
		return "密码须同时含有字母和数字"
	}
	if name != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(name)) {
		return "密码不能包含姓名或登录名"
	}
	return ""
}

func badOperator(msg string) error { return &Error{Code: CodeOperator, Message: msg} }

// newOperatorRecord wraps the data key for a new password.
func (s *Store) newOperatorRecord(u *unlocked, name string, role Role, password, by string) (*operatorRecord, error) {
	if msg := CheckOperatorName(name); msg != "" {
		return nil, badOperator(msg)
	}
	if role != RoleClerk && role != RoleHead {
		return nil, badOperator("角色只能是录入员或负责人")
	}
	if msg := CheckPasswordRule(password, name); msg != "" {
		return nil, &Error{Code: CodePassword, Message: msg}
	}
	kdf := s.kdf.WithSalt()
	kek, err := crypt.PasswordKey(password, kdf)
	if err != nil {
		return nil, err
	}
	wrapped, err := u.suite.Wrap(kek, u.dk, wrapAD(name))
	if err != nil {
		return nil, err
	}
	return &operatorRecord{Name: name, Role: role, KDF: kdf, Wrapped: wrapped, Tag: operatorTag(u.suite, u.dk, name, role, wrapped),
		Created: s.now().In(ChinaTZ).Format(time.RFC3339), CreatedBy: by}, nil
}

func putOperator(tx kv.Tx, r *operatorRecord) error {
	b, err := tx.CreateBucketIfNotExists(bOperators)
	if err != nil {
		return err
	}
	v, _ := json.Marshal(r)
	return b.Put([]byte(r.Name), v)
}

func getOperator(tx kv.Tx, name string) (*operatorRecord, error) {
	b := tx.Bucket(bOperators)
	if b == nil {
		return nil, nil
	}
	v := b.Get([]byte(name))
	if v == nil {
		return nil, nil
	}
	var r operatorRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, &Error{Code: CodeCorrupt, Message: "操作员信息已损坏：" + name}
	}
	return &r, nil
}

// Protect protects an unprotected store: a fresh data key under the
// county's suite seals every sensitive value already in the file, and the
// station's first 负责人, who is logged in when it returns, holds it.
// Automatic copies taken before hold plain values: they are deleted.
func (s *Store) Protect(suite crypt.Suite, name, password string) error {
	name = strings.TrimSpace(name)
	dk := crypt.NewKey()
	u, err := newUnlocked(suite, dk, nil)
	if err != nil {
		return err
	}
	rec, err := s.newOperatorRecord(u, name, RoleHead, password, "")
	if err != nil {
		return err
	}
	op := rec.public(s.now())
	return s.protect(suite, dk, &op, func(tx kv.Tx) error { return putOperator(tx, rec) })
}

// Operators lists the station's operators by name; it works while the
// store is locked (the login screen lists them).
func (s *Store) Operators() ([]Operator, error) {
	var out []Operator
	now := s.now()
	err := s.db.View(func(tx kv.Tx) error {
		b := tx.Bucket(bOperators)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r operatorRecord
			if json.Unmarshal(v, &r) == nil {
				out = append(out, r.public(now))
			}
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, ioError("list operators", err)
}

// CurrentOperator is who is logged in, nil if nobody (an unprotected
// store, a locked one, or one opened with a key file).
func (s *Store) CurrentOperator() *Operator {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil || s.keys.op == nil {
		return nil
	}
	op := *s.keys.op
	return &op
}

// Require refuses what the logged-in operator's role does not allow. An
// unprotected store, or one opened with a key file (a county server, whose
// console checks its own users), allows everything.
func (s *Store) Require(p Permission) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ring == nil {
		return nil
	}
	if s.keys == nil {
		return errLocked
	}
	if s.keys.op == nil || s.keys.op.Can(p) {
		return nil
	}
	return &Error{Code: CodeForbidden, Message: "只有负责人可以" + permLabels[p] + "（当前操作员：" + s.keys.op.Name + "，" + string(s.keys.op.Role) + "）"}
}

// Require is the store's Require, for work that holds only a reader.
func (r *Reader) Require(p Permission) error { return r.s.Require(p) }

// Unlock logs an operator in: the password's key opens the data key.
func (s *Store) Unlock(name, password string) (*Operator, error) {
	name = strings.TrimSpace(name)
	s.mu.Lock()
	ring := s.ring
	s.mu.Unlock()
	if ring == nil {
		return nil, &Error{Code: CodeUnprotected, Message: "此数据文件尚未设置操作员"}
	}
	var rec *operatorRecord
	if err := s.db.View(func(tx kv.Tx) (err error) { rec, err = getOperator(tx, name); return err }); err != nil {
		return nil, ioError("login", err)
	}
	now := s.now()
	if rec == nil {
		// As slow as a wrong password, so that names are not told apart
		// by the time an answer takes.
		_, _ = crypt.PasswordKey(password, s.kdf.WithSalt())
		// What was typed is not kept: it may be a password typed in
		// the wrong box.
		e := AuditEntry{User: "（未知姓名）", Action: AuditLoginFailed, Detail: fmt.Sprintf("输入的姓名（%d 个字）不是本站的操作员", utf8.RuneCountInString(name))}
		if err := s.auditAlone(e); err != nil {
			return nil, err
		}
		return nil, &Error{Code: CodeLoginFailed, Message: "姓名或密码不对"}
	}
	if op := rec.public(now); !op.LockedUntil.IsZero() {
		if err := s.auditAlone(AuditEntry{User: name, Role: string(rec.Role), Action: AuditLoginFailed, Detail: "账号锁定期间尝试登录"}); err != nil {
			return nil, err
		}
		return nil, lockedError(name, op.LockedUntil.Sub(now))
	}
	if len(rec.Wrapped) == 0 {
		// Made void by a re-key: no password opens it, and trying is
		// not guessing.
		if err := s.auditAlone(AuditEntry{User: name, Role: string(rec.Role), Action: AuditLoginFailed, Detail: "密码因更换数据密钥已失效"}); err != nil {
			return nil, err
		}
		return nil, &Error{Code: CodePasswordReset, Message: "本站更换过数据密钥，" + name + " 的密码已失效：请负责人为您重设密码"}
	}
	dk, err := rec.open(ring.Suite, name, password)
	if err != nil {
		return nil, s.loginFailed(name, now)
	}
	if rec.Name != name || ring.openKey(dk) != nil || !hmac.Equal(rec.Tag, operatorTag(ring.Suite, dk, rec.Name, rec.Role, rec.Wrapped)) {
		return nil, &Error{Code: CodeCorrupt, Message: "操作员 " + name + " 的信息被改动过，不能登录；请负责人重新设置该操作员"}
	}
	if !s.readOnly {
		err := s.db.Update(func(tx kv.Tx) error {
			r, err := getOperator(tx, name)
			if err != nil || r == nil {
				return err
			}
			r.Failures, r.LockedUntil, r.LastLogin = 0, "", now.In(ChinaTZ).Format(time.RFC3339)
			if err := putOperator(tx, r); err != nil {
				return err
			}
			return s.appendAudit(tx, AuditEntry{User: name, Role: string(r.Role), Action: AuditLogin})
		})
		if err != nil {
			return nil, ioError("login", err)
		}
	}
	op := rec.public(now)
	u, err := newUnlocked(ring.Suite, dk, &op)
	if err != nil {
		return nil, err
	}
	if err := s.takeKeys(u); err != nil {
		return nil, err
	}
	return &op, nil
}

func lockedError(name string, left time.Duration) error {
	mins := int((left + time.Minute - time.Second) / time.Minute)
	return &Error{Code: CodeAccountLocked, Message: fmt.Sprintf("操作员 %s 连续 %d 次密码错误，已锁定，请 %d 分钟后再试", name, MaxFailures, mins)}
}

// loginFailed counts a wrong password, locking the account at the fifth.
func (s *Store) loginFailed(name string, now time.Time) error {
	left := MaxFailures
	if !s.readOnly {
		err := s.db.Update(func(tx kv.Tx) error {
			r, err := getOperator(tx, name)
			if err != nil || r == nil {
				return err
			}
			r.Failures++
			left = MaxFailures - r.Failures
			e := AuditEntry{User: name, Role: string(r.Role), Action: AuditLoginFailed, Detail: fmt.Sprintf("密码错误（第 %d 次）", r.Failures)}
			if r.Failures >= MaxFailures {
				r.Failures, r.LockedUntil = 0, now.Add(LockFor).In(ChinaTZ).Format(time.RFC3339)
				e.Action, e.Detail = AuditLoginLocked, fmt.Sprintf("连续 %d 次密码错误，锁定 %d 分钟", MaxFailures, int(LockFor.Minutes()))
			}
			if err := putOperator(tx, r); err != nil {
				return err
			}
			return s.appendAudit(tx, e)
		})
		if err != nil {
			return ioError("login", err)
		}
	}
	if left <= 0 {
		return lockedError(name, LockFor)
	}
	return &Error{Code: CodeLoginFailed, Message: fmt.Sprintf("姓名或密码不对（再错 %d 次将锁定 %d 分钟）", left, int(LockFor.Minutes()))}
}

// open unwraps the data key with the password given for name (the name
// logged in with, which the record's own must then match).
func (r *operatorRecord) open(suite crypt.Suite, name, password string) ([]byte, error) {
	kek, err := crypt.PasswordKey(password, r.KDF)
	if err != nil {
		return nil, err
	}
	return suite.Unwrap(kek, r.Wrapped, wrapAD(name))
}
