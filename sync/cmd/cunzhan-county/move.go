package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cunzhan/cunzhan/app/cli"
	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/backend"
	"github.com/cunzhan/cunzhan/store/kv/pgkv"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// dump writes the county's whole state (or one scope's) as canonical JSON:
// the same records, versions and have vector give the same bytes, on a
// file or on PostgreSQL.
func (a *app) dump(args []string) error {
	fs := flag.NewFlagSet("dump", flag.ContinueOnError)
	scope := fs.String("scope", "", "只导出该区划代码的站点所持有的记录")
	unmasked := fs.Bool("unmasked", false, "不遮盖身份证号、电话、银行账号等")
	out := fs.String("out", "", "写入文件（默认输出到屏幕）")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	s, err := a.openWith(a.target(), &store.Options{ReadOnly: a.db == ""})
	if err != nil {
		return err
	}
	defer s.Close()
	write := func(w io.Writer) error { return s.Dump(w, *unmasked) }
	if *scope != "" {
		write = func(w io.Writer) error { return s.DumpScope(w, *scope, *unmasked) }
	}
	if *out != "" {
		return atomicfile.WriteFunc(*out, write)
	}
	return write(a.stdout)
}

// migrate moves a county from its file to a PostgreSQL database.
func (a *app) migrate(args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	from := fs.String("from", "", "县级中心数据文件")
	to := fs.String("to", "", "PostgreSQL 连接串（postgres://…），须为空库")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	if *from == "" || !backend.IsPostgres(*to) {
		return usage("用法：migrate --from 数据文件 --to postgres://…")
	}
	if _, err := os.Stat(*from); err != nil {
		return &store.Error{Code: store.CodeNotFound, Message: "找不到县级中心数据文件：" + *from}
	}
	if a.key == "" {
		a.key = strings.TrimSuffix(*from, ".db") + ".key"
	}
	src, err := store.Open(*from, nil)
	if err != nil {
		if store.CodeOf(err) == store.CodeLocked {
			return &store.Error{Code: store.CodeLocked, Message: "县级中心服务（serve）正在使用数据文件：请先停止服务再迁移"}
		}
		return err
	}
	defer src.Close()
	if st := src.Station(); st == nil || st.Type != store.CountyType {
		return &store.Error{Code: "NOT_COUNTY", Message: "这不是已初始化的县级中心数据文件，不迁移：" + *from}
	}
	if err := a.unlock(src); err != nil {
		return err
	}
	if n, err := czsync.Open(src); err != nil || n.Role() != czsync.RoleCounty {
		return &store.Error{Code: "NOT_COUNTY", Message: "这不是已初始化的县级中心数据文件，不迁移：" + *from}
	}
	dst, err := pgkv.Open(context.Background(), *to)
	if err != nil {
		return &store.Error{Code: "DB_CONNECT", Message: "连接 PostgreSQL 数据库失败：" + err.Error(), Err: err}
	}
	defer dst.Close()
	n, err := src.MoveTo(dst, backend.Redact(*to))
	if err != nil {
		return err
	}
	return a.print(map[string]any{"keys": n, "to": backend.Redact(*to)},
		fmt.Sprintf("已迁移 %d 条数据到 %s。原数据文件已注明迁移，此后只能只读查看；请用 --db 和 --key %s 启动服务（数据仍由同一个密钥文件加密）。", n, backend.Redact(*to), a.key))
}

// station runs a reading command of the station's command line (report,
// conflicts) on the county's store, file or PostgreSQL: the same code, the
// same figures and the same review list as a station's.
func (a *app) station(name string) func([]string) error {
	return func(args []string) error {
		global := []string{"--data", a.target(), "--format", a.format, name}
		code := cli.MainWith(append(global, args...), os.Stdin, a.stdout, a.stderr, a.openWith)
		if code != 0 {
			return exited(code)
		}
		return nil
	}
}

// exited is a command that reported its own failure and exit status.
type exited int

func (e exited) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
