package cli

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/term"

	"github.com/cunzhan/cunzhan/store"
)

// Who runs a command: a protected station file opens only for one of its
// operators. Scripts give the name and password in the environment; a
// person at a terminal is asked. The password never appears in arguments,
// where other users of the machine could read it from the process list.
const (
	envOperator    = "CUNZHAN_OPERATOR"
	envPassword    = "CUNZHAN_PASSWORD"
	envNewPassword = "CUNZHAN_NEW_PASSWORD"
)

func (e *env) getenv(k string) string {
	if e.environ != nil {
		return e.environ[k]
	}
	return os.Getenv(k)
}

// terminal reports whether the command can ask its user: standard input is
// the process's own and a terminal.
func (e *env) terminal() bool {
	f, ok := e.stdin.(*os.File)
	return ok && f == os.Stdin && term.IsTerminal(int(f.Fd()))
}

// ask reads a line from the terminal after a prompt on standard error;
// secret lines are not echoed.
func (e *env) ask(prompt string, secret bool) (string, error) {
	fmt.Fprint(e.stderr, prompt)
	if secret {
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(e.stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	return strings.TrimSpace(line), err
}

var errNoCredentials = &store.Error{Code: store.CodeLoginNeeded,
	Message: "数据已加密保护，需要操作员登录：请设置环境变量 " + envOperator + " 和 " + envPassword + "，或在终端里运行命令以输入姓名和密码"}

// credentials are the operator's name and password for this command,
// asked once.
func (e *env) credentials() (string, string, error) {
	if e.name != "" && e.password != "" {
		return e.name, e.password, nil
	}
	name, pw := e.getenv(envOperator), e.getenv(envPassword)
	if name != "" && pw != "" {
		e.name, e.password = name, pw
		return name, pw, nil
	}
	if !e.terminal() {
		return "", "", errNoCredentials
	}
	var err error
	if name == "" {
		if name, err = e.ask("操作员姓名：", false); err != nil {
			return "", "", errNoCredentials
		}
	}
	if pw == "" {
		if pw, err = e.ask("密码：", true); err != nil {
			return "", "", errNoCredentials
		}
	}
	e.name, e.password = name, pw
	return name, pw, nil
}

// newPassword is a password being set: from CUNZHAN_NEW_PASSWORD, or asked
// twice on the terminal.
func (e *env) newPassword(envKey string) (string, error) {
	if pw := e.getenv(envKey); pw != "" {
		return pw, nil
	}
	if !e.terminal() {
		return "", usagef("请在环境变量 %s 中给出新密码，或在终端里运行命令以输入", envKey)
	}
	pw, err := e.ask("新密码：", true)
	if err != nil {
		return "", err
	}
	again, err := e.ask("再输入一次：", true)
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", &store.Error{Code: store.CodePassword, Message: "两次输入的密码不一致"}
	}
	return pw, nil
}

// login opens a protected store for this command's operator. An
// unprotected station file is refused: it must be set up first.
func (e *env) login(s *store.Store) error {
	if !s.Protected() {
		return &store.Error{Code: store.CodeUnprotected, Message: "此数据文件还没有设置负责人，个人信息未加密：请先运行 cunzhan --data " +
			s.Path() + " operator setup --name 姓名（密码在环境变量 " + envPassword + " 中给出，或在终端里输入）"}
	}
	name, pw, err := e.credentials()
	if err != nil {
		return err
	}
	op, err := s.Unlock(name, pw)
	if err != nil {
		return err
	}
	e.failedBefore = op.Failures > 0
	if e.unmasked {
		return s.Require(store.PermUnmasked)
	}
	return nil
}

// auditUnmasked records, before anything is shown, that this command
// outputs personal data unmasked: a print, or an export of anything else.
func (e *env) auditUnmasked(s *store.Store) error {
	action := store.AuditExport
	if len(e.command) > 0 && e.command[0] == "print" {
		action = store.AuditPrint
	}
	return s.Audit(action, e.commandLine(), "命令行，未遮盖")
}

// auditMasked records an export of masked data (an unmasked one is
// recorded at login, auditUnmasked); a file on read-only media cannot
// take the entry, and the masked export goes on.
func (e *env) auditMasked(s *store.Store) error {
	if e.unmasked {
		return nil
	}
	if err := s.Audit(store.AuditExport, e.commandLine(), "命令行，遮盖"); err != nil && store.CodeOf(err) != store.CodeReadOnly {
		return err
	}
	return nil
}

// auditFlags are the flags whose values the audit log keeps: they name a
// form, a record by its id, a period or a scope, never a person.
var auditFlags = map[string]bool{"record": true, "month": true, "year": true, "quarter": true, "scope": true, "format": true, "to": true, "on": true, "for": true, "out": true}

// commandLine is the command for the audit log: its words and flags, with
// the values of other flags and of free arguments (a search, a file name)
// left out, and long digit runs hidden.
func (e *env) commandLine() string {
	var out []string
	for i := 0; i < len(e.command); i++ {
		a := e.command[i]
		if name, ok := strings.CutPrefix(a, "--"); ok {
			name, _, hasVal := strings.Cut(name, "=")
			out = append(out, "--"+name)
			if !hasVal && i+1 < len(e.command) && !strings.HasPrefix(e.command[i+1], "--") && name != "unmasked" && name != "all" && name != "dry-run" {
				i++
				if auditFlags[name] {
					out = append(out, e.command[i])
				} else {
					out = append(out, "…")
				}
			}
			continue
		}
		// The command's words, and record ids: what was opened.
		if _, err := uuid.Parse(a); err == nil || i < 2 && !strings.ContainsAny(a, "./\\") {
			out = append(out, a)
		} else {
			out = append(out, "…")
		}
	}
	return store.MaskDigits(strings.Join(out, " "))
}
