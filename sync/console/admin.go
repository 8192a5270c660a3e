package console

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/kv"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// UserRequest is `cunzhan-county user add` or `user passwd` sent to the
// running server that holds the county's file.
type UserRequest struct {
	Op       string  `json:"op"` // "add" (default) or "passwd"
	Account  Account `json:"account"`
	Password string  `json:"password"`
}

// AddUser creates an account from the county machine's command line, with
// its audit entry. The first administrator is made this way.
func (c *Console) AddUser(a Account, password, via string) (*Account, error) {
	return AddUser(c.accounts, a, password, via)
}

// AddUser creates an account in accounts, with its audit entry, as the
// command line does (with or without a running server).
func AddUser(x *Accounts, a Account, password, via string) (*Account, error) {
	return x.Add(a, password, func(b kv.Bucket) error {
		detail := RoleNames[a.Role]
		if a.Role == RoleTownship {
			detail += " " + a.Scope
		}
		_, err := audit.Append(b, audit.Entry{User: via, Action: audit.AccountAdd, Target: a.Name, Scope: a.Scope, Detail: detail + "（命令行）"}, x.now())
		return err
	})
}

// ResetPassword sets an account's password from the county machine's
// command line, unlocks and enables it, and ends its sessions: the way
// back in for an administrator who forgot the password.
func ResetPassword(x *Accounts, name, password, via string) (*Account, error) {
	if password == "" {
		return nil, bad("PASSWORD_WEAK", "请给出新密码")
	}
	a, err := x.Edit(name, func(a *Account) error {
		a.Disabled, a.Failures, a.LockedUntil = false, 0, ""
		return nil
	}, password, func(b kv.Bucket) error {
		_, err := audit.Append(b, audit.Entry{User: via, Action: audit.PasswordSet, Target: name, Detail: "重设密码并解锁（命令行）"}, x.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	err = EndUser(x.s, name)
	return a, err
}

// adminUser serves `user add` and `user passwd` while the server holds the
// file.
func (c *Console) adminUser(w http.ResponseWriter, r *http.Request) {
	var req UserRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		czsync.WriteError(w, http.StatusBadRequest, &store.Error{Code: store.CodeBadRequest, Message: "请求格式不正确"})
		return
	}
	var a *Account
	var err error
	if req.Op == "passwd" {
		a, err = ResetPassword(c.accounts, req.Account.Name, req.Password, "县级中心本机")
	} else {
		a, err = c.AddUser(req.Account, req.Password, "县级中心本机")
	}
	if err != nil {
		czsync.WriteError(w, http.StatusBadRequest, err)
		return
	}
	a.Hash = ""
	czsync.WriteJSON(w, a)
}
