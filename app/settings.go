package app

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// settingsScreen is 设置: the station's identity and the policy figures of
// domain.md (limits, rates, report rules) with their documented defaults.
type settingsScreen struct {
	u *UI

	identity  *widget.Label
	name      *keyEntry
	operators *operatorsCard

	policyBox *fyne.Container
	vals      map[string]json.RawMessage
	initial   map[string]json.RawMessage
	errs      map[string]*widget.Label
	setters   map[string]func(json.RawMessage)
	message   *widget.Label
	parseErr  map[string]string
	// savePolicy is the policy's save button: a 负责人's only.
	savePolicyBtn *widget.Button
}

func newSettingsScreen(u *UI) *settingsScreen { return &settingsScreen{u: u} }

func (s *settingsScreen) dirty() bool {
	if s.vals == nil {
		return false
	}
	a, _ := json.Marshal(s.vals)
	b, _ := json.Marshal(s.initial)
	return string(a) != string(b)
}

func (s *settingsScreen) build() fyne.CanvasObject {
	s.identity = widget.NewLabel("")
	s.identity.Wrapping = fyne.TextWrapBreak
	s.name = newKeyEntry()
	rename := newButton("修改站点名称", func() {
		si := s.u.st.Station()
		if si == nil {
			return
		}
		if err := s.u.st.SetStation(si.Code, s.name.Text); err != nil {
			s.u.showError("未修改", err)
			return
		}
		s.u.win.SetTitle(s.u.windowTitle())
		s.u.setStatus("站点名称已改为%s", s.name.Text)
		s.refresh()
	})
	s.operators = newOperatorsCard(s.u)
	identity := container.NewVBox(s.identity,
		container.NewBorder(nil, nil, widget.NewLabel("站点名称"), rename, s.name))

	s.policyBox = container.NewVBox()
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapBreak
	save := newButtonWithIcon("保存政策参数", theme.DocumentSaveIcon(), s.savePolicy)
	save.Importance = widget.HighImportance
	s.savePolicyBtn = save
	defaults := newButtonWithIcon("恢复默认值", theme.HistoryIcon(), func() {
		s.load(store.DefaultPolicy())
		s.message.SetText("已填入默认值，按“保存政策参数”后生效。")
	})
	policy := container.NewVBox(
		para("以下参数用于校验和报表。默认值取自政策文件；如本县另有规定，改后保存。"),
		s.policyBox, s.message, flow(save, defaults))
	backups := container.NewVBox(
		para("村站每天第一次打开数据文件时自动备份一次，保存在数据文件旁的“备份”文件夹里，保留最近7天。数据文件损坏或误删误改时，可以用备份恢复。"),
		container.NewHBox(newButton("从备份恢复…", s.u.chooseBackup)))
	return scrolled(container.NewVBox(card("站点", identity), card("操作员", s.operators.content), card("政策参数", policy), card("备份", backups), card("审计日志", s.u.auditCard())))
}

func (s *settingsScreen) refresh() {
	if si := s.u.st.Station(); si != nil {
		enrolled := "尚未在县级中心登记"
		if s.u.node != nil {
			enrolled = "已在县级中心登记"
		}
		s.identity.SetText(fmt.Sprintf("站点编码：%s\n类型：%s\n管辖范围：%s\n%s\n数据文件：%s",
			si.Code, si.Type, ident.DivisionLabel(si.Scope), enrolled, s.u.st.Path()))
		s.name.SetText(si.Name)
	}
	s.operators.refresh()
	if err := s.u.st.Require(store.PermPolicy); err != nil {
		s.savePolicyBtn.Disable()
		s.message.SetText("只有负责人可以修改政策参数。")
	} else {
		s.savePolicyBtn.Enable()
	}
	if !s.dirty() {
		s.load(s.u.st.Policy())
	}
}

// policyChoices are the policy lists offered as check boxes.
var policyChoices = map[string][]string{
	"visit_counted_methods":  store.VisitMethods,
	"rating_household_types": store.HouseholdTypes,
}

var turn60 = map[string]string{"birthday_month": "满60周岁当月发放", "next_month": "满60周岁次月发放"}

// load shows a policy in the form.
func (s *settingsScreen) load(p store.Policy) {
	b, _ := json.Marshal(p)
	s.vals = map[string]json.RawMessage{}
	_ = json.Unmarshal(b, &s.vals)
	if s.initial == nil || !s.dirty() {
		s.initial = cloneVals(s.vals)
	}
	s.errs = map[string]*widget.Label{}
	s.setters = map[string]func(json.RawMessage){}
	s.parseErr = map[string]string{}
	grid := container.New(layout.NewFormLayout())
	for _, spec := range store.SchemaOf(store.Policy{}) {
		spec := spec
		obj := s.policyControl(spec)
		errText := errorLabel()
		s.errs[spec.Name] = errText
		grid.Add(widget.NewLabel(policyLabel(spec)))
		grid.Add(container.NewVBox(obj, errText))
	}
	s.policyBox.Objects = []fyne.CanvasObject{grid}
	s.policyBox.Refresh()
}

func (s *settingsScreen) policyControl(spec store.FieldSpec) fyne.CanvasObject {
	name := spec.Name
	put := func(raw json.RawMessage) { s.vals[name] = raw }
	switch {
	case name == "rating_scheme":
		return s.schemeControl()
	case name == "homecare_hours":
		hours := map[string]int{}
		_ = json.Unmarshal(s.vals[name], &hours)
		row := flow()
		for _, class := range store.EntitlementClasses {
			class := class
			e := newKeyEntry()
			e.SetText(strconv.Itoa(hours[class]))
			e.OnChanged = func(t string) {
				n, err := store.ParseInt(t)
				if err != nil {
					s.parseErr[name] = "工时应为整数"
					return
				}
				delete(s.parseErr, name)
				hours[class] = n
				b, _ := json.Marshal(hours)
				put(b)
			}
			row.Add(labelled(class, container.NewGridWrap(fyne.NewSize(70, e.MinSize().Height), e)))
		}
		return row
	case name == "service_subsidy_turn60":
		var cur string
		_ = json.Unmarshal(s.vals[name], &cur)
		return newChoiceChips([]string{turn60["birthday_month"], turn60["next_month"]}, turn60[cur], func(sel string) {
			for k, v := range turn60 {
				if v == sel {
					b, _ := json.Marshal(k)
					put(b)
				}
			}
		}).box
	case policyChoices[name] != nil:
		return choicesCtl(policyChoices[name], s.vals[name], put).obj
	case spec.Type == store.FieldBool:
		return boolCtl(s.vals[name], put).obj
	case isBasisPoints(name):
		return s.percentControl(name, put)
	}
	e := newKeyEntry()
	e.SetText(textOf(spec, s.vals[name]))
	e.SetPlaceHolder(placeholders[spec.Type])
	e.OnChanged = func(t string) {
		delete(s.parseErr, name)
		raw, err := store.ParseField(spec, t)
		if err != nil {
			s.parseErr[name] = strings.TrimPrefix(store.MessageOf(err), "「"+spec.Label+"」")
			return
		}
		put(raw)
	}
	return e
}

// isBasisPoints tells the policy figures kept in basis points (1% = 100):
// the screen shows them in percent, as the policy documents write them.
func isBasisPoints(name string) bool { return strings.HasSuffix(name, "_bp") }

// policyLabel is a policy figure's name as the screen shows it.
func policyLabel(spec store.FieldSpec) string {
	if isBasisPoints(spec.Name) {
		return strings.ReplaceAll(spec.Label, "（基点）", "（%）")
	}
	return spec.Label
}

// percentControl edits a basis-point figure in percent: 5 or 5% or 5.25.
func (s *settingsScreen) percentControl(name string, put func(json.RawMessage)) fyne.CanvasObject {
	var bp int
	_ = json.Unmarshal(s.vals[name], &bp)
	e := newKeyEntry()
	e.SetText(strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%d.%02d", bp/100, bp%100), "0"), "."))
	e.SetPlaceHolder("百分数，如 5 表示 5%")
	e.OnChanged = func(t string) {
		delete(s.parseErr, name)
		t = strings.TrimSuffix(strings.TrimSpace(t), "%")
		t = strings.TrimSuffix(t, "％")
		// Read as yuan: the same two-decimal reading, full-width digits
		// included; 5.25 (%) → 525 (basis points).
		v, err := store.ParseYuan(t)
		if err != nil || v < 0 || v > 10000 {
			s.parseErr[name] = "应为0到100之间的百分数，如 5 或 5.5"
			return
		}
		b, _ := json.Marshal(v)
		put(b)
	}
	return container.NewBorder(nil, nil, nil, widget.NewLabel("%"), e)
}

// schemeControl shows the county's rating scheme and takes a new one from
// the file the county sends (the same reading as `cunzhan policy set`).
func (s *settingsScreen) schemeControl() fyne.CanvasObject {
	var rs store.RatingScheme
	_ = json.Unmarshal(s.vals["rating_scheme"], &rs)
	var tiers []string
	for _, t := range rs.Tiers {
		tiers = append(tiers, fmt.Sprintf("%d分以上%s级（%s元）", t.MinScore, t.Grade, store.Yuan(t.LimitFen)))
	}
	summary := para(fmt.Sprintf("%s：%d个评分项，%s；有效期%d个月。评定方案由县级统一制定。", rs.Name, len(rs.Items), strings.Join(tiers, "，"), rs.ValidityMonths))
	load := newButtonWithIcon("导入县里发的评定方案文件…", theme.FolderOpenIcon(), func() {
		openFile(s.u.win, []string{".json", ".JSON"}, s.importScheme)
	})
	return container.NewVBox(summary, flow(load))
}

// importScheme reads a rating scheme (or a whole policy) from a file into
// the form; saving the policy makes it count.
func (s *settingsScreen) importScheme(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		s.u.showError("文件读不出", &store.Error{Code: "FILE_READ", Message: "读不出文件：" + path, Err: err})
		return
	}
	cur, err := s.current()
	if err != nil {
		s.message.SetText(store.MessageOf(err))
		return
	}
	p, err := store.ParsePolicyFile(b, cur)
	if err != nil {
		s.u.showError("评定方案没有导入", err)
		return
	}
	s.load(p)
	s.message.SetText("已读入“" + p.RatingScheme.Name + "”，按“保存政策参数”后生效。")
}

// current is the policy as the form holds it now.
func (s *settingsScreen) current() (store.Policy, error) {
	b, _ := json.Marshal(s.vals)
	var p store.Policy
	if err := json.Unmarshal(b, &p); err != nil {
		return p, &store.Error{Code: "POLICY_FORMAT", Message: "参数格式不正确", Err: err}
	}
	return p, nil
}

// savePolicy checks and stores the policy; each problem shows under its
// field.
func (s *settingsScreen) savePolicy() {
	for _, t := range s.errs {
		t.SetText("")
		t.Hide()
	}
	if len(s.parseErr) > 0 {
		for name, msg := range s.parseErr {
			if t := s.errs[name]; t != nil {
				t.SetText(msg)
				t.Show()
			}
		}
		s.message.SetText("有填写不正确的参数，见红字说明。")
		return
	}
	b, _ := json.Marshal(s.vals)
	var p store.Policy
	if err := json.Unmarshal(b, &p); err != nil {
		s.message.SetText("参数格式不正确：" + err.Error())
		return
	}
	err := s.u.st.SetPolicy(p)
	var probs store.Problems
	switch {
	case asProblems(err, &probs):
		for _, pr := range probs {
			if t := s.errs[pr.Field]; t != nil {
				t.SetText(pr.Message)
				t.Show()
			}
		}
		s.message.SetText(fmt.Sprintf("有%d处参数不合理，没有保存。", len(probs)))
		return
	case err != nil:
		s.u.showError("未保存", err)
		return
	}
	s.initial = cloneVals(s.vals)
	s.message.SetText("政策参数已保存，校验和报表即按新参数执行。")
	s.u.setStatus("政策参数已保存")
	s.u.changed()
}
