package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/roster"
)

// importPlace asks where a register's rows go when the station cannot
// tell by itself: a roster without 村代码 at a township or county station
// goes into the village chosen here (the command line's --village), a
// resident list at a station with several homes into the home chosen
// (--home). The rules stay the roster package's; this only asks.
type importPlace struct {
	box      fyne.CanvasObject // nil: nothing to ask
	village  *widget.Select
	villages map[string]string // label → code
	home     *widget.Select
}

func (u *UI) importPlace(reg *roster.Register) *importPlace {
	p := &importPlace{}
	scope := ""
	if si := u.st.Station(); si != nil {
		scope = si.Scope
	}
	switch reg.Code {
	case "roster":
		if len(scope) == 12 {
			return p
		}
		var labels []string
		p.villages = map[string]string{}
		for _, d := range ident.DivisionsUnder(scope, 12) {
			l := ident.DivisionLabel(d.Code)
			labels = append(labels, l)
			p.villages[l] = d.Code
		}
		p.village = widget.NewSelect(labels, nil)
		p.village.PlaceHolder = "名册没有村代码一列时，导入到哪个村（请选择）"
		p.box = labelled("导入到", p.village)
	case "residents":
		var names []string
		_ = u.st.View(func(r *store.Reader) error {
			homes, err := store.All[*store.Home](r, store.KindHome, u.scope())
			for _, h := range homes {
				names = append(names, h.Name)
			}
			return err
		})
		if len(names) < 2 {
			return p
		}
		p.home = widget.NewSelect(append([]string{"按名册中“幸福院名称”一列"}, names...), nil)
		p.home.SetSelectedIndex(1)
		p.box = labelled("导入到", p.home)
	}
	return p
}

// options are the answers as the import takes them.
func (p *importPlace) options() roster.Options {
	var o roster.Options
	if p.village != nil {
		o.Village = p.villages[p.village.Selected]
	}
	if p.home != nil && p.home.SelectedIndex() > 0 {
		o.Home = p.home.Selected
	}
	return o
}
