package console

import (
	"net/http"
	gosync "sync"
)

// flashes hold the one-line result of a form (已办理：…), shown once on the
// page the form redirects to. They are kept on the server by session, not
// carried in the address, so that a link cannot put words on a page. A
// server of several processes may lose one; the page itself shows the
// outcome too.
type flashes struct {
	mu gosync.Mutex
	m  map[string]string
}

// maxFlashes bounds the results waiting to be shown.
const maxFlashes = 4096

// doneTo records a form's result for the user and sends the browser on.
func (c *Console) doneTo(w http.ResponseWriter, r *http.Request, u *user, path, msg string) {
	c.flash.mu.Lock()
	if c.flash.m == nil || len(c.flash.m) >= maxFlashes {
		c.flash.m = map[string]string{}
	}
	c.flash.m[u.token] = msg
	c.flash.mu.Unlock()
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// takeDone returns the user's waiting result, once.
func (c *Console) takeDone(u *user) string {
	c.flash.mu.Lock()
	defer c.flash.mu.Unlock()
	msg := c.flash.m[u.token]
	delete(c.flash.m, u.token)
	return msg
}
