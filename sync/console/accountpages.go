package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/kv"
)

// accountsPage lists the console's accounts; ?format=xlsx downloads the
// list (never a password's hash).
func (c *Console) accountsPage(w http.ResponseWriter, r *http.Request, u *user) {
	x, ok := c.exportOf(w, r, u, false)
	if !ok {
		return
	}
	if x.On {
		c.exportAccounts(w, r, u, x)
		return
	}
	c.renderAccounts(w, r, c.takeDone(u), "")
}

// exportAccounts sends the accounts as the page lists them.
func (c *Console) exportAccounts(w http.ResponseWriter, r *http.Request, u *user, x exportReq) {
	list, err := c.accounts.List()
	if err != nil {
		c.fail(w, r, err)
		return
	}
	now := c.opt.Now()
	sh := xsheet{Name: "账号", Cols: []xcol{
		{"登录名", colCode, 14}, {"姓名", colText, 10}, {"角色", colText, 14}, {"范围", colText, 14}, {"区划代码", colCode, 12},
		{"新建时间", colTime, 0}, {"上次登录", colTime, 0}, {"状态", colText, 10}, {"锁定至", colTime, 0},
	}}
	for _, a := range list {
		state, locked := "正常", ""
		if until, err := time.Parse(time.RFC3339, a.LockedUntil); err == nil && now.Before(until) {
			state, locked = "锁定", a.LockedUntil
		}
		if a.Disabled {
			state = "已停用"
		}
		sh.Rows = append(sh.Rows, []any{a.Name, a.Display, RoleNames[a.Role], placeOf(a.Scope), a.Scope, a.Created, a.LastLogin, state, locked})
	}
	c.sendList(w, r, u, xlist{What: "账号", Scope: u.Scope, Sheets: []xsheet{sh}}, x)
}

func (c *Console) renderAccounts(w http.ResponseWriter, r *http.Request, done, errMsg string) {
	list, err := c.accounts.List()
	if err != nil {
		c.fail(w, r, err)
		return
	}
	now := c.opt.Now().In(store.ChinaTZ).Format("2006-01-02T15:04:05")
	if errMsg != "" {
		w.WriteHeader(http.StatusBadRequest)
	}
	c.render(w, r, "accounts", map[string]any{"Accounts": list, "Roles": Roles, "Now": now, "Done": done, "Error": errMsg, "Form": r.PostForm,
		"Export": exportLinkOf(r, userOf(r), "/accounts", false)})
}

// auditIn returns a function that writes an audit entry in the same
// transaction as an account change.
func (c *Console) auditIn(r *http.Request, u *user, action, target, scope, detail string) func(b kv.Bucket) error {
	return func(b kv.Bucket) error {
		_, err := audit.Append(b, audit.Entry{User: u.Name, Role: string(u.Role), Action: action, Target: target, Scope: scope, Detail: detail, Remote: remote(r)}, c.opt.Now())
		return err
	}
}

func (c *Console) accountAdd(w http.ResponseWriter, r *http.Request, u *user) {
	a := Account{Name: r.PostFormValue("name"), Display: r.PostFormValue("display"), Role: Role(r.PostFormValue("role")), Scope: strings.TrimSpace(r.PostFormValue("scope"))}
	pw := r.PostFormValue("password")
	detail := RoleNames[a.Role]
	if a.Role == RoleTownship {
		detail += " " + a.Scope
	}
	got, err := c.accounts.Add(a, pw, c.auditIn(r, u, audit.AccountAdd, strings.TrimSpace(a.Name), a.Scope, detail))
	if err != nil {
		c.renderAccounts(w, r, "", store.MessageOf(err))
		return
	}
	c.doneTo(w, r, u, "/accounts", "已新建账号 "+got.Name+"（"+RoleNames[got.Role]+"）")
}

// accountEdit resets a password, unlocks, disables or enables an account.
func (c *Console) accountEdit(w http.ResponseWriter, r *http.Request, u *user) {
	name := r.PathValue("name")
	op := r.PostFormValue("op")
	pw := ""
	var detail string
	var fn func(a *Account) error
	switch op {
	case "password":
		pw = r.PostFormValue("password")
		if pw == "" {
			c.renderAccounts(w, r, "", "请填写新密码")
			return
		}
		detail, fn = "重设密码", func(a *Account) error { return nil }
	case "unlock":
		detail, fn = "解锁", func(a *Account) error { a.Failures, a.LockedUntil = 0, ""; return nil }
	case "disable", "enable":
		if name == u.Name {
			c.renderAccounts(w, r, "", "不能停用自己的账号")
			return
		}
		detail, fn = map[string]string{"disable": "停用", "enable": "启用"}[op], func(a *Account) error { a.Disabled = op == "disable"; return nil }
	default:
		c.deny(w, r, http.StatusBadRequest, "未知的操作")
		return
	}
	action := audit.AccountEdit
	if op == "password" {
		action = audit.PasswordSet
	}
	_, err := c.accounts.Edit(name, fn, pw, c.auditIn(r, u, action, name, "", detail))
	if err != nil {
		c.renderAccounts(w, r, "", store.MessageOf(err))
		return
	}
	if op == "disable" || op == "password" {
		// A disabled account, or one whose password was reset by the
		// administrator, is logged out everywhere.
		EndUser(c.s, name)
	}
	c.doneTo(w, r, u, "/accounts", name+"："+detail+"完成")
}
