// Command cunzhan-county is the county server: it holds the whole county's
// records in its own store, enrols stations, and exchanges bundles with them
// over HTTP or as files carried on a USB stick. It builds without cgo and
// without the window toolkit.
//
//	cunzhan-county --data county.db init --county 130131 --name 平山县级中心
//	cunzhan-county --data county.db enroll --scope 130131190201 --name 甲村服务点 --out 甲村.cred [--server http://10.0.0.2:8787]
//	cunzhan-county --data county.db serve --addr 0.0.0.0:8787 [--cert 证书.pem --key 私钥.pem]
//	cunzhan-county --data county.db user add --name admin --role admin < 密码
//	cunzhan-county --data county.db audit verify
//	cunzhan-county --data demo-county.db demo
//	cunzhan-county --data county.db stations
//	cunzhan-county --data county.db revoke 130131190201-01
//	cunzhan-county --data county.db import BUNDLE --reply-to DIR
//	cunzhan-county --data county.db recover STATION_加密备份_….czs --out station.db
//	cunzhan-county --data county.db dump [--scope 代码] [--unmasked] [--out 文件]
//	cunzhan-county migrate --from county.db --to 'postgres:///county?host=/run/postgresql'
//
// Every command takes --db with a PostgreSQL connection string in place of
// --data, for a city or a province that runs several server processes on
// one database:
//
//	cunzhan-county --db 'postgres:///county?host=/run/postgresql' serve --addr :8787
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/backend"
	"github.com/cunzhan/cunzhan/store/crypt"
	czsync "github.com/cunzhan/cunzhan/sync"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type app struct {
	data   string
	db     string // a PostgreSQL connection string, in place of data
	server string // the running server, used when it holds the database
	key    string // the data key file (keyfile.go)
	format string
	stdout io.Writer
	stderr io.Writer
}

func run(args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	global := flag.NewFlagSet("cunzhan-county", flag.ContinueOnError)
	global.SetOutput(stderr)
	global.StringVar(&a.data, "data", "county.db", "县级中心数据文件")
	global.StringVar(&a.db, "db", "", "PostgreSQL 数据库连接串（postgres://…），代替 --data 的数据文件")
	global.StringVar(&a.format, "format", "text", "输出格式：text 或 json")
	global.StringVar(&a.key, "key", "", "县级中心数据密钥文件（默认为数据文件同名的 .key 文件；用 PostgreSQL 时必须指定）")
	global.StringVar(&a.server, "server", "http://127.0.0.1:8787", "本机运行中的县级中心服务（数据文件被它占用时，管理命令经由它执行）")
	global.Usage = func() {
		fmt.Fprintln(stderr, "用法：cunzhan-county [--data 文件 | --db postgres://…] [--format text|json] 命令")
		fmt.Fprintln(stderr, "命令：init, serve, user, enroll, revoke, stations, import, recover, recovery-file, dump, migrate, report, conflicts, audit, demo, protect")
	}
	if err := global.Parse(args); err != nil {
		return 2
	}
	rest := global.Args()
	if len(rest) == 0 {
		global.Usage()
		return 2
	}
	if a.db != "" && !backend.IsPostgres(a.db) {
		fmt.Fprintln(stderr, "USAGE: --db 应为 PostgreSQL 连接串，如 postgres:///county?host=/run/postgresql；数据文件请用 --data")
		return 2
	}
	cmds := map[string]func([]string) error{
		"init": a.init, "serve": a.serve, "enroll": a.enroll, "revoke": a.revoke, "stations": a.stations, "import": a.importBundle,
		"recover": a.recoverSnapshot, "dump": a.dump, "migrate": a.migrate,
		"report": a.station("report"), "conflicts": a.station("conflicts"),
		"user": a.user, "demo": a.demo, "audit": a.auditCmd, "protect": a.protect, "recovery-file": a.recoveryFile,
	}
	cmd, ok := cmds[rest[0]]
	if !ok {
		fmt.Fprintf(stderr, "USAGE: 未知的命令 %q\n", rest[0])
		global.Usage()
		return 2
	}
	if err := cmd(rest[1:]); err != nil {
		if errors.Is(err, errAlarm) {
			return 3
		}
		var ex exited
		if errors.As(err, &ex) {
			return int(ex)
		}
		var u usage
		if errors.As(err, &u) {
			fmt.Fprintln(stderr, "USAGE: "+string(u))
			return 2
		}
		fmt.Fprintf(stderr, "%s: %s\n", store.CodeOf(err), store.MessageOf(err))
		if a.format == "json" {
			json.NewEncoder(stdout).Encode(map[string]any{"error": map[string]string{"code": store.CodeOf(err), "message": store.MessageOf(err)}})
		}
		return 1
	}
	return 0
}

type usage string

func (u usage) Error() string { return string(u) }

// locked reports whether the database is held by the running server.
func locked(err error) bool { return store.CodeOf(err) == store.CodeLocked }

// flags parses a command's flags, allowing them after positional arguments.
func flags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usage(err.Error())
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// target is where the county's store lives: the PostgreSQL database of
// --db, or the file of --data.
func (a *app) target() string {
	if a.db != "" {
		return a.db
	}
	return a.data
}

// where is how a command line names the store, for messages.
func (a *app) where() string {
	if a.db != "" {
		return "--db '" + backend.Redact(a.db) + "'"
	}
	return "--data " + a.data
}

// openStore opens the county's store with its data key.
func (a *app) openStore() (*store.Store, error) { return a.openWith(a.target(), nil) }

func (a *app) open() (*store.Store, *czsync.Node, error) {
	s, err := a.openStore()
	if err != nil {
		return nil, nil, err
	}
	n, err := czsync.Open(s)
	if err != nil {
		s.Close()
		if store.CodeOf(err) == czsync.CodeNotEnrolled {
			return nil, nil, &store.Error{Code: "NOT_INITIALISED", Message: "县级中心数据尚未初始化：先运行 cunzhan-county " + a.where() + " init --county 县代码 --name 名称"}
		}
		return nil, nil, err
	}
	if n.Role() != czsync.RoleCounty {
		s.Close()
		return nil, nil, &store.Error{Code: "NOT_COUNTY", Message: "这是站点的数据文件，不是县级中心的"}
	}
	return s, n, nil
}

func (a *app) print(v any, text string) error {
	if a.format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
	fmt.Fprintln(a.stdout, text)
	return nil
}

func (a *app) init(args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	county := fs.String("county", "", "6位县级区划代码")
	name := fs.String("name", "", "县级中心名称")
	suiteName := fs.String("suite", "standard", "密码算法：standard（通用）或 national（国密 SM2/SM3/SM4）")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	if *county == "" || *name == "" {
		return usage("用法：init --county 县代码 --name 名称 [--suite standard|national]")
	}
	suite, err := crypt.ParseSuite(*suiteName)
	if err != nil {
		return usage("--suite 只能是 standard 或 national")
	}
	// Checked before anything is written: a file protected for a code
	// init then refuses could not be initialised again.
	if err := czsync.CheckCountyCode(*county); err != nil {
		return err
	}
	s, err := backend.Open(a.target(), nil)
	if err != nil {
		return err
	}
	defer s.Close()
	if s.Protected() || s.Station() != nil {
		return &store.Error{Code: "ALREADY_INITIALISED", Message: "该数据已经初始化过，不能再次初始化"}
	}
	// Protected first, empty: everything after is sealed as written.
	keyPath, err := a.protectAndKeep(s, suite, *county)
	if err != nil {
		return err
	}
	n, err := czsync.InitCounty(s, *county, *name)
	if err != nil {
		return err
	}
	// The console's certificate is made now, so that its fingerprint can
	// be handed to the staff with the address.
	_, fp, err := n.Certificate()
	if err != nil {
		return err
	}
	return a.print(map[string]string{"id": n.ID(), "station": s.Station().Code, "fingerprint": fp, "key": keyPath, "suite": string(suite)},
		"县级中心已初始化："+*name+"（"+s.Station().Code+"）\n控制台证书指纹（SHA-256）："+fp+
			"\n数据密钥文件："+keyPath+"（"+suite.Label()+"）：请与数据分开保管并另存一份，没有它数据打不开"+
			"\n下一步：cunzhan-county "+a.where()+" user add --name 登录名 --role admin < 密码文件")
}

func (a *app) enroll(args []string) error {
	fs := flag.NewFlagSet("enroll", flag.ContinueOnError)
	scope := fs.String("scope", "", "站点范围：12位村代码或9位乡镇代码")
	name := fs.String("name", "", "站点名称")
	out := fs.String("out", "", "凭证文件")
	server := fs.String("server", "", "站点连接县级中心的地址，如 http://10.0.0.2:8787")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	if *scope == "" || *name == "" || *out == "" {
		return usage("用法：enroll --scope 代码 --name 名称 --out 凭证文件 [--server 地址]")
	}
	if _, err := os.Stat(*out); err == nil {
		return &store.Error{Code: "FILE_EXISTS", Message: "凭证文件已存在，不覆盖：" + *out}
	}
	var cred *czsync.Credential
	s, n, err := a.open()
	switch {
	case locked(err):
		cred = &czsync.Credential{}
		err = a.adminCall(http.MethodPost, "/v1/admin/enroll", map[string]string{"scope": *scope, "name": *name, "server": *server}, cred)
	case err == nil:
		defer s.Close()
		if cred, err = n.EnrolStation(*scope, *name, *server); err == nil {
			err = n.LogAdmin(audit.Enrol, cred.Station.Code, cred.Station.Scope, cred.Station.Name)
		}
	}
	if err != nil {
		return err
	}
	if err := atomicfile.Write(*out, cred.File()); err != nil {
		return err
	}
	return a.print(cred.Station, fmt.Sprintf("已登记站点 %s（%s），凭证已写入 %s\n凭证含有站点密钥：请当面交给站点，登记后删除副本。", cred.Station.Name, cred.Station.Code, *out))
}

func (a *app) revoke(args []string) error {
	fs := flag.NewFlagSet("revoke", flag.ContinueOnError)
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usage("用法：revoke 站点编码")
	}
	var p *czsync.PeerState
	s, n, err := a.open()
	switch {
	case locked(err):
		p = &czsync.PeerState{}
		err = a.adminCall(http.MethodPost, "/v1/admin/revoke", map[string]string{"station": pos[0]}, p)
	case err == nil:
		defer s.Close()
		if p, err = n.Revoke(pos[0]); err == nil {
			err = n.LogAdmin(audit.Revoke, p.Code, p.Scope, p.Name)
		}
	}
	if err != nil {
		return err
	}
	return a.print(p, "已吊销站点 "+p.Code+" 的凭证；此后不再接受它的同步文件")
}

func (a *app) stations(args []string) error {
	var list []czsync.StationStatus
	s, n, err := a.open()
	switch {
	case locked(err):
		err = a.adminCall(http.MethodGet, "/v1/admin/stations", nil, &list)
	case err == nil:
		defer s.Close()
		list, err = n.Stations()
	}
	if err != nil {
		return err
	}
	if a.format == "json" {
		if list == nil {
			list = []czsync.StationStatus{}
		}
		return a.print(list, "")
	}
	fmt.Fprintf(a.stdout, "%-18s %-16s %-14s %-20s %8s  %-8s %s\n", "站点编码", "名称", "范围", "上次同步", "待发", "版本", "状态")
	for _, p := range list {
		state := "正常"
		if p.Revoked {
			state = "已吊销 " + p.RevokedAt
		}
		if len(p.Forked) > 0 {
			// The station reused sequence numbers (restored from an old
			// copy); it repairs itself at its next exchange.
			state = "！曾从旧备份恢复，编号重复（" + p.ForkedAt + "），待其下次同步时自动修复"
		}
		last := p.LastSync
		if last == "" {
			last = "从未同步"
		}
		program := p.Program
		if program == "" {
			program = "旧版"
		}
		fmt.Fprintf(a.stdout, "%-18s %-16s %-14s %-20s %8d  %-8s %s\n", p.Code, p.Name, p.Scope, last, p.Backlog, program, state)
	}
	return nil
}

func (a *app) importBundle(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	replyTo := fs.String("reply-to", "", "回复同步文件写入的目录（U盘）")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *replyTo == "" {
		return usage("用法：import 同步文件 --reply-to 目录")
	}
	s, n, err := a.open()
	if locked(err) {
		return a.importViaServer(pos[0], *replyTo)
	}
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := n.ImportFile(pos[0], "")
	if err != nil {
		return err
	}
	// Build now, so that the summary names the fields left for review.
	if err := n.Build(res); err != nil {
		return err
	}
	paths, err := n.ExportTo(*replyTo, res.From)
	if err != nil {
		return err
	}
	text := res.Summary()
	for _, p := range paths {
		text += "\n回复文件：" + p
	}
	for _, al := range res.Alarms {
		text += "\n！" + al
	}
	if err := a.print(map[string]any{"result": res, "reply": paths}, text); err != nil {
		return err
	}
	if len(res.Alarms) > 0 {
		return errAlarm
	}
	return nil
}

// errAlarm ends a command that did its work but met something a person
// must act on (exit status 3).
var errAlarm = errors.New("alarm")

// recoverSnapshot opens a station's sealed copy from the stick and writes
// the station's file, for a station whose computer or file was lost.
func (a *app) recoverSnapshot(args []string) error {
	fs := flag.NewFlagSet("recover", flag.ContinueOnError)
	out := fs.String("out", "", "恢复出的站点数据文件")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return usage("用法：recover 加密备份.czs --out 站点数据文件")
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return &store.Error{Code: "FILE_READ", Message: "无法读取加密备份：" + pos[0], Err: err}
	}
	s, n, err := a.open()
	if locked(err) {
		// A rare step, done by hand: it reads the county's keys from its
		// file, which the running server holds.
		return &store.Error{Code: store.CodeLocked, Message: "县级中心服务（serve）正在使用数据文件：请先停止服务，恢复加密备份后再启动"}
	}
	if err != nil {
		return err
	}
	defer s.Close()
	h, err := n.RecoverSnapshot(b, *out)
	if err != nil {
		return err
	}
	return a.print(h, fmt.Sprintf("已恢复%s在 %s 的数据文件：%s\n请交给站点，在站点电脑上运行 cunzhan restore %s（或在窗口的设置页选“从备份恢复”后选择该文件）。该文件含有个人信息和站点密钥，请当面交付，用后删除副本。",
		h.Station, h.Created, *out, filepath.Base(*out)))
}

// importViaServer hands a bundle from a stick to the running server and
// writes its reply parts for the station.
func (a *app) importViaServer(path, replyTo string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return &store.Error{Code: "FILE_READ", Message: "无法读取同步文件：" + path}
	}
	parts, name, err := czsync.PostFile(context.Background(), a.server, b)
	if err != nil {
		return err
	}
	stamp := time.Now().In(store.ChinaTZ).Format("20060102-150405")
	var paths []string
	for i, p := range parts {
		file := filepath.Join(replyTo, fmt.Sprintf("%s_%s_%d-%d%s", name, stamp, i+1, len(parts), czsync.BundleExt))
		if err := atomicfile.Write(file, p); err != nil {
			return err
		}
		paths = append(paths, file)
	}
	text := "已由运行中的县级中心服务导入"
	for _, p := range paths {
		text += "\n回复文件：" + p
	}
	return a.print(map[string]any{"reply": paths}, text)
}

// adminCall asks the running server holding the database, with the token
// it wrote beside the database.
func (a *app) adminCall(method, path string, in, out any) error {
	tok, err := czsync.ReadAdminToken(czsync.AdminTokenPath(a.data))
	if err != nil {
		return err
	}
	return czsync.AdminCall(context.Background(), a.server, tok, method, path, in, out)
}
