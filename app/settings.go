package app

import (
	"encoding/json"
	"fmt"
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

	identity *widget.Label
	name     *widget.Entry
	operator *widget.Entry

	policyBox *fyne.Container
	vals      map[string]json.RawMessage
	initial   map[string]json.RawMessage
	errs      map[string]*widget.Label
	setters   map[string]func(json.RawMessage)
	message   *widget.Label
	parseErr  map[string]string
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
	s.name = widget.NewEntry()
	rename := widget.NewButton("修改站点名称", func() {
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
	s.operator = widget.NewEntry()
	s.operator.SetPlaceHolder("在本机录入的人的姓名，随每条记录保存")
	saveOp := widget.NewButton("保存操作员", func() {
		s.u.operator = strings.TrimSpace(s.operator.Text)
		s.u.app.Preferences().SetString("operator", s.u.operator)
		s.u.buildChrome()
		s.u.show(s.u.current)
	})
	identity := container.NewVBox(s.identity,
		container.NewBorder(nil, nil, widget.NewLabel("站点名称"), rename, s.name),
		container.NewBorder(nil, nil, widget.NewLabel("操作员"), saveOp, s.operator))

	s.policyBox = container.NewVBox()
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapBreak
	save := widget.NewButtonWithIcon("保存政策参数", theme.DocumentSaveIcon(), s.savePolicy)
	save.Importance = widget.HighImportance
	defaults := widget.NewButtonWithIcon("恢复默认值", theme.HistoryIcon(), func() {
		s.load(store.DefaultPolicy())
		s.message.SetText("已填入默认值，按“保存政策参数”后生效。")
	})
	policy := container.NewVBox(
		widget.NewLabel("以下参数用于校验和报表。默认值取自政策文件；如本县另有规定，改后保存。"),
		s.policyBox, s.message, container.NewHBox(save, defaults))
	return scrolled(container.NewVBox(card("站点", identity), card("政策参数", policy)))
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
	s.operator.SetText(s.u.operator)
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
		grid.Add(widget.NewLabel(spec.Label))
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
		var rs store.RatingScheme
		_ = json.Unmarshal(s.vals[name], &rs)
		var tiers []string
		for _, t := range rs.Tiers {
			tiers = append(tiers, fmt.Sprintf("%d分以上%s级（%s元）", t.MinScore, t.Grade, store.Yuan(t.LimitFen)))
		}
		l := widget.NewLabel(fmt.Sprintf("%s：%d个评分项，%s；有效期%d个月。\n（评定方案由县级统一制定，用命令 cunzhan policy set 导入。）", rs.Name, len(rs.Items), strings.Join(tiers, "，"), rs.ValidityMonths))
		l.Wrapping = fyne.TextWrapBreak
		return l
	case name == "homecare_hours":
		hours := map[string]int{}
		_ = json.Unmarshal(s.vals[name], &hours)
		row := container.NewHBox()
		for _, class := range store.EntitlementClasses {
			class := class
			e := widget.NewEntry()
			e.SetText(strconv.Itoa(hours[class]))
			e.OnChanged = func(t string) {
				n, err := strconv.Atoi(strings.TrimSpace(t))
				if err != nil {
					s.parseErr[name] = "工时应为整数"
					return
				}
				delete(s.parseErr, name)
				hours[class] = n
				b, _ := json.Marshal(hours)
				put(b)
			}
			row.Add(widget.NewLabel(class))
			row.Add(container.NewGridWrap(fyne.NewSize(60, e.MinSize().Height), e))
		}
		return row
	case name == "service_subsidy_turn60":
		var cur string
		_ = json.Unmarshal(s.vals[name], &cur)
		rg := widget.NewRadioGroup([]string{turn60["birthday_month"], turn60["next_month"]}, func(sel string) {
			for k, v := range turn60 {
				if v == sel {
					b, _ := json.Marshal(k)
					put(b)
				}
			}
		})
		rg.Horizontal = true
		rg.SetSelected(turn60[cur])
		return rg
	case policyChoices[name] != nil:
		return choicesCtl(policyChoices[name], s.vals[name], put).obj
	case spec.Type == store.FieldBool:
		return boolCtl(s.vals[name], put).obj
	}
	e := widget.NewEntry()
	e.SetText(textOf(spec, s.vals[name]))
	if spec.Type == store.FieldMoney {
		e.SetText(store.Yuan(func() int64 { var n int64; _ = json.Unmarshal(s.vals[name], &n); return n }()))
	}
	e.OnChanged = func(t string) {
		t = strings.TrimSpace(t)
		delete(s.parseErr, name)
		var v any = t
		switch spec.Type {
		case store.FieldMoney, store.FieldInt:
			n, msg := parseNumber(spec.Type, t)
			if msg != "" {
				s.parseErr[name] = msg
				return
			}
			v = n
		case store.FieldDate:
			if d, err := store.ParseDate(t); err == nil {
				v = d
			}
		}
		b, _ := json.Marshal(v)
		put(b)
	}
	return e
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
