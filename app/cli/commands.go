package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/demo"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/report"
	"github.com/cunzhan/cunzhan/store/roster"
)

func cmdDemo(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"out", "seed", "people"}, nil)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("demo 不接受参数 %q", pos[0])
	}
	out := vals["out"]
	if out == "" {
		out = e.data
	}
	if out == "" {
		return usagef("请用 --out 指定演示数据文件")
	}
	seed, err := strconv.ParseUint(orDefault(vals["seed"], "1"), 10, 64)
	if err != nil {
		return usagef("--seed 应为非负整数")
	}
	people, err := strconv.Atoi(orDefault(vals["people"], "0"))
	if err != nil || people < 0 || people > 2_000_000 {
		return usagef("--people 应为0至2000000的整数")
	}
	opt := demo.Options{Seed: seed, People: people, Store: e.storeOptions()}
	if people > 1000 {
		opt.Progress = func(n int) {
			if n%20000 == 0 {
				fmt.Fprintf(e.stderr, "已写入 %d 条记录…\n", n)
			}
		}
	}
	res, err := demo.Generate(out, opt)
	if err != nil {
		return err
	}
	if e.format == "json" {
		return e.json(map[string]any{"file": out, "records": res.Records, "households": res.Households, "persons": res.Persons, "rejections": res.Rejections})
	}
	fmt.Fprintf(e.stdout, "演示数据已写入 %s（全部为虚构测试数据，不对应真实人员）\n", out)
	fmt.Fprintf(e.stdout, "负责人：%s，密码：%s（命令行用环境变量 %s 和 %s 给出）\n", demo.HeadName, demo.HeadPassword, envOperator, envPassword)
	fmt.Fprintf(e.stdout, "记录 %d 条，农户 %d 户，人员 %d 人\n", res.Records, res.Households, res.Persons)
	fmt.Fprintln(e.stdout, "按规则被拒绝的录入（应当如此）：")
	for _, r := range res.Rejections {
		fmt.Fprintf(e.stdout, "  %-28s %s\n", r.Code, r.What)
	}
	return nil
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func cmdReport(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"month", "year", "quarter", "scope", "xlsx"}, nil)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		var names []string
		for _, n := range report.Names {
			names = append(names, n.Name)
		}
		return usagef("用法：report NAME --month YYYY-MM [--xlsx 文件.xlsx]；NAME 为 %s", strings.Join(names, "、"))
	}
	s, err := e.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := periodParams(s, vals)
	if err != nil {
		return err
	}
	var rep *report.Report
	err = s.View(func(r *store.Reader) error {
		var err error
		rep, err = report.Run(r, pos[0], p)
		return err
	})
	if err != nil {
		return err
	}
	if out := vals["xlsx"]; out != "" {
		// An Excel workbook: counts, money and rates as numbers, dates as
		// dates, ID numbers as text; masked as every report is.
		if err := atomicfile.WriteFunc(out, rep.WriteXLSX); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已导出 %s\n", out)
		return nil
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	switch e.format {
	case "json":
		return rep.WriteJSON(w)
	case "csv":
		return rep.WriteCSV(w)
	}
	return rep.WriteText(w)
}

// periodParams reads --scope, --month, --year and --quarter. The month
// defaults to the current one; the year and quarter to the month's.
func periodParams(s *store.Store, vals map[string]string) (report.Params, error) {
	p := report.Params{}
	var err error
	if p.Scope, err = scopeOf(s, vals["scope"]); err != nil {
		return p, err
	}
	m := vals["month"]
	if m == "" {
		m = string(store.MonthOf(s.Today()))
	}
	if p.Month, err = store.ParseMonth(m); err != nil {
		return p, &store.Error{Code: "BAD_MONTH", Message: "月份应写成 YYYY-MM，如 2025-11"}
	}
	p.Year, _ = strconv.Atoi(m[:4])
	if y := vals["year"]; y != "" {
		if p.Year, err = strconv.Atoi(y); err != nil || p.Year < 2000 || p.Year > 2100 {
			return p, &store.Error{Code: "BAD_YEAR", Message: "年度应为四位数字，如 2025"}
		}
	}
	mo, _ := strconv.Atoi(m[5:7])
	p.Quarter = fmt.Sprintf("%sQ%d", m[:4], (mo+2)/3)
	if q := vals["quarter"]; q != "" {
		p.Quarter = q
	}
	return p, nil
}

// scopeOf checks a --scope division code; without one, the station's scope.
func scopeOf(s *store.Store, given string) (string, error) {
	if given == "" {
		if st := s.Station(); st != nil {
			return st.Scope, nil
		}
		return "", nil
	}
	if _, err := ident.CheckDivision(given); err != nil {
		return "", &store.Error{Code: err.Code, Field: "scope", Message: "--scope " + err.Message}
	}
	return given, nil
}

func cmdID(e *env, args []string) error {
	_, pos, err := e.parse(args, nil, nil)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "check" {
		return usagef("用法：id check NUMBER")
	}
	info, errs := ident.ParseID(pos[1], ident.IDOptions{AllowLegacy15: true})
	if errs != nil {
		probs := make(store.Problems, len(errs))
		for i, x := range errs {
			probs[i] = &store.Error{Code: x.Code, Message: x.Message}
		}
		return probs
	}
	sex := map[bool]string{true: "男", false: "女"}[info.Male]
	if e.format == "json" {
		warnings := []map[string]string{}
		for _, w := range info.Warnings {
			warnings = append(warnings, map[string]string{"code": w.Code, "message": w.Message})
		}
		return e.json(map[string]any{"number": info.Number, "birth_date": info.BirthDate, "sex": sex, "region_code": info.RegionCode,
			"region_name": info.RegionName, "upgraded_from_15": info.Upgraded, "warnings": warnings})
	}
	fmt.Fprintln(e.stdout, info.Number)
	fmt.Fprintf(e.stdout, "出生日期：%s\n性别：%s\n", info.BirthDate, sex)
	if info.RegionName != "" {
		fmt.Fprintf(e.stdout, "地区：%s（%s）\n", info.RegionName, info.RegionCode)
	} else {
		fmt.Fprintf(e.stdout, "地区代码：%s\n", info.RegionCode)
	}
	if info.Upgraded {
		fmt.Fprintln(e.stdout, "说明：已由15位旧号码升级为18位")
	}
	for _, w := range info.Warnings {
		fmt.Fprintf(e.stdout, "提示 %s: %s\n", w.Code, w.Message)
	}
	return nil
}

func cmdDump(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"out", "scope"}, []string{"unmasked"})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("dump 不接受参数 %q", pos[0])
	}
	// Written to: a dump is an export of the station's data, which the
	// audit log records (an unmasked one already is, at login).
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()
	unmasked := e.unmasked || vals["unmasked"] == "true"
	if err := e.auditMasked(s); err != nil {
		return err
	}
	// --scope: what a station of that scope holds, without the have
	// vector, so that a station and the county compare byte for byte.
	dump := func(w io.Writer) error { return s.Dump(w, unmasked) }
	if scope := vals["scope"]; scope != "" {
		dump = func(w io.Writer) error { return s.DumpScope(w, scope, unmasked) }
	}
	if out := vals["out"]; out != "" {
		return atomicfile.WriteFunc(out, dump)
	}
	return dump(e.stdout)
}

func cmdImport(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"author", "map", "village", "home", "as-of"}, []string{"dry-run"})
	if err != nil {
		return err
	}
	if len(pos) == 1 {
		return importBundle(e, pos[0])
	}
	reg := (*roster.Register)(nil)
	if len(pos) == 2 {
		reg = roster.RegisterByCode(pos[0])
	}
	if reg == nil {
		return usagef("用法：import BUNDLE 或 import roster|elderly|residents|loans FILE.xlsx|FILE.xls|FILE.csv [--dry-run] [--map 列名=字段[,列名=字段…]] [--village 村代码] [--home 幸福院] [--as-of 台账日期]（roster 花名册，elderly 特殊困难老年人台账，residents 幸福院入住老人花名册，loans 贷款台账）")
	}
	opt := roster.Options{Author: orDefault(vals["author"], "名册导入"), DryRun: vals["dry-run"] == "true", Village: vals["village"], Map: map[string]string{}}
	for _, pair := range strings.FieldsFunc(vals["map"], func(r rune) bool { return r == ',' || r == '，' || r == ';' || r == '；' }) {
		h, f, ok := strings.Cut(pair, "=")
		if !ok {
			return usagef("--map 应写成 列名=字段，如 --map 户主=户主姓名,电话=联系电话（字段写“忽略”则不导入该列）")
		}
		opt.Map[strings.TrimSpace(h)] = strings.TrimSpace(f)
	}
	// --home and --as-of belong to one register each: said elsewhere,
	// they would be silently ignored.
	if vals["home"] != "" && pos[0] != "residents" || vals["as-of"] != "" && pos[0] != "loans" {
		return usagef("--home 只用于 import residents，--as-of 只用于 import loans")
	}
	opt.Home = vals["home"]
	if v := vals["as-of"]; v != "" {
		if opt.AsOf, err = store.ParseDate(v); err != nil {
			return &store.Error{Code: "BAD_DATE", Message: "--as-of 应为台账日期，如 2025-10-31"}
		}
	}
	rows, err := roster.Read(pos[1])
	if err != nil {
		return err
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()
	if s.Station() == nil {
		return &store.Error{Code: store.CodeNoStation, Message: "尚未设置站点：先运行 cunzhan --data 文件 station set 站点编码 站点名称"}
	}
	// A dry run shows the first rows as the mapping reads them, numbers
	// masked: a wrong column shows before anything is written. Taken
	// now, so that the file's rows are not kept alive through an import.
	var preview []string
	if opt.DryRun {
		if m, err := reg.Propose(rows, opt, s); err == nil {
			for _, line := range roster.Preview(rows, m, 3) {
				var cells []string
				for c, v := range line {
					if f := m.Fields[c]; v != "" && f != roster.Ignore {
						cells = append(cells, m.Label(c)+"="+roster.MaskCell(f, v))
					}
				}
				preview = append(preview, strings.Join(cells, "　"))
			}
		}
	}
	res, err := reg.Run(context.Background(), s, rows, opt)
	if err != nil {
		return err
	}
	if e.format == "json" {
		return e.json(res)
	}
	if err := roster.WriteReport(e.stdout, res); err != nil {
		return err
	}
	if len(preview) > 0 {
		fmt.Fprintln(e.stdout, "前3行按上面的对应读作：")
		for i, line := range preview {
			fmt.Fprintf(e.stdout, "    %d. %s\n", i+1, line)
		}
	}
	return nil
}

func cmdStation(e *env, args []string) error {
	_, pos, err := e.parse(args, nil, nil)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 1 && pos[0] == "show":
		s, err := e.open(true)
		if err != nil {
			return err
		}
		defer s.Close()
		st := s.Station()
		if e.format == "json" {
			return e.json(map[string]any{"station": st, "origin": s.Origin().String(), "file": s.Path()})
		}
		if st == nil {
			fmt.Fprintln(e.stdout, "尚未设置站点")
			return nil
		}
		fmt.Fprintf(e.stdout, "站点：%s（%s）\n类型：%s\n管辖范围：%s\n来源编号：%s\n", st.Name, st.Code, st.Type, report.ScopeTitle(st.Scope), s.Origin())
		if open, err := s.Alarms(false); err == nil && len(open) > 0 {
			fmt.Fprintf(e.stdout, "待处理的提醒：%d 条（运行 cunzhan alarms 查看）\n", len(open))
		}
		if bs, _ := store.Backups(s.Path()); len(bs) > 0 {
			fmt.Fprintf(e.stdout, "最近的自动备份：%s（%s）\n", bs[0].Taken.In(store.ChinaTZ).Format("2006-01-02 15:04"), bs[0].Path)
		} else {
			fmt.Fprintln(e.stdout, "还没有自动备份（每天第一次打开数据文件写入时自动备份）")
		}
		return nil
	case len(pos) == 3 && pos[0] == "set":
		s, err := e.open(false)
		if err != nil {
			return err
		}
		defer s.Close()
		if err := s.SetStation(pos[1], pos[2]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "站点已设置：%s（%s）\n", pos[2], pos[1])
		return nil
	}
	return usagef("用法：station show | station set CODE NAME")
}

func cmdPolicy(e *env, args []string) error {
	_, pos, err := flags(args, nil, nil)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 1 && pos[0] == "show":
		s, err := e.open(true)
		if err != nil {
			return err
		}
		defer s.Close()
		return e.json(s.Policy())
	case len(pos) == 2 && pos[0] == "set":
		b, err := readInput(e, pos[1])
		if err != nil {
			return err
		}
		s, err := e.open(false)
		if err != nil {
			return err
		}
		defer s.Close()
		old := s.Policy()
		p, err := store.ParsePolicyFile(b, old)
		if err != nil {
			return err
		}
		if err := s.SetPolicy(p); err != nil {
			return err
		}
		if p.RatingScheme.ID != old.RatingScheme.ID {
			fmt.Fprintf(e.stdout, "政策参数已保存；评级授信方案改为“%s”（%s）\n", p.RatingScheme.Name, p.RatingScheme.ID)
			return nil
		}
		fmt.Fprintln(e.stdout, "政策参数已保存")
		return nil
	}
	return usagef("用法：policy show | policy set FILE.json（整份政策、部分参数，或单独的评级授信方案）")
}

func readInput(e *env, name string) ([]byte, error) {
	var b []byte
	var err error
	if name == "-" {
		b, err = readAll(e.stdin)
	} else {
		b, err = os.ReadFile(filepath.Clean(name))
	}
	if err != nil {
		return nil, &store.Error{Code: "FILE_READ", Message: "无法读取 " + name, Err: err}
	}
	return b, nil
}

func cmdDue(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"month", "days", "scope", "limit"}, nil)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("用法：due visits|loans|overdue [--month YYYY-MM] [--days N] [--scope CODE]")
	}
	s, err := e.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	scope, err := scopeOf(s, vals["scope"])
	if err != nil {
		return err
	}
	today := s.Today()
	limit, _ := strconv.Atoi(orDefault(vals["limit"], "100"))
	return s.View(func(r *store.Reader) error {
		switch pos[0] {
		case "visits":
			m, err := store.ParseMonth(orDefault(vals["month"], string(store.MonthOf(today))))
			if err != nil {
				return &store.Error{Code: "BAD_MONTH", Message: "月份应写成 YYYY-MM"}
			}
			rows, total, err := r.DueVisits(scope, m, limit)
			if err != nil {
				return err
			}
			if e.format == "json" {
				return e.json(map[string]any{"month": m, "total": total, "rows": rows})
			}
			fmt.Fprintf(e.stdout, "%s 尚未探访：%d 人\n", m, total)
			for i, d := range rows {
				if i >= limit {
					break
				}
				last := string(d.LastVisit)
				if last == "" {
					last = "从未探访"
				}
				fmt.Fprintf(e.stdout, "%s  %s  %s  最近探访 %s\n", report.ScopeTitle(d.Scope), d.Name, d.RiskTier, last)
			}
			return nil
		case "loans", "overdue":
			days, _ := strconv.Atoi(orDefault(vals["days"], "30"))
			var rows []store.LoanRow
			if pos[0] == "loans" {
				rows, err = r.LoansDue(scope, today, days)
			} else {
				rows, err = r.Overdue(scope, today)
			}
			if err != nil {
				return err
			}
			if e.format == "json" {
				out := []map[string]any{}
				for _, x := range rows {
					out = append(out, map[string]any{"loan_id": x.Loan.ID, "contract_no": x.Loan.ContractNo, "borrower": x.Borrower, "position": x.Position})
				}
				return e.json(out)
			}
			for _, x := range rows {
				if pos[0] == "loans" {
					fmt.Fprintf(e.stdout, "%s  %s  应还 %s 元  %s\n", x.Position.NextDue, x.Borrower, store.Yuan(x.Position.NextDueFen), x.Loan.ContractNo)
				} else {
					fmt.Fprintf(e.stdout, "逾期 %d 天  %s  余额 %s 元  %s\n", x.Position.DaysOverdue, x.Borrower, store.Yuan(x.Position.BalanceFen), x.Loan.ContractNo)
				}
			}
			return nil
		}
		return usagef("用法：due visits|loans|overdue")
	})
}
