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

// UserRequest is `cunzhan-county user add` sent to the running server that
// holds the county's file.
type UserRequest struct {
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

// adminUser serves `user add` while the server holds the file.
func (c *Console) adminUser(w http.ResponseWriter, r *http.Request) {
	var req UserRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		czsync.WriteError(w, http.StatusBadRequest, &store.Error{Code: store.CodeBadRequest, Message: "请求格式不正确"})
		return
	}
	a, err := c.AddUser(req.Account, req.Password, "县级中心本机")
	if err != nil {
		czsync.WriteError(w, http.StatusBadRequest, err)
		return
	}
	a.Hash = ""
	czsync.WriteJSON(w, a)
}
