package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/report"
	"github.com/cunzhan/cunzhan/store/roster"
	czsync "github.com/cunzhan/cunzhan/sync"
)

func (e *env) openNode() (*store.Store, *czsync.Node, error) {
	s, err := e.open(false)
	if err != nil {
		return nil, nil, err
	}
	n, err := czsync.Open(s)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, n, nil
}

func cmdEnroll(e *env, args []string) error {
	_, pos, err := e.parse(args, nil, nil)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("用法：enroll CREDENTIAL_FILE")
	}
	b, err := readInput(e, pos[0])
	if err != nil {
		return err
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := czsync.Enrol(s, b)
	if err != nil {
		return err
	}
	// The file follows its county's suite, re-keyed with the password
	// this command logged in with.
	rekeyed := ""
	if suite, ok := czsync.FollowsCounty(s); !ok {
		if err := czsync.Rekey(s, suite, e.password); err != nil {
			return fmt.Errorf("已登记，但没能把本站数据改用县里的%s加密：%w", suite.Label(), err)
		}
		rekeyed = suite.Label()
	}
	if e.format == "json" {
		return e.json(map[string]any{"station": c.Station, "county": c.County.Code, "server": c.Server, "suite_at_rest": s.Suite()})
	}
	fmt.Fprintf(e.stdout, "已登记：%s（%s），管辖范围 %s\n县级中心：%s\n", c.Station.Name, c.Station.Code, report.ScopeTitle(c.Station.Scope), c.County.Name)
	if rekeyed != "" {
		fmt.Fprintf(e.stdout, "本站数据已改用县里的%s加密。", rekeyed)
		if n := voidedOperators(s); n > 0 {
			fmt.Fprintf(e.stdout, "其他 %d 名操作员的密码已失效，请用 operator password 姓名 为他们重设。", n)
		}
		fmt.Fprintln(e.stdout)
	}
	fmt.Fprintln(e.stdout, "凭证文件含有本站密钥，登记后请删除U盘上的副本。")
	return nil
}

func cmdSync(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"server"}, nil)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("sync 不接受参数 %q", pos[0])
	}
	s, n, err := e.openNode()
	if err != nil {
		return err
	}
	defer s.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := n.Sync(ctx, vals["server"], nil, func(p czsync.Progress) {
		if e.format != "json" {
			fmt.Fprintf(e.stderr, "[%s] %s\n", p.Stage, p.Message)
		}
	})
	if err != nil {
		return err
	}
	if e.format == "json" {
		if err := e.json(res); err != nil {
			return err
		}
		return raised(res.Alarms)
	}
	fmt.Fprintln(e.stdout, res.Summary())
	for _, w := range res.Warnings {
		fmt.Fprintln(e.stdout, "注意："+w)
	}
	return raised(res.Alarms)
}

func cmdExport(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"to", "out", "scope"}, []string{"unmasked"})
	if err != nil {
		return err
	}
	if len(pos) == 1 && pos[0] == "roster" {
		return exportRoster(e, vals)
	}
	if len(pos) > 0 || vals["to"] == "" {
		return usagef("用法：export --to DIR（同步文件）或 export roster --out 花名册.xlsx [--scope 代码] [--unmasked]")
	}
	s, n, err := e.openNode()
	if err != nil {
		return err
	}
	defer s.Close()
	paths, err := n.ExportTo(vals["to"], n.CountyID())
	if err != nil {
		return err
	}
	// A sealed copy of the whole file goes along: if this computer is
	// lost, the county can give the station its data back as of today.
	snap, err := n.ExportSnapshot(vals["to"])
	if err != nil {
		return err
	}
	if e.format == "json" {
		return e.json(map[string]any{"files": paths, "sealed_backup": snap})
	}
	for _, p := range paths {
		fmt.Fprintln(e.stdout, p)
	}
	fmt.Fprintln(e.stdout, "加密备份（只有县级中心能打开）："+snap)
	return nil
}

// importBundle imports a bundle carried from the county.
func importBundle(e *env, path string) error {
	s, n, err := e.openNode()
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := n.ImportFile(path, s.Path()+".inbox")
	if err != nil {
		return err
	}
	if e.format == "json" {
		if err := e.json(res); err != nil {
			return err
		}
		return raised(res.Alarms)
	}
	fmt.Fprintln(e.stdout, res.Summary())
	for _, c := range res.Conflicts {
		fmt.Fprintf(e.stdout, "  待审核：%s %s「%s」\n", c.Record, store.KindLabel(c.Kind), store.FieldLabel(c.Kind, c.Field))
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(e.stdout, "注意："+w)
	}
	if res.More {
		fmt.Fprintln(e.stdout, "县级中心还有数据未发完，请导入其余的同步文件或再同步一次。")
	}
	return raised(res.Alarms)
}

type siblingView struct {
	Value   json.RawMessage `json:"value"`
	Station string          `json:"station"`
	Author  string          `json:"author"`
	Time    string          `json:"time"`
}

type conflictView struct {
	ID       string        `json:"id"`
	Kind     store.Kind    `json:"kind"`
	Record   string        `json:"record"`
	Field    string        `json:"field"`
	Label    string        `json:"label"`
	Deleted  bool          `json:"delete_vs_edit"`
	Siblings []siblingView `json:"siblings"`
}

func cmdConflicts(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"scope"}, []string{"unmasked"})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("conflicts 不接受参数 %q", pos[0])
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
	unmasked := e.unmasked || vals["unmasked"] == "true"
	var out []conflictView
	err = s.View(func(r *store.Reader) error {
		cs, err := r.Conflicts(scope)
		if err != nil {
			return err
		}
		for _, c := range cs {
			v := conflictView{ID: c.ID.String(), Kind: c.Kind, Field: c.Field, Label: store.FieldLabel(c.Kind, c.Field), Deleted: c.Deleted}
			if rec, err := r.Get(c.ID); err == nil {
				v.Record = store.Summary(store.Masked(rec))
			}
			for _, sib := range c.Siblings {
				val := sib.Value
				if !unmasked && !c.Deleted {
					val = store.MaskField(c.Kind, c.Field, val)
				}
				name := sib.StationName
				if name == "" {
					name = sib.Origin.Short()
				}
				v.Siblings = append(v.Siblings, siblingView{Value: val, Station: name, Author: sib.Author, Time: store.ClockTime(sib.Time).Format("2006-01-02 15:04")})
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if e.format == "json" {
		if out == nil {
			out = []conflictView{}
		}
		return e.json(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(e.stdout, "没有待审核的并发修改")
		return nil
	}
	for _, c := range out {
		what := "「" + c.Label + "」有不同的修改"
		if c.Deleted {
			what = "一处删除了记录，另一处同时修改了它"
		}
		fmt.Fprintf(e.stdout, "%s  %s：%s\n", c.ID, c.Record, what)
		for i, sib := range c.Siblings {
			fmt.Fprintf(e.stdout, "  [%d] %s  （%s，%s，%s）\n", i+1, sib.Value, sib.Station, sib.Author, sib.Time)
		}
	}
	fmt.Fprintln(e.stdout, "用 cunzhan resolve 记录编号 字段 --pick 序号 选定一个值，或 --value JSON 填写合并后的值。")
	return nil
}

func cmdResolve(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"pick", "value", "author"}, []string{"undo"})
	if err != nil {
		return err
	}
	undo := vals["undo"] == "true"
	given := 0
	for _, f := range []bool{vals["pick"] != "", vals["value"] != "", undo} {
		if f {
			given++
		}
	}
	if len(pos) != 2 || given != 1 {
		return usagef("用法：resolve ID FIELD --pick N | --value JSON | --undo（删除冲突的字段写 _deleted：--value true 保留删除，false 恢复记录；--undo 撤销上一次审核，各值重新列入待审核）")
	}
	id, err := uuid.Parse(pos[0])
	if err != nil {
		return &store.Error{Code: store.CodeBadRequest, Message: "记录编号应为UUID"}
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()
	if undo {
		return undoResolve(e, s, id, pos[1], orDefault(vals["author"], "命令行"))
	}
	value := json.RawMessage(vals["value"])
	if p := vals["pick"]; p != "" {
		k, err := strconv.Atoi(p)
		if err != nil || k < 1 {
			return usagef("--pick 应为冲突列表中的序号（从1开始）")
		}
		var found bool
		err = s.View(func(r *store.Reader) error {
			cs, err := r.Conflicts("")
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.ID == id && c.Field == pos[1] && k <= len(c.Siblings) {
					value, found = c.Siblings[k-1].Value, true
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if !found {
			return &store.Error{Code: store.CodeNotFound, Message: "没有这处待审核的修改，或序号超出范围"}
		}
	}
	if err := s.Resolve(id, pos[1], value, orDefault(vals["author"], "命令行")); err != nil {
		return err
	}
	return e.result(map[string]any{"id": id, "field": pos[1], "resolved": true}, "已审核："+pos[0]+" "+pos[1])
}

// undoResolve brings back the values a review replaced, found in the log
// (the window keeps the values it showed; a script has only the log).
func undoResolve(e *env, s *store.Store, id uuid.UUID, field, author string) error {
	var prior []store.Version
	err := s.View(func(r *store.Reader) error {
		var err error
		prior, err = r.ReplacedVersions(id, field)
		return err
	})
	if err != nil {
		return err
	}
	if len(prior) == 0 {
		if rec, err := s.Get(id); err == nil && contains(store.MetaOf(rec).Conflicts, field) {
			return &store.Error{Code: "UNDO_CHANGED", Field: field, Message: "该栏现有待审核的并发修改，请先审核"}
		}
		return &store.Error{Code: "UNDO_NOTHING", Field: field, Message: "该栏当前的值不是对并发修改的审核结果，没有可撤销的审核"}
	}
	if err := s.UndoResolve(id, field, prior, author); err != nil {
		return err
	}
	return e.result(map[string]any{"id": id, "field": field, "undone": true, "values": len(prior)},
		fmt.Sprintf("已撤销审核：%s %s，%d个值重新列入待审核", id, field, len(prior)))
}

// exportRoster writes the households of a scope as a roster (.xlsx) that
// import roster reads back: masked, unless --unmasked (a 负责人; the file
// then says 含敏感个人信息). The export is in the audit log.
func exportRoster(e *env, vals map[string]string) error {
	out := vals["out"]
	if out == "" || !strings.HasSuffix(strings.ToLower(out), ".xlsx") {
		return usagef("用法：export roster --out 花名册.xlsx [--scope 代码] [--unmasked]")
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()
	scope, err := scopeOf(s, vals["scope"])
	if err != nil {
		return err
	}
	unmasked := e.unmasked
	if err := e.auditMasked(s); err != nil {
		return err
	}
	title := "农户花名册"
	if st := s.Station(); st != nil {
		title = st.Name + title
	}
	var n int
	err = atomicfile.WriteFunc(out, func(w io.Writer) error {
		return s.View(func(r *store.Reader) error {
			var err error
			n, err = roster.Export(w, r, scope, unmasked, title+"（"+e.now().In(store.ChinaTZ).Format("2006-01-02")+"）")
			return err
		})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已导出 %d 人到 %s\n", n, out)
	return nil
}
