package main

import (
	"flag"
	"net/http"
	"os"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// recoveryFile issues a recovery file for a station that lost every
// password, and prints the one-time code that opens it: the file goes to
// the station on a stick, the code by telephone, never together.
func (a *app) recoveryFile(args []string) error {
	fs := flag.NewFlagSet("recovery-file", flag.ContinueOnError)
	station := fs.String("station", "", "站点编码，如 130131190201-01")
	out := fs.String("out", "", "恢复文件")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	if *station == "" || *out == "" {
		return usage("用法：recovery-file --station 站点编码 --out 恢复文件")
	}
	if _, err := os.Stat(*out); err == nil {
		return &store.Error{Code: "FILE_EXISTS", Message: "文件已存在，不覆盖：" + *out}
	}
	var got czsync.RecoveryIssued
	s, n, err := a.open()
	switch {
	case locked(err):
		err = a.adminCall(http.MethodPost, "/v1/admin/recovery", map[string]string{"station": *station}, &got)
	case err == nil:
		defer s.Close()
		got.File, got.Code, err = n.IssueRecovery(*station, "命令行")
	}
	if err != nil {
		return err
	}
	if err := atomicfile.Write(*out, got.File); err != nil {
		return err
	}
	return a.print(map[string]string{"file": *out, "code": got.Code},
		"恢复文件已写入 "+*out+"\n恢复码："+got.Code+"\n请把恢复文件交给站点，恢复码另用电话告知负责人本人：两者缺一不能恢复。恢复后站点用新的负责人登录。")
}
