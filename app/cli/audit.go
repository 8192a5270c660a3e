package cli

import (
	"fmt"
	"strconv"

	"github.com/cunzhan/cunzhan/store"
)

// cmdAudit shows the station's audit log, newest first, or checks its
// chain. Only a 负责人 reads it.
//
//	audit [--limit N] [--action CODE] [--user NAME]
//	audit verify
func cmdAudit(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"limit", "action", "user"}, nil)
	if err != nil {
		return err
	}
	s, err := e.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	if len(pos) == 1 && pos[0] == "verify" {
		if err := s.Require(store.PermAudit); err != nil {
			return err
		}
		rep, err := s.VerifyStationAudit()
		if err != nil {
			return err
		}
		if e.format == "json" {
			if err := e.json(rep); err != nil {
				return err
			}
		} else if rep.OK() {
			fmt.Fprintf(e.stdout, "审计日志完整：%d 条，%d 段\n", rep.Entries, rep.Chains)
		} else {
			fmt.Fprintf(e.stdout, "审计日志有 %d 处问题（共 %d 条）：\n", len(rep.Problems), rep.Entries)
			for _, p := range rep.Problems {
				fmt.Fprintf(e.stdout, "  第 %d 条：%s\n", p.Seq, p.Message)
			}
		}
		if !rep.OK() {
			return &store.Error{Code: "AUDIT_BROKEN", Message: "审计日志被改动或删除过"}
		}
		return nil
	}
	if len(pos) != 0 {
		return usagef("用法：audit [--limit N] [--action 类别] [--user 姓名] | audit verify")
	}
	limit := 50
	if v := vals["limit"]; v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return usagef("--limit 须是正整数")
		}
	}
	list, err := s.AuditLog()
	if err != nil {
		return err
	}
	var out []store.AuditEntry
	for i := len(list) - 1; i >= 0 && len(out) < limit; i-- {
		en := list[i]
		if (vals["action"] == "" || en.Action == vals["action"]) && (vals["user"] == "" || en.User == vals["user"]) {
			out = append(out, en)
		}
	}
	if e.format == "json" {
		return e.json(out)
	}
	for _, en := range out {
		name := store.StationAuditNames[en.Action]
		if name == "" {
			name = en.Action
		}
		fmt.Fprintf(e.stdout, "%s  %s（%s）  %s  %s  %s\n", en.Time, en.User, orDefault(en.Role, "—"), name, en.Target, en.Detail)
	}
	if len(out) == 0 {
		fmt.Fprintln(e.stdout, "（没有符合条件的记录）")
	}
	return nil
}
