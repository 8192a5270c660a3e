package cli

import (
	"fmt"
	"os"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	czsync "github.com/cunzhan/cunzhan/sync"
)

const operatorUsage = "用法：operator setup --name 姓名 [--suite standard|national] | operator list | operator add 姓名 [--role 录入员|负责人] | " +
	"operator password [姓名] | operator role 姓名 --to 录入员|负责人 | operator remove 姓名 | operator recover --file 恢复文件 --name 姓名 | operator rekey [--suite standard|national]"

// cmdOperator manages who may work at the station. setup makes a new (or
// an old unprotected) file protected, with its first 负责人; the others log
// in first like every command.
func cmdOperator(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"name", "suite", "role", "to", "file"}, nil)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef(operatorUsage)
	}
	if pos[0] == "setup" {
		return operatorSetup(e, vals)
	}
	if pos[0] == "recover" {
		return operatorRecover(e, vals)
	}
	s, err := e.open(pos[0] == "list")
	if err != nil {
		return err
	}
	defer s.Close()
	arg := func() (string, error) {
		if len(pos) < 2 {
			return "", usagef(operatorUsage)
		}
		return pos[1], nil
	}
	switch pos[0] {
	case "list":
		ops, err := s.Operators()
		if err != nil {
			return err
		}
		if e.format == "json" {
			return e.json(ops)
		}
		for _, o := range ops {
			line := fmt.Sprintf("%s\t%s\t建立于 %s", o.Name, o.Role, o.Created)
			if o.LastLogin != "" {
				line += "\t最近登录 " + o.LastLogin
			}
			if !o.LockedUntil.IsZero() {
				line += "\t已锁定至 " + o.LockedUntil.In(store.ChinaTZ).Format("15:04")
			}
			if o.NeedsPassword {
				line += "\t密码已失效（更换数据密钥后），需负责人重设"
			}
			fmt.Fprintln(e.stdout, line)
		}
		return nil
	case "add":
		name, err := arg()
		if err != nil {
			return err
		}
		role := store.Role(orDefault(vals["role"], string(store.RoleClerk)))
		pw, err := e.newPassword(envNewPassword)
		if err != nil {
			return err
		}
		if err := s.AddOperator(name, role, pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已添加操作员 %s（%s）\n", name, role)
	case "password":
		name := s.CurrentOperator().Name
		if len(pos) > 1 {
			name = pos[1]
		}
		pw, err := e.newPassword(envNewPassword)
		if err != nil {
			return err
		}
		if err := s.SetPassword(name, e.password, pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已为 %s 设置新密码\n", name)
	case "role":
		name, err := arg()
		if err != nil {
			return err
		}
		if vals["to"] == "" {
			return usagef(operatorUsage)
		}
		if err := s.SetRole(name, store.Role(vals["to"])); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s 现在是%s\n", name, vals["to"])
	case "rekey":
		suite := s.Suite()
		if vals["suite"] != "" {
			if suite, err = crypt.ParseSuite(vals["suite"]); err != nil {
				return usagef("--suite 只能是 standard（通用算法）或 national（国密算法）")
			}
		}
		_, pw, err := e.credentials()
		if err != nil {
			return err
		}
		if err := czsync.Rekey(s, suite, pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已更换本站的数据密钥（%s）；旧密钥加密的自动备份已删除并重新备份。", suite.Label())
		if others := voidedOperators(s); others > 0 {
			fmt.Fprintf(e.stdout, "其他 %d 名操作员的密码已失效，请用 operator password 姓名 为他们重设。", others)
		}
		fmt.Fprintln(e.stdout)
		return nil
	case "remove":
		name, err := arg()
		if err != nil {
			return err
		}
		if err := s.RemoveOperator(name); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已删除操作员 %s：其密码不再能打开本站数据\n", name)
	default:
		return usagef(operatorUsage)
	}
	return nil
}

// operatorSetup protects a new or unprotected file with its first 负责人.
func operatorSetup(e *env, vals map[string]string) error {
	if vals["name"] == "" {
		return usagef("用法：operator setup --name 姓名 [--suite standard|national]（密码在环境变量 %s 中给出，或在终端里输入两次）", envPassword)
	}
	suite, err := crypt.ParseSuite(vals["suite"])
	if err != nil {
		return usagef("--suite 只能是 standard（通用算法）或 national（国密算法）")
	}
	path := e.data
	if path == "" {
		if path, err = store.DefaultPath(); err != nil {
			return err
		}
	}
	pw, err := e.newPassword(envPassword)
	if err != nil {
		return err
	}
	if msg := store.CheckPasswordRule(pw, vals["name"]); msg != "" {
		return &store.Error{Code: store.CodePassword, Message: msg}
	}
	_, statErr := os.Stat(path)
	s, err := store.Open(path, e.storeOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	if cs := czsync.CountySuite(s); vals["suite"] == "" && cs != "" {
		suite = cs // an enrolled file follows its county
	}
	if err := s.Protect(suite, vals["name"], pw); err != nil {
		if os.IsNotExist(statErr) {
			s.Close()
			os.Remove(path)
		}
		return err
	}
	fmt.Fprintf(e.stdout, "已设置负责人 %s；本站的身份证号、电话、银行账号、住址和健康信息已加密保存（%s）\n", vals["name"], suite.Label())
	if statErr == nil {
		fmt.Fprintln(e.stdout, "此前的自动备份含未加密的信息，已删除，并重新备份了一份加密的")
	}
	return nil
}

// envRecoveryCode gives the code of a recovery file to a script.
const envRecoveryCode = "CUNZHAN_RECOVERY_CODE"

// operatorRecover opens a file whose passwords are all lost with the
// county's recovery file and its code, and makes a 负责人 with a new
// password (CUNZHAN_NEW_PASSWORD, or asked twice).
func operatorRecover(e *env, vals map[string]string) error {
	if vals["file"] == "" || vals["name"] == "" {
		return usagef("用法：operator recover --file 恢复文件 --name 姓名（恢复码在环境变量 %s 中给出或在终端里输入；新密码在 %s 中给出或输入两次）", envRecoveryCode, envNewPassword)
	}
	file, err := os.ReadFile(vals["file"])
	if err != nil {
		return &store.Error{Code: store.CodeNotFound, Message: "读不了恢复文件 " + vals["file"]}
	}
	code := e.getenv(envRecoveryCode)
	if code == "" {
		if !e.terminal() {
			return usagef("请在环境变量 %s 中给出县里告知的恢复码，或在终端里运行命令以输入", envRecoveryCode)
		}
		if code, err = e.ask("恢复码（16位数字）：", true); err != nil {
			return err
		}
	}
	pw, err := e.newPassword(envNewPassword)
	if err != nil {
		return err
	}
	path := e.data
	if path == "" {
		if path, err = store.DefaultPath(); err != nil {
			return err
		}
	}
	s, err := store.Open(path, e.storeOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	op, err := czsync.Recover(s, file, code, vals["name"], pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已用县里的恢复文件打开本站数据；%s 现为负责人，请用新密码登录。\n", op.Name)
	return nil
}

// voidedOperators counts the operators whose password a re-key made void.
func voidedOperators(s *store.Store) int {
	n := 0
	if ops, err := s.Operators(); err == nil {
		for _, o := range ops {
			if o.NeedsPassword {
				n++
			}
		}
	}
	return n
}
