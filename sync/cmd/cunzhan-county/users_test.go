package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/sync/console"
)

// withStdin runs fn with input on standard input, as `… < 密码文件` does.
func withStdin(t *testing.T, input string, fn func()) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString(input)
	w.Close()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	fn()
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "county.db")
	if _, errOut, code := county(t, "--data", db, "init", "--county", "130131", "--name", "平山县级中心"); code != 0 {
		t.Fatal(errOut)
	}
	add := func(pw string, args ...string) (string, string, int) {
		var out, errOut string
		var code int
		withStdin(t, pw+"\n", func() { out, errOut, code = county(t, append([]string{"--data", db, "user", "add"}, args...)...) })
		return out, errOut, code
	}
	if out, errOut, code := add("goodpass123", "--name", "admin", "--role", "admin"); code != 0 || !strings.Contains(out, "已新建账号 admin") {
		t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	for _, c := range []struct {
		pw, want string
		args     []string
	}{
		{"goodpass123", "ACCOUNT_EXISTS", []string{"--name", "admin", "--role", "admin"}},
		{"short1", "PASSWORD_WEAK", []string{"--name", "b", "--role", "staff"}},
		{"goodpass123", "ACCOUNT_ROLE", []string{"--name", "c", "--role", "boss"}},
		{"goodpass123", "ACCOUNT_SCOPE", []string{"--name", "d", "--role", "township", "--scope", "130132190"}},
	} {
		if _, errOut, code := add(c.pw, c.args...); code != 1 || !strings.Contains(errOut, c.want+":") {
			t.Errorf("user add %v: %d %s, want %s", c.args, code, errOut, c.want)
		}
	}
	// Locked out by wrong passwords, and let back in from the county
	// machine with a new password.
	s, err := openFile(t, db, &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	x := console.NewAccounts(s, "130131")
	for i := 0; i < console.MaxFailures; i++ {
		x.Login("admin", "wrong-pass-1")
	}
	if _, _, err := x.Login("admin", "goodpass123"); store.CodeOf(err) != "ACCOUNT_LOCKED" {
		t.Fatalf("not locked: %v", err)
	}
	s.Close()
	var out, errOut string
	var code int
	withStdin(t, "newpass4567\n", func() { out, errOut, code = county(t, "--data", db, "user", "passwd", "--name", "admin") })
	if code != 0 || !strings.Contains(out, "已解锁") {
		t.Fatalf("user passwd: %d %s %s", code, out, errOut)
	}
	s, _ = openFile(t, db, &store.Options{RegistryDir: "-"})
	x = console.NewAccounts(s, "130131")
	if _, _, err := x.Login("admin", "newpass4567"); err != nil {
		t.Errorf("after passwd: %v", err)
	}
	s.Close()
	if out, errOut, code := county(t, "--data", db, "audit", "verify"); code != 0 || !strings.Contains(out, "链条完整") {
		t.Errorf("audit verify: %d %s %s", code, out, errOut)
	}
	if out, _, _ := county(t, "--data", db, "user", "list"); !strings.Contains(out, "admin") || strings.Contains(out, "argon2") {
		t.Errorf("user list: %s", out)
	}
}
