package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/backend"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/demo"
	czsync "github.com/cunzhan/cunzhan/sync"
	"github.com/cunzhan/cunzhan/sync/console"
)

// Demo accounts of `demo`. 全部为演示账号：只用于演示数据。
const (
	DemoAdmin    = "admin"
	DemoPassword = "cunzhan2025demo"
)

// demo makes a county file holding the demo data set of domain.md §8, with
// demo accounts, for trying the console in one step.
//
// The county is built from a demo station's file (the one the window opens,
// made first if it does not exist): it holds that file's records under the
// same ids, and a credential for that station is written beside it, so the
// station enrols and syncs as one lineage instead of adding a second copy
// of every record.
func (a *app) demo(args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	stationFile := fs.String("station", "", "站点的演示数据文件（没有则先生成）：县级中心由它的数据建成，并为它写出登记凭证")
	address := fs.String("address", "https://127.0.0.1:8787", "凭证中站点连接县级中心的地址")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	if a.db != "" {
		return usage("演示数据只写入新的数据文件（--data）")
	}
	if _, err := os.Stat(a.data); err == nil {
		return &store.Error{Code: "FILE_EXISTS", Message: "目标文件已存在，演示数据只写入新文件：" + a.data + "（如是上次中断留下的，删除后重试）"}
	}
	credFile := ""
	src := *stationFile
	if src == "" {
		dir, err := os.MkdirTemp(filepath.Dir(a.data), ".cunzhan-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		src = filepath.Join(dir, "station.db")
	} else {
		credFile = strings.TrimSuffix(a.data, filepath.Ext(a.data)) + "-station.cred"
		if _, err := os.Stat(credFile); err == nil {
			return &store.Error{Code: "FILE_EXISTS", Message: "凭证文件已存在，不覆盖：" + credFile}
		}
	}
	if _, err := os.Stat(src); err != nil {
		if _, err := demo.Generate(src, demo.Options{Seed: 1}); err != nil {
			return err
		}
	}
	st, err := backend.Open(src, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := stationLogin(st); err != nil {
		return err
	}
	if !demo.IsDemo(st) || st.Station().Code != demo.Station {
		return &store.Error{Code: "NOT_DEMO", Message: src + "不是站点的演示数据文件（cunzhan demo 生成；旧版本生成的演示文件请删除后重新生成）"}
	}
	if _, err := czsync.Open(st); err == nil {
		return &store.Error{Code: "ALREADY_ENROLLED", Message: src + "已登记到县级中心，不能再用来建演示县级中心：另选一个文件名（--station），或删除它后重试"}
	}
	holds, err := czsync.HeldOrigins(st, demo.Station)
	if err != nil {
		return err
	}
	c, err := backend.Open(a.target(), nil)
	if err != nil {
		return err
	}
	done := false
	keyPath := ""
	defer func() {
		c.Close()
		if !done {
			os.Remove(a.data)
			if keyPath != "" {
				os.Remove(keyPath)
			}
		}
	}()
	if c.Protected() || c.Station() != nil {
		return &store.Error{Code: "FILE_EXISTS", Message: "县级中心数据已存在，演示数据只写入新文件：" + a.data}
	}
	if keyPath, err = a.protectAndKeep(c, crypt.Standard, demo.County); err != nil {
		return err
	}
	cred, fp, err := demoCounty(c, st, holds, *address, credFile != "")
	if err != nil {
		return err
	}
	text := fmt.Sprintf("已写入演示县级中心：%s（平山县，示例镇、示例乡，数据截至 2025-11-30）\n演示账号（密码均为 %s）：admin 县级管理员、xian 县级工作人员、shili 示例镇乡镇工作人员、shenji 审计员\n证书指纹（SHA-256）：%s",
		a.data, DemoPassword, fp)
	text += "\n数据密钥文件：" + keyPath
	out := map[string]string{"data": a.data, "user": DemoAdmin, "password": DemoPassword, "fingerprint": fp, "key": keyPath}
	if cred != nil {
		if err := atomicfile.Write(credFile, cred.File()); err != nil {
			return err
		}
		out["station"], out["credential"] = src, credFile
		text += fmt.Sprintf("\n站点演示文件 %s 的登记凭证：%s（站点 %s，连接 %s）\n登记并同步：cunzhan --data %s enroll %s，再 cunzhan --data %s sync（或在窗口的“同步”页）",
			src, credFile, cred.Station.Code, *address, src, credFile, src)
	}
	done = true
	return a.print(out, text)
}

// stationLogin opens the demo station's file: as the operator the
// environment names (CUNZHAN_OPERATOR, CUNZHAN_PASSWORD), else as the demo
// file's own 负责人.
func stationLogin(st *store.Store) error {
	if !st.Protected() {
		return &store.Error{Code: "NOT_DEMO", Message: st.Path() + " 是旧版本生成的演示文件（没有加密）：请删除后重新生成"}
	}
	if name, pw := os.Getenv("CUNZHAN_OPERATOR"), os.Getenv("CUNZHAN_PASSWORD"); name != "" && pw != "" {
		_, err := st.Unlock(name, pw)
		return err
	}
	return demo.Login(st)
}

// demoCounty fills an empty county store from the demo station's file,
// initialises it, adds the demo accounts and, if asked, enrols the demo
// station with a credential naming the origins the county now holds.
func demoCounty(c, station *store.Store, holds []store.OriginID, address string, enrol bool) (*czsync.Credential, string, error) {
	if _, err := c.ApplyAll(station); err != nil {
		return nil, "", err
	}
	n, err := czsync.InitCounty(c, demo.County, demo.StationName)
	if err != nil {
		return nil, "", err
	}
	x := console.NewAccounts(c, demo.County)
	for _, u := range []console.Account{
		{Name: DemoAdmin, Display: "演示管理员", Role: console.RoleAdmin},
		{Name: "xian", Display: "县级演示员", Role: console.RoleStaff},
		{Name: "shili", Display: "示例镇演示员", Role: console.RoleTownship, Scope: demo.TownshipShili},
		{Name: "shenji", Display: "演示审计员", Role: console.RoleAuditor},
	} {
		if _, err := console.AddUser(x, u, DemoPassword, "演示数据"); err != nil {
			return nil, "", err
		}
	}
	_, fp, err := n.Certificate()
	if err != nil {
		return nil, "", err
	}
	if !enrol {
		return nil, fp, nil
	}
	cred, err := n.EnrolHolding(demo.County, demo.StationName, address, holds)
	if err != nil {
		return nil, "", err
	}
	if cred.Station.Code != demo.Station {
		return nil, "", &store.Error{Code: "DEMO_STATION", Message: fmt.Sprintf("演示站点登记成了 %s，应为 %s：请删除演示县级中心文件后重试", cred.Station.Code, demo.Station)}
	}
	return cred, fp, nil
}
