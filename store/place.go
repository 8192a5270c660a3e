package store

import (
	"strings"

	"github.com/cunzhan/cunzhan/store/ident"
)

// PlaceName names a division code for forms and reports: the bundled
// division table's name, else the name a station of exactly that village
// or township gave itself (a county whose table does not list every
// village still prints "某某村", not its code), else "".
func (r *Reader) PlaceName(code string) string {
	if n := ident.DivisionName(code); n != "" {
		return n
	}
	if r.places == nil {
		r.places = map[string]string{}
		_ = r.Each(KindOrigin, "", func(e Entity) error {
			o := e.(*Origin)
			st, err := ident.ParseStationCode(o.StationCode)
			if err != nil || o.StationName == "" {
				return nil
			}
			if _, seen := r.places[st.Scope]; !seen {
				r.places[st.Scope] = stationPlace(o.StationName)
			}
			return nil
		})
	}
	return r.places[code]
}

// stationPlace is the place a station's name names: "甲村服务点" is 甲村.
func stationPlace(name string) string {
	name = strings.TrimSpace(name)
	for _, suffix := range []string{"便民服务点", "便民服务站", "服务点", "服务站", "工作站", "级中心"} {
		if n, ok := strings.CutSuffix(name, suffix); ok && n != "" {
			return n
		}
	}
	return name
}
