// Package cli is the headless side of the cunzhan binary: the same store,
// report and import operations the window offers, for scripts and tests.
//
// Global flags come before the command (--data FILE, --format
// text|json|csv, --unmasked); each command takes its own flags after its
// name, in any order with its arguments. A failure prints "CODE: message"
// lines on standard error and exits with 1 (2 for a usage mistake, 3 for
// work done with alarms a person must read: "ALARM: message" lines); with
// --format json the error is also written to standard output as
// {"error": {...}}.
package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cunzhan/cunzhan/store"
)

// Version is set at build time with -ldflags "-X ...cli.Version=...".
var Version = "0.2.0-dev"

// env is one invocation.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	data           string
	format         string
	unmasked       bool
	now            func() time.Time
	registry       string // "" = default; tests use "-"
	// environ replaces the process environment (tests); nil reads it.
	environ map[string]string
	// name and password are the operator's, asked once per command (the
	// password also to change it); failedBefore, whether wrong passwords
	// were counted before this login.
	name, password string
	failedBefore   bool
	// command is the command line after the global options, for the
	// audit log's record of an unmasked output.
	command []string
	// openStore, if set, opens the store that --data names instead of a
	// station's file (the county command runs reports on PostgreSQL).
	openStore func(target string, opt *store.Options) (*store.Store, error)
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"demo", "demo --out FILE [--seed N] [--people N]：生成演示数据（全部为虚构测试数据）", cmdDemo},
		{"report", "report NAME --month YYYY-MM [--scope CODE] [--year YYYY] [--quarter YYYYQn]：统计报表", cmdReport},
		{"id", "id check NUMBER：校验公民身份号码", cmdID},
		{"record", "record get|put|check|new|step|edit|moves|delete|list|search|kinds ...：读写记录（JSON），按流程办理", cmdRecord},
		{"loan", "loan disburse --application ID [--file loan.json] [--set 字段=值 …]：登记放款（贷款申请同时改为已放款）", cmdLoan},
		{"import", "import BUNDLE | import roster|elderly|residents|loans FILE [--dry-run] [--home 幸福院] [--as-of 台账日期]：导入县级中心的同步文件，或导入村花名册、特殊困难老年人台账、幸福院入住老人花名册、贷款台账（.xlsx/.xls/.csv）", cmdImport},
		{"enroll", "enroll CREDENTIAL_FILE：用县级中心发放的凭证登记本站", cmdEnroll},
		{"sync", "sync [--server URL]：通过网络与县级中心同步", cmdSync},
		{"export", "export --to DIR | export roster --out F.xlsx [--scope CODE] [--unmasked]：把要交给县级中心的数据导出为同步文件（U盘），或把花名册导出为Excel", cmdExport},
		{"conflicts", "conflicts：列出待审核的并发修改", cmdConflicts},
		{"resolve", "resolve ID FIELD --pick N | --value JSON | --undo：审核一处并发修改，或撤销上一次审核", cmdResolve},
		{"print", "print FORM --record ID --out FILE.pdf [--unmasked] | print REPORT --month YYYY-MM [--scope CODE] --out FILE.pdf：打印表格和报表（PDF）", cmdPrint},
		{"dump", "dump [--out FILE] [--scope CODE]：导出全部状态为规范JSON（默认隐去敏感信息）；--scope 只导出该范围的站点持有的记录，便于与县里核对", cmdDump},
		{"due", "due visits|loans|overdue [--month YYYY-MM] [--days N]：待办名单", cmdDue},
		{"station", "station show | station set CODE NAME：站点设置", cmdStation},
		{"backups", "backups：列出自动备份（每天第一次打开数据文件时备份一次，保留最近7天）", cmdBackups},
		{"alarms", "alarms [--all] | alarms ack ID：需要人知道并处理的提醒（如从旧备份恢复、数据核对不一致）", cmdAlarms},
		{"restore", "restore 备份文件：用备份恢复本站数据（被替换的文件保留在备份文件夹里）", cmdRestore},
		{"policy", "policy show | policy set FILE.json：政策参数（整份政策、部分参数或评级授信方案）", cmdPolicy},
		{"operator", "operator setup|list|add|password|role|remove …：操作员（登录用的姓名、角色和密码）；setup 为新站设置第一位负责人并加密数据", cmdOperator},
		{"audit", "audit [--limit N] [--action 类别] [--user 姓名] | audit verify：本站审计日志（登录、查看完整信息、未遮盖打印与导出、账号与政策改动……），负责人可查看", cmdAudit},
		{"version", "version：版本号", func(e *env, _ []string) error { fmt.Fprintln(e.stdout, "cunzhan", Version); return nil }},
	}
}

// exitAlarm is the status of a command that did its work but met
// something a person must act on (an alarm; see store.Alarm): scripts
// and schedulers must not take it for a plain success.
const exitAlarm = 3

// alarmed ends a command that did its work with alarms.
type alarmed struct{ alarms []string }

func (a *alarmed) Error() string { return strings.Join(a.alarms, "；") }

// raised is nil without alarms.
func raised(alarms []string) error {
	if len(alarms) == 0 {
		return nil
	}
	return &alarmed{alarms}
}

// usageError is a mistake in how the command was called.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// quiet is a failure the command has already reported on standard output
// (a check with --format json prints its problems in its own object).
type quiet struct{}

func (quiet) Error() string { return "reported" }

// Main runs the command line and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, format: "text", now: time.Now}
	return e.main(args)
}

// MainWith is Main for another program's store: open opens what --data
// names (a county file or a PostgreSQL database). The county command runs
// its reports and review list through it, with the same code as a station.
func MainWith(args []string, stdin io.Reader, stdout, stderr io.Writer, open func(target string, opt *store.Options) (*store.Store, error)) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, format: "text", now: time.Now, openStore: open}
	return e.main(args)
}

func (e *env) main(args []string) int {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		name, val, hasVal := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		take := func() (string, bool) {
			if hasVal {
				return val, true
			}
			if len(args) < 2 {
				return "", false
			}
			args = args[1:]
			return args[0], true
		}
		var ok = true
		switch name {
		case "data":
			e.data, ok = take()
		case "format":
			e.format, ok = take()
		case "unmasked":
			e.unmasked = true
		case "h", "help":
			e.usage(e.stdout)
			return 0
		default:
			return e.fail(usagef("未知的选项 %s", args[0]))
		}
		if !ok {
			return e.fail(usagef("选项 %s 需要一个值", args[0]))
		}
		args = args[1:]
	}
	if e.format != "text" && e.format != "json" && e.format != "csv" {
		return e.fail(usagef("--format 只能是 text、json 或 csv"))
	}
	if len(args) == 0 {
		e.usage(e.stderr)
		return 2
	}
	for _, c := range commands {
		if c.name == args[0] {
			e.command = args
			if err := c.run(e, args[1:]); err != nil {
				return e.fail(err)
			}
			return 0
		}
	}
	return e.fail(usagef("未知的命令 %q", args[0]))
}

func (e *env) usage(w io.Writer) {
	fmt.Fprintln(w, "用法：cunzhan [--data 数据文件] [--format text|json|csv] [--unmasked] 命令 [参数]")
	fmt.Fprintln(w, "不带命令运行时打开村站窗口。命令：")
	for _, c := range commands {
		fmt.Fprintln(w, "  "+c.summary)
	}
}

// fail prints an error and returns the exit code.
func (e *env) fail(err error) int {
	if errors.As(err, new(quiet)) {
		return 1
	}
	var a *alarmed
	if errors.As(err, &a) {
		for _, msg := range a.alarms {
			fmt.Fprintln(e.stderr, "ALARM: "+msg)
		}
		return exitAlarm
	}
	var u *usageError
	if errors.As(err, &u) {
		fmt.Fprintln(e.stderr, "USAGE: "+u.msg)
		fmt.Fprintln(e.stderr, "运行 cunzhan --help 查看用法")
		return 2
	}
	type item struct {
		Code    string `json:"code"`
		Field   string `json:"field,omitempty"`
		Message string `json:"message"`
	}
	var items []item
	var probs store.Problems
	var se *store.Error
	switch {
	case errors.As(err, &probs):
		for _, p := range probs {
			items = append(items, item{p.Code, p.Field, p.Message})
		}
	case errors.As(err, &se):
		items = append(items, item{se.Code, se.Field, se.Message})
	default:
		items = append(items, item{store.CodeOf(err), "", store.MessageOf(err)})
	}
	for _, it := range items {
		if it.Field != "" {
			fmt.Fprintf(e.stderr, "%s: %s（%s）\n", it.Code, it.Message, it.Field)
		} else {
			fmt.Fprintf(e.stderr, "%s: %s\n", it.Code, it.Message)
		}
	}
	if e.format == "json" {
		out := map[string]any{"error": items[0]}
		if len(items) > 1 {
			out["problems"] = items
		}
		e.json(out)
	}
	return 1
}

func (e *env) json(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// flags parses command flags interleaved with positional arguments.
// Flags with a value are given by their names in withValue, boolean flags in
// bools.
func flags(args []string, withValue, bools []string) (map[string]string, []string, error) {
	vals := map[string]string{}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case contains(bools, name):
			vals[name] = "true"
		case contains(withValue, name):
			if !hasVal {
				if i+1 >= len(args) {
					return nil, nil, usagef("选项 --%s 需要一个值", name)
				}
				i++
				val = args[i]
			}
			if prev, ok := vals[name]; ok && name == "map" {
				val = prev + "," + val // --map may be given more than once
			}
			vals[name] = val
		case name == "format":
			if !hasVal {
				if i+1 >= len(args) {
					return nil, nil, usagef("选项 --format 需要一个值")
				}
				i++
				val = args[i]
			}
			vals["format"] = val
		default:
			return nil, nil, usagef("未知的选项 %s", a)
		}
	}
	return vals, pos, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parse parses a command's flags; --format and --unmasked may follow the
// command too (--unmasked is checked against the operator's role at
// login).
func (e *env) parse(args, withValue, bools []string) (map[string]string, []string, error) {
	vals, pos, err := flags(args, withValue, bools)
	if err == nil {
		err = e.applyFormat(vals)
	}
	if vals["unmasked"] == "true" {
		e.unmasked = true
	}
	return vals, pos, err
}

// applyFormat lets a command take --format after its name too.
func (e *env) applyFormat(vals map[string]string) error {
	if f, ok := vals["format"]; ok {
		if f != "text" && f != "json" && f != "csv" {
			return usagef("--format 只能是 text、json 或 csv")
		}
		e.format = f
	}
	return nil
}

func (e *env) storeOptions() *store.Options {
	return &store.Options{RegistryDir: e.registry, Now: e.now}
}

// open opens the station database; reading commands open it read-only.
func (e *env) open(readOnly bool) (*store.Store, error) {
	path := e.data
	if path == "" {
		var err error
		if path, err = store.DefaultPath(); err != nil {
			return nil, err
		}
	}
	// Personal data shown unmasked is recorded in the station's audit
	// log, which a read-only file cannot take.
	readOnly = readOnly && !e.unmasked
	opt := e.storeOptions()
	opt.ReadOnly = readOnly
	if e.openStore != nil {
		// The county's own file, opened with its key file.
		return e.openStore(path, opt)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, &store.Error{Code: store.CodeNotFound, Message: "找不到数据文件 " + path + "（用 --data 指定，或先运行 cunzhan demo --out 文件 生成演示数据，或用 operator setup 建立新的数据文件）"}
	}
	s, err := store.Open(path, opt)
	if err != nil {
		return nil, err
	}
	err = e.login(s)
	if err == nil && e.unmasked {
		err = e.auditUnmasked(s)
	}
	if !readOnly || !(store.CodeOf(err) == store.CodeLoginFailed || err == nil && e.failedBefore) {
		if err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	// A file opened read-only cannot count a wrong password towards the
	// lockout, nor clear the count after the right one: that is done on
	// a writable opening (not on read-only media, where nothing can be),
	// then the file is opened read-only again.
	s.Close()
	if w, werr := store.Open(path, e.storeOptions()); werr == nil {
		err = e.login(w) // its answer counts: "再错 N 次", or locked
		w.Close()
	}
	if err != nil {
		return nil, err
	}
	if s, err = store.Open(path, opt); err != nil {
		return nil, err
	}
	if err := e.login(s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Window is what a command line asks of the window.
type Window struct {
	Data string // the database file; "" for the default
	// Screenshots, when set, makes the window visit every screen, save one
	// PNG per screen into this folder and close (make screenshots).
	Screenshots string
}

// WindowArgs reports whether a command line asks for the window: no
// command, only --data FILE (and --screenshots DIR).
func WindowArgs(args []string) (Window, bool) {
	var w Window
	for len(args) > 0 {
		name, val, hasVal := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		if !strings.HasPrefix(args[0], "-") || name != "data" && name != "screenshots" {
			return Window{}, false
		}
		if !hasVal {
			if len(args) < 2 {
				return Window{}, false
			}
			val, args = args[1], args[1:]
		}
		args = args[1:]
		if name == "data" {
			w.Data = val
		} else {
			w.Screenshots = val
		}
	}
	return w, true
}
