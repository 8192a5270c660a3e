package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	gosync "sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/kv"
)

// Role is what an account may do in the console.
type Role string

const (
	RoleAdmin    Role = "admin"    // 县级管理员: everything, accounts and stations
	RoleStaff    Role = "staff"    // 县级工作人员: the county's records, approvals, reports
	RoleTownship Role = "township" // 乡镇工作人员: the same, for one township
	RoleAuditor  Role = "auditor"  // 审计员: the audit log, read-only
)

// RoleNames are the roles in Chinese.
var RoleNames = map[Role]string{RoleAdmin: "县级管理员", RoleStaff: "县级工作人员", RoleTownship: "乡镇工作人员", RoleAuditor: "审计员"}

// Roles in the order the accounts page offers them.
var Roles = []Role{RoleAdmin, RoleStaff, RoleTownship, RoleAuditor}

const (
	bucketUsers = "sync_console_users"
	// MaxFailures in a row lock an account for LockFor.
	MaxFailures = 5
	LockFor     = 15 * time.Minute
	minPassword = 10
)

// Account is a console user. The password is kept only as an argon2id hash.
type Account struct {
	Name        string `json:"name"` // login name
	Display     string `json:"display"`
	Role        Role   `json:"role"`
	Scope       string `json:"scope"` // the county code, or a township's 9 digits
	Hash        string `json:"hash"`
	Failures    int    `json:"failures,omitempty"`
	LockedUntil string `json:"locked_until,omitempty"` // RFC 3339
	Disabled    bool   `json:"disabled,omitempty"`
	Created     string `json:"created"`
	LastLogin   string `json:"last_login,omitempty"`
}

// Can reports whether the account may see records of a division.
func (a *Account) Can(scope string) bool {
	return a.Role != RoleAuditor && strings.HasPrefix(scope, a.Scope)
}

// argon2id parameters (RFC 9106's second recommended option): 64 MiB,
// 3 passes. They are written into each hash, so raising them later leaves
// old hashes readable.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword returns an encoded argon2id hash with a fresh salt.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword compares pw with an encoded hash in constant time.
func checkPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<20 || t > 16 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is compared against when a login names no account, so that a
// wrong name takes as long as a wrong password.
var dummyHash = HashPassword("村站-no-such-account")

// CheckPasswordRule says what is wrong with a new password, or "": the
// stations' rule, longer.
func CheckPasswordRule(pw, name string) string { return store.PasswordRule(pw, name, minPassword) }

func bad(code, msg string) error { return &store.Error{Code: code, Message: msg} }

// checkAccount validates an account's name, role and scope for county.
func checkAccount(a *Account, county string) error {
	a.Name = strings.TrimSpace(a.Name)
	a.Display = strings.TrimSpace(a.Display)
	if a.Name == "" || len(a.Name) > 32 || strings.ContainsAny(a.Name, " \t/\\<>\"'&") {
		return bad("ACCOUNT_NAME", "登录名不能为空，最多32个字符，不能含空格或 / \\ < > \" ' &")
	}
	if a.Display == "" {
		a.Display = a.Name
	}
	if len([]rune(a.Display)) > 20 {
		return bad("ACCOUNT_DISPLAY", "姓名最多20个字")
	}
	if _, ok := RoleNames[a.Role]; !ok {
		return bad("ACCOUNT_ROLE", "角色应为 admin（县级管理员）、staff（县级工作人员）、township（乡镇工作人员）或 auditor（审计员）")
	}
	switch a.Role {
	case RoleTownship:
		lvl, derr := ident.CheckDivision(a.Scope)
		if derr != nil || lvl != ident.LevelTownship {
			return bad("ACCOUNT_SCOPE", "乡镇工作人员须指定9位乡镇区划代码")
		}
		if !strings.HasPrefix(a.Scope, county) {
			return bad("ACCOUNT_SCOPE", a.Scope+"不在本县（"+county+"）范围内")
		}
	default:
		a.Scope = county
	}
	return nil
}

// Accounts keeps the console's users in the county's database.
type Accounts struct {
	s      *store.Store
	county string // 6 digits
	now    func() time.Time
	// ghosts counts wrong logins of names that are no account, so that
	// they lock like real ones and the answers do not tell which names
	// exist (kept in memory, a bounded number).
	mu     gosync.Mutex
	ghosts map[string]*ghost
}

// ghost is the failures of a name that is no account.
type ghost struct {
	failures int
	until    time.Time
}

// maxGhosts bounds the names remembered. Each wrong login costs the
// server an argon2 hash, so filling the table takes hours of requests, all
// in the audit log.
const maxGhosts = 100000

// ghostLogin counts a failed login of a name that is no account and
// answers as for an account: locked after MaxFailures, for LockFor. Names
// are kept as typed, as accounts are looked up.
func (x *Accounts) ghostLogin(name string) (locked bool, err error) {
	if len(name) > 32 {
		// No account can have such a name (checkAccount): nothing to
		// hide, and nothing worth keeping in memory.
		return false, ErrBadLogin
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	now := x.now()
	g := x.ghosts[name]
	if g == nil {
		if x.ghosts == nil {
			x.ghosts = map[string]*ghost{}
		}
		if len(x.ghosts) >= maxGhosts {
			// Forget the names not locked now; a full table of locked
			// names counts no more until their locks end.
			for k, v := range x.ghosts {
				if !now.Before(v.until) {
					delete(x.ghosts, k)
				}
			}
			if len(x.ghosts) >= maxGhosts {
				return false, ErrBadLogin
			}
		}
		g = &ghost{}
		x.ghosts[name] = g
	}
	if now.Before(g.until) {
		return false, ErrLocked
	}
	if g.failures++; g.failures >= MaxFailures {
		g.failures, g.until = 0, now.Add(LockFor)
		return true, ErrLocked
	}
	return false, ErrBadLogin
}

// NewAccounts returns the accounts of the county's store.
func NewAccounts(s *store.Store, county string) *Accounts {
	return &Accounts{s: s, county: county, now: time.Now}
}

func getAccount(b kv.Bucket, name string) (*Account, error) {
	if b == nil {
		return nil, nil
	}
	v := b.Get([]byte(name))
	if v == nil {
		return nil, nil
	}
	var a Account
	if err := json.Unmarshal(v, &a); err != nil {
		return nil, fmt.Errorf("account %q: %w", name, err)
	}
	return &a, nil
}

func putAccount(b kv.Bucket, a *Account) error {
	v, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return b.Put([]byte(a.Name), v)
}

// Get reads an account; nil when there is none.
func (x *Accounts) Get(name string) (*Account, error) {
	var a *Account
	err := x.s.ViewLog(func(r *store.Reader) error {
		var err error
		a, err = getAccount(r.SyncBucket(bucketUsers), name)
		return err
	})
	return a, err
}

// List returns every account, by name.
func (x *Accounts) List() ([]Account, error) {
	var out []Account
	err := x.s.ViewLog(func(r *store.Reader) error {
		b := r.SyncBucket(bucketUsers)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var a Account
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("account %q: %w", k, err)
			}
			out = append(out, a)
			return nil
		})
	})
	return out, err
}

// Add creates an account with a password. It is refused if the name is
// taken.
func (x *Accounts) Add(a Account, password string, audit func(b kv.Bucket) error) (*Account, error) {
	if err := checkAccount(&a, x.county); err != nil {
		return nil, err
	}
	if msg := CheckPasswordRule(password, a.Name); msg != "" {
		return nil, bad("PASSWORD_WEAK", msg)
	}
	a.Hash = HashPassword(password)
	a.Created = x.now().In(store.ChinaTZ).Format(time.RFC3339)
	a.Failures, a.LockedUntil = 0, ""
	err := x.update(func(b kv.Bucket) error {
		// Names differing only in case would read as one person's.
		taken := false
		b.ForEach(func(k, _ []byte) error {
			taken = taken || strings.EqualFold(string(k), a.Name)
			return nil
		})
		if taken {
			return bad("ACCOUNT_EXISTS", "登录名 "+a.Name+" 已被使用（不分大小写）")
		}
		return putAccount(b, &a)
	}, audit)
	return &a, err
}

// Edit changes an account's display name, role, scope or disabled flag,
// and its password if one is given. Unlocking clears the failures.
func (x *Accounts) Edit(name string, fn func(a *Account) error, password string, audit func(b kv.Bucket) error) (*Account, error) {
	var out *Account
	err := x.update(func(b kv.Bucket) error {
		a, err := getAccount(b, name)
		if err != nil {
			return err
		}
		if a == nil {
			return bad("NO_ACCOUNT", "没有这个账号："+name)
		}
		if err := fn(a); err != nil {
			return err
		}
		a.Name = name
		if err := checkAccount(a, x.county); err != nil {
			return err
		}
		if password != "" {
			if msg := CheckPasswordRule(password, a.Name); msg != "" {
				return bad("PASSWORD_WEAK", msg)
			}
			a.Hash = HashPassword(password)
			a.Failures, a.LockedUntil = 0, ""
		}
		out = a
		return putAccount(b, a)
	}, audit)
	return out, err
}

// update runs fn on the users bucket, and audit (if set) on the audit
// bucket, in one transaction.
func (x *Accounts) update(fn func(b kv.Bucket) error, audit func(b kv.Bucket) error) error {
	return x.s.UpdateLog(func(t *store.WriteTx) error {
		b, err := t.SyncBucket(bucketUsers)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		ab, err := t.SyncBucket(auditBucket)
		if err != nil {
			return err
		}
		return audit(ab)
	})
}

// Login outcomes.
var (
	ErrBadLogin = bad("LOGIN_FAILED", "登录名或密码不对")
	ErrLocked   = bad("ACCOUNT_LOCKED", fmt.Sprintf("连续输错密码 %d 次，账号已锁定 %d 分钟；请稍后再试，或请县级管理员解锁", MaxFailures, int(LockFor.Minutes())))
	ErrDisabled = bad("ACCOUNT_DISABLED", "账号已停用，请联系县级管理员")
)

// Login checks a name and password. A wrong password counts towards the
// lock; the right one while locked is still refused. The hash is computed
// before anything else is decided, so timing does not tell whether a name
// exists. locked is set when this failure locked the account.
func (x *Accounts) Login(name, password string) (a *Account, locked bool, err error) {
	cur, err := x.Get(name)
	if err != nil {
		return nil, false, err
	}
	hash := dummyHash
	if cur != nil {
		hash = cur.Hash
	}
	ok := checkPassword(hash, password) && cur != nil
	if cur == nil {
		locked, err := x.ghostLogin(name)
		return nil, locked, err
	}
	now := x.now()
	err = x.update(func(b kv.Bucket) error {
		a, err = getAccount(b, name)
		if err != nil || a == nil {
			return err
		}
		if until, perr := time.Parse(time.RFC3339, a.LockedUntil); perr == nil && now.Before(until) {
			return ErrLocked
		}
		if a.Disabled && ok {
			// Only the right password learns that the account is
			// stopped; a wrong one is answered as for any name.
			return ErrDisabled
		}
		if !ok {
			a.Failures++
			if a.Failures >= MaxFailures {
				a.LockedUntil = now.Add(LockFor).In(store.ChinaTZ).Format(time.RFC3339)
				a.Failures = 0
				locked = true
			}
			return putAccount(b, a)
		}
		a.Failures, a.LockedUntil = 0, ""
		a.LastLogin = now.In(store.ChinaTZ).Format(time.RFC3339)
		return putAccount(b, a)
	}, nil)
	if err != nil {
		return nil, false, err
	}
	if a == nil {
		return nil, false, ErrBadLogin
	}
	if !ok {
		if locked {
			return nil, true, ErrLocked
		}
		return nil, false, ErrBadLogin
	}
	return a, false, nil
}
