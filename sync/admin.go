package sync

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"mime"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/audit"
)

// Administration of a running county server (enrol, revoke, list) is
// reached from the county machine's own command line. Loopback is not
// proof of that: any web page the county's clerk opens can send requests
// to 127.0.0.1, and a simple cross-site POST (text/plain) needs no
// permission from the server. So an administrative request must carry the
// token the server writes, as it starts, into a file only the county's own
// account can read; and it must look like the command line and never like a
// browser: a loopback Host (no DNS rebinding), no Origin, no Fetch metadata
// of a page.

// CodeAdminDenied refuses an administrative request.
const CodeAdminDenied = "ADMIN_DENIED"

// AdminTokenPath is where a server keeps the token for the database at
// dataPath.
func AdminTokenPath(dataPath string) string { return dataPath + ".admin-token" }

// NewAdminToken writes a fresh random token to path (mode 0600).
func NewAdminToken(path string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(b)
	if err := atomicfile.Write(path, []byte(tok+"\n")); err != nil {
		return "", err
	}
	return tok, nil
}

// ReadAdminToken reads the token a running server wrote.
func ReadAdminToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", fail(CodeAdminDenied, "找不到管理口令文件 "+path+"：县级中心服务没有在运行，或由其他用户运行")
	}
	if err != nil {
		return "", fail(CodeAdminDenied, "读不了管理口令文件 "+path+"：只有运行县级中心服务的用户可以管理")
	}
	return strings.TrimSpace(string(b)), nil
}

// fromBrowser reports whether a request shows the marks a browser puts on
// requests a page makes. The stations' program and the command line send
// none of them.
func fromBrowser(r *http.Request) bool {
	if r.Header.Get("Origin") != "" || r.Header.Get("Referer") != "" {
		return true
	}
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "none" {
		return true
	}
	return r.Header.Get("Sec-Fetch-Mode") != "" && r.Header.Get("Sec-Fetch-Mode") != "navigate"
}

// loopbackHost reports whether the Host header names this machine by a
// loopback address: a page on a rebinding domain reaches 127.0.0.1 under
// its own host name.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// admin guards an administrative handler.
func admin(token string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		deny := func(msg string) { writeError(w, http.StatusForbidden, fail(CodeAdminDenied, msg)) }
		remote, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(remote); err != nil || ip == nil || !ip.IsLoopback() {
			deny("管理操作只能在县级中心本机进行")
			return
		}
		if !loopbackHost(r.Host) || fromBrowser(r) {
			deny("管理操作不接受来自网页的请求")
			return
		}
		if r.Method == http.MethodPost {
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
				deny("管理请求的格式不对")
				return
			}
		}
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			deny("管理口令不对：请在县级中心本机、用运行服务的用户执行管理命令")
			return
		}
		h(w, r)
	}
}

// stationOnly refuses, on the stations' endpoint, what a browser page could
// send: a bundle comes from a program, as application/octet-stream.
func stationOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/octet-stream" || fromBrowser(r) {
			writeError(w, http.StatusForbidden, fail(CodeAdminDenied, "同步接口只接受村站程序发来的同步文件"))
			return
		}
		h(w, r)
	}
}

// bearer is the Authorization header value for a token.
func bearer(token string) string { return "Bearer " + token }

// AdminOnly guards an administrative handler another package adds to the
// server (the console's account commands), with the same checks.
func AdminOnly(token string, h http.HandlerFunc) http.HandlerFunc { return admin(token, h) }

// WriteJSON answers an administrative request.
func WriteJSON(w http.ResponseWriter, v any) { writeJSON(w, v) }

// WriteError answers an administrative request that failed.
func WriteError(w http.ResponseWriter, status int, err error) { writeError(w, status, err) }

// LogAdmin writes, at the county, what its command line did (an enrolment,
// a revocation) to the county's audit log, as the console does for its
// users.
func (n *Node) LogAdmin(action, target, scope, detail string) error {
	_, err := audit.Open(n.s).Add(audit.Entry{User: "命令行", Action: action, Target: target, Scope: scope, Detail: detail})
	return err
}
