package main

import (
	"bufio"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	czsync "github.com/cunzhan/cunzhan/sync"
	"github.com/cunzhan/cunzhan/sync/console"
)

// user manages console accounts from the county machine: the first
// administrator is made here; later ones in the console too.
//
//	user add --name admin --role admin [--display 姓名] [--scope 乡镇代码] < 密码
//	user list
func (a *app) user(args []string) error {
	if len(args) == 0 {
		return usage("用法：user add --name 登录名 --role admin|staff|township|auditor [--display 姓名] [--scope 9位乡镇代码] < 密码；user passwd --name 登录名 < 新密码；user list")
	}
	switch args[0] {
	case "add":
		return a.userAdd(args[1:])
	case "passwd":
		return a.userPasswd(args[1:])
	case "list":
		return a.userList()
	}
	return usage("未知的 user 子命令 " + args[0] + "：可用 add、passwd、list")
}

func (a *app) userAdd(args []string) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	name := fs.String("name", "", "登录名")
	display := fs.String("display", "", "姓名")
	role := fs.String("role", "", "角色：admin 县级管理员、staff 县级工作人员、township 乡镇工作人员、auditor 审计员")
	scope := fs.String("scope", "", "乡镇工作人员的9位乡镇区划代码")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	if *name == "" || *role == "" {
		return usage("用法：user add --name 登录名 --role admin|staff|township|auditor [--display 姓名] [--scope 9位乡镇代码] < 密码")
	}
	pw, err := a.readPassword()
	if err != nil {
		return err
	}
	acct := console.Account{Name: *name, Display: *display, Role: console.Role(*role), Scope: *scope}
	var made *console.Account
	s, n, err := a.open()
	switch {
	case locked(err):
		made = &console.Account{}
		err = a.adminCall(http.MethodPost, "/v1/admin/user", console.UserRequest{Account: acct, Password: pw}, made)
	case err == nil:
		defer s.Close()
		made, err = console.AddUser(console.NewAccounts(s, countyOf(n)), acct, pw, "县级中心本机")
	}
	if err != nil {
		return err
	}
	made.Hash = ""
	return a.print(made, fmt.Sprintf("已新建账号 %s（%s，%s）", made.Name, console.RoleNames[made.Role], made.Scope))
}

// readPassword reads a password from standard input (a pipe or a file),
// never from an argument: arguments show in the process list and in the
// shell's history.
func (a *app) readPassword() (string, error) {
	fmt.Fprint(a.stderr, "请输入密码（至少10位，含字母和数字）：")
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usage("没有读到密码：请在标准输入给出密码，如 user add … < 密码文件")
	}
	fmt.Fprintln(a.stderr)
	return strings.TrimRight(line, "\r\n"), nil
}

// userPasswd sets a forgotten password, and unlocks and enables the
// account: `user passwd --name 登录名 < 新密码`.
func (a *app) userPasswd(args []string) error {
	fs := flag.NewFlagSet("user passwd", flag.ContinueOnError)
	name := fs.String("name", "", "登录名")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	if *name == "" {
		return usage("用法：user passwd --name 登录名 < 新密码")
	}
	pw, err := a.readPassword()
	if err != nil {
		return err
	}
	var done *console.Account
	s, n, err := a.open()
	switch {
	case locked(err):
		done = &console.Account{}
		err = a.adminCall(http.MethodPost, "/v1/admin/user", console.UserRequest{Op: "passwd", Account: console.Account{Name: *name}, Password: pw}, done)
	case err == nil:
		defer s.Close()
		done, err = console.ResetPassword(console.NewAccounts(s, countyOf(n)), *name, pw, "县级中心本机")
	}
	if err != nil {
		return err
	}
	done.Hash = ""
	return a.print(done, "已重设 "+done.Name+" 的密码，账号已解锁并启用；该账号原有的登录均已退出")
}

func (a *app) userList() error {
	s, n, err := a.open()
	if locked(err) {
		return &store.Error{Code: store.CodeLocked, Message: "县级中心服务正在运行：请在控制台的“账号”页查看"}
	}
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := console.NewAccounts(s, countyOf(n)).List()
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Hash = ""
	}
	if a.format == "json" {
		return a.print(list, "")
	}
	for _, u := range list {
		state := "正常"
		if u.Disabled {
			state = "已停用"
		}
		fmt.Fprintf(a.stdout, "%-16s %-10s %-12s %-12s %s\n", u.Name, u.Display, console.RoleNames[u.Role], u.Scope, state)
	}
	return nil
}

func countyOf(n *czsync.Node) string { return n.Store().Station().Code[:6] }

// auditCmd checks the audit log's chain: `audit verify`.
func (a *app) auditCmd(args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return usage("用法：audit verify")
	}
	s, _, err := a.open()
	if locked(err) {
		return &store.Error{Code: store.CodeLocked, Message: "县级中心服务正在运行：请在控制台的“审计日志”页校验"}
	}
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := audit.Open(s).Verify()
	if err != nil {
		return err
	}
	text := fmt.Sprintf("审计日志共 %d 条，链条完整", rep.Entries)
	if !rep.OK() {
		text = fmt.Sprintf("审计日志共 %d 条，发现 %d 处删改：", rep.Entries, len(rep.Problems))
		for _, p := range rep.Problems {
			text += fmt.Sprintf("\n第 %d 条：%s", p.Seq, p.Message)
		}
	}
	if err := a.print(rep, text); err != nil {
		return err
	}
	if !rep.OK() {
		return errAlarm
	}
	return nil
}
