package main

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/backend"
	"github.com/cunzhan/cunzhan/store/crypt"
)

// The county's data key seals the sensitive values of every station's
// records in its database. A server runs unattended, so the key is in a
// file the server reads at start, kept apart from the database: a copy of
// the database (a backup, a PostgreSQL dump) reads nothing without it.
// init writes it; every other command reads it (--key, by default the
// data file's name with .key).

const keyFileFormat = "cunzhan-county-key-1"

type keyFile struct {
	Format  string      `json:"format"`
	County  string      `json:"county"`
	Suite   crypt.Suite `json:"suite"`
	Key     []byte      `json:"key"`
	Created string      `json:"created"`
}

// keyPath is where the county's key file is.
func (a *app) keyPath() (string, error) {
	if a.key != "" {
		return a.key, nil
	}
	if a.db != "" {
		return "", &store.Error{Code: "KEY_FILE", Message: "使用 PostgreSQL 时须用 --key 指定县级中心的数据密钥文件"}
	}
	return strings.TrimSuffix(a.data, ".db") + ".key", nil
}

// writeKeyFile keeps a new data key; it never overwrites one.
func (a *app) writeKeyFile(county string, suite crypt.Suite, dk []byte) (string, error) {
	path, err := a.keyPath()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(path); err == nil {
		return "", &store.Error{Code: "FILE_EXISTS", Message: "密钥文件已存在，不覆盖：" + path}
	}
	b, _ := json.MarshalIndent(keyFile{Format: keyFileFormat, County: county, Suite: suite, Key: dk,
		Created: time.Now().In(store.ChinaTZ).Format(time.RFC3339)}, "", "  ")
	if err := atomicfile.Write(path, b); err != nil {
		return "", err
	}
	return path, os.Chmod(path, 0o600)
}

// unlock gives a protected county store its data key from the key file.
func (a *app) unlock(s *store.Store) error {
	if !s.Protected() && s.Station() == nil {
		return &store.Error{Code: "NOT_INITIALISED", Message: "县级中心数据尚未初始化：先运行 cunzhan-county " + a.where() + " init --county 县代码 --name 名称"}
	}
	if !s.Protected() {
		return &store.Error{Code: store.CodeUnprotected, Message: "县级中心数据尚未加密保护：先运行 cunzhan-county " + a.where() + " protect"}
	}
	path, err := a.keyPath()
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return &store.Error{Code: "KEY_FILE", Message: "读不到县级中心的数据密钥文件 " + path + "（用 --key 指定）", Err: err}
	}
	var k keyFile
	if json.Unmarshal(b, &k) != nil || k.Format != keyFileFormat {
		return &store.Error{Code: "KEY_FILE", Message: "不是县级中心的数据密钥文件：" + path}
	}
	return s.UnlockWithKey(k.Key)
}

// openWith opens a county store and unlocks it: the opener the station's
// command line is given for reports on the county's store.
func (a *app) openWith(target string, opt *store.Options) (*store.Store, error) {
	s, err := backend.Open(target, opt)
	if err != nil {
		return nil, err
	}
	if err := a.unlock(s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// protect keys a county file made before encryption at rest.
func (a *app) protect(args []string) error {
	suite, err := a.suiteFlag("protect", args)
	if err != nil {
		return err
	}
	s, err := backend.Open(a.target(), nil)
	if err != nil {
		return err
	}
	defer s.Close()
	if s.Station() == nil {
		return &store.Error{Code: "NOT_INITIALISED", Message: "县级中心数据尚未初始化：先运行 init"}
	}
	path, err := a.protectAndKeep(s, suite, s.Station().Scope)
	if err != nil {
		return err
	}
	text := "县级中心数据已加密保护（" + suite.Label() + "）。数据密钥文件：" + path + "\n请把它与数据分开保管并另存一份：没有它，数据打不开。"
	if a.db != "" {
		text += "\n在 PostgreSQL 上，请再运行一次 VACUUM FULL，以清除表中旧的明文行。"
	}
	return a.print(map[string]string{"key": path, "suite": string(suite)}, text)
}

// protectAndKeep protects s under a fresh data key and writes the key
// file, naming the county.
func (a *app) protectAndKeep(s *store.Store, suite crypt.Suite, county string) (string, error) {
	if s.Protected() {
		return "", &store.Error{Code: store.CodeProtected, Message: "数据已经加密保护，密钥文件不变"}
	}
	if path, err := a.keyPath(); err != nil {
		return "", err
	} else if _, err := os.Stat(path); err == nil {
		return "", &store.Error{Code: "FILE_EXISTS", Message: "密钥文件已存在，不覆盖：" + path}
	}
	dk := crypt.NewKey()
	path, err := a.writeKeyFile(county, suite, dk)
	if err != nil {
		return "", err
	}
	if err := s.ProtectWithKey(suite, dk); err != nil {
		if !s.Protected() {
			os.Remove(path) // nothing was sealed under it
		}
		return "", err
	}
	return path, nil
}

// suiteFlag reads a command's --suite.
func (a *app) suiteFlag(cmd string, args []string) (crypt.Suite, error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	name := fs.String("suite", "standard", "密码算法：standard（通用）或 national（国密 SM2/SM3/SM4）")
	if _, err := flags(fs, args); err != nil {
		return "", err
	}
	suite, err := crypt.ParseSuite(*name)
	if err != nil {
		return "", usage("--suite 只能是 standard 或 national")
	}
	return suite, nil
}
