package console

import (
	"net/http"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
)

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	if u, _ := c.current(r); u != nil {
		http.Redirect(w, r, home(u), http.StatusSeeOther)
		return
	}
	c.render(w, r, "login", map[string]any{"Next": safeNext(r.URL.Query().Get("next"))})
}

// home is where an account lands after logging in.
func home(u *user) string {
	if u.Role == RoleAuditor {
		return "/audit"
	}
	return "/"
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\") || len(next) > 2000 {
		return ""
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return "" // browsers drop tabs and newlines: "/\t/evil" is "//evil"
		}
	}
	return next
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	name := strings.TrimSpace(r.PostFormValue("name"))
	pw := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	a, locked, err := c.accounts.Login(name, pw)
	if err != nil {
		code := store.CodeOf(err)
		switch {
		case locked:
			c.audit.Add(audit.Entry{User: name, Action: audit.LoginLocked, Target: name, Detail: "连续输错密码，锁定", Remote: remote(r)})
		case code == ErrBadLogin.(*store.Error).Code || code == ErrLocked.(*store.Error).Code || code == ErrDisabled.(*store.Error).Code:
			c.audit.Add(audit.Entry{User: name, Action: audit.LoginFailed, Target: name, Detail: store.MessageOf(err), Remote: remote(r)})
		default:
			c.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		c.render(w, r, "login", map[string]any{"Error": store.MessageOf(err), "Name": name, "Next": next})
		return
	}
	token, s, err := c.sessions.New(a.Name, remote(r))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	u := &user{Account: a, session: s, token: token}
	c.logAudit(r, u, audit.Login, a.Name, a.Scope, "")
	if next == "" {
		next = home(u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, u *user) {
	c.sessions.End(u.token)
	c.logAudit(r, u, audit.Logout, u.Name, u.Scope, "")
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (c *Console) passwordPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.render(w, r, "password", nil)
}

// password lets a user change their own password, given the current one.
func (c *Console) password(w http.ResponseWriter, r *http.Request, u *user) {
	old, pw, again := r.PostFormValue("old"), r.PostFormValue("new"), r.PostFormValue("again")
	msg := ""
	// The current password is checked as a login is: wrong ones count
	// towards the lock.
	if _, locked, err := c.accounts.Login(u.Name, old); err != nil {
		msg = "当前密码不对"
		if locked || store.CodeOf(err) == "ACCOUNT_LOCKED" {
			c.logAudit(r, u, audit.LoginLocked, u.Name, u.Scope, "修改密码时连续输错当前密码，锁定")
			c.sessions.End(u.token)
			msg = store.MessageOf(ErrLocked)
		}
	} else if pw != again {
		msg = "两次输入的新密码不一致"
	} else if pw == old {
		msg = "新密码不能与当前密码相同"
	}
	if msg == "" {
		_, err := c.accounts.Edit(u.Name, func(a *Account) error { return nil }, pw, nil)
		if err == nil {
			// Every other browser of this account is logged out.
			EndUser(c.s, u.Name)
			token, s, err := c.sessions.New(u.Name, remote(r))
			if err == nil {
				http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
				u.session, u.token = s, token
			}
			c.logAudit(r, u, audit.PasswordSet, u.Name, u.Scope, "本人修改")
			c.render(w, r, "password", map[string]any{"Done": true})
			return
		}
		msg = store.MessageOf(err)
	}
	w.WriteHeader(http.StatusBadRequest)
	c.render(w, r, "password", map[string]any{"Error": msg})
}
