package roster

import (
	"strconv"
	"strings"

	"github.com/cunzhan/cunzhan/store"
)

// Where a resident list's rows go: the home (the one named for the whole
// list, the station's only one, or the one a row names) and the bed, by
// the room and bed numbers as homes write them (101, 101室, 1号房; 2,
// 2号床, 101-2).

// homes are the homes a resident list may name.
type homes struct {
	fixed *store.Home // every row's home, when there is one
	all   []*store.Home
}

// findHomes reads the station's homes and settles the list's home: the
// one named (its name or 编号), or the only one; with several and none
// named, each row must name its own (column says the list has the column).
func findHomes(r *store.Reader, name string, column bool) (*homes, error) {
	all, err := store.All[*store.Home](r, store.KindHome, "")
	if err != nil {
		return nil, err
	}
	hs := &homes{all: all}
	switch {
	case len(all) == 0:
		return nil, &store.Error{Code: "RESIDENT_HOME", Message: "本站还没有幸福院：请先在“幸福院”页面登记幸福院及其房间、床位，再导入入住老人"}
	case name != "":
		if hs.fixed = hs.find(name); hs.fixed == nil {
			return nil, &store.Error{Code: "RESIDENT_HOME", Message: "本站没有名为“" + name + "”的幸福院；有：" + hs.names()}
		}
	case len(all) == 1:
		hs.fixed = all[0]
	case !column:
		return nil, &store.Error{Code: "RESIDENT_HOME", Message: "本站有" + strconv.Itoa(len(all)) + "个幸福院（" + hs.names() + "）：请指定导入到哪一个（--home 名称），或在名册中加“幸福院名称”一列"}
	}
	return hs, nil
}

func (hs *homes) find(name string) *store.Home {
	name = strings.ReplaceAll(cleanText(name), " ", "")
	for _, h := range hs.all {
		if h.Name == name || h.HomeCode == name {
			return h
		}
	}
	return nil
}

func (hs *homes) names() string {
	var out []string
	for _, h := range hs.all {
		out = append(out, h.Name)
	}
	return strings.Join(out, "、")
}

// of is a row's home.
func (hs *homes) of(r *row) (*store.Home, *store.Error) {
	v := r.cells["home_name"]
	if hs.fixed != nil {
		if v != "" && hs.find(v) != hs.fixed {
			return nil, &store.Error{Code: "RESIDENT_HOME", Field: "home_name", Message: "本行的幸福院“" + v + "”不是这次导入的“" + hs.fixed.Name + "”"}
		}
		return hs.fixed, nil
	}
	if v == "" {
		return nil, &store.Error{Code: "REQUIRED", Field: "home_name", Message: "「幸福院名称」未填写"}
	}
	if h := hs.find(v); h != nil {
		return h, nil
	}
	return nil, &store.Error{Code: "RESIDENT_HOME", Field: "home_name", Message: "本站没有名为“" + v + "”的幸福院；有：" + hs.names()}
}

func homeName(rd *store.Reader, id string) string {
	if x, _ := rd.LiveByString(id, store.KindHome); x != nil {
		return x.(*store.Home).Name
	}
	return "幸福院"
}

// trimAny removes the first of the suffixes s ends with.
func trimAny(s string, suffixes ...string) string {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) && len(s) > len(x) {
			return strings.TrimSuffix(s, x)
		}
	}
	return s
}

// bedOf finds a row's bed in its home: its id, or, for a bed the home has
// not entered in a room it has, the bed to add. Neither room nor bed
// written: no bed (the store says whether the stay needs one).
func bedOf(rd *store.Reader, home *store.Home, roomText, bedText string) (string, *store.Bed, *store.Error) {
	room := trimAny(strings.ReplaceAll(cleanText(roomText), " ", ""), "号房间", "房间", "号房", "室", "房", "号")
	bed := strings.NewReplacer(" ", "", "—", "-", "–", "-", "_", "-").Replace(cleanText(bedText))
	bed = trimAny(bed, "号床位", "号床", "床位", "床", "号")
	if room == "" && bed == "" {
		return "", nil, nil
	}
	if i := strings.LastIndex(bed, "-"); i > 0 {
		if room == "" {
			room = bed[:i]
		} else if bed[:i] != room {
			return "", nil, &store.Error{Code: "RESIDENT_BED_ROOM", Field: "bed_no", Message: "床位号“" + bed + "”不在房间“" + room + "”"}
		}
	} else if bed != "" {
		if room == "" {
			return "", nil, &store.Error{Code: "RESIDENT_ROOM", Field: "room_no", Message: "床位号“" + bed + "”没有房间号：请填写房间号，或把床位号写成“房间号-序号”"}
		}
		bed = room + "-" + bed
	}
	var rm *store.Room
	rooms, _ := rd.RefEntities(home.ID, store.KindRoom)
	for _, x := range rooms {
		if o := x.(*store.Room); o.HomeID == home.ID.String() && o.RoomNo == room {
			rm = o
		}
	}
	if rm == nil {
		return "", nil, &store.Error{Code: "RESIDENT_NO_ROOM", Field: "room_no", Message: "“" + home.Name + "”没有房间“" + room + "”：请先在幸福院页面添加这个房间（房间类型由院里确定），再导入"}
	}
	var inRoom []*store.Bed
	beds, _ := rd.RefEntities(home.ID, store.KindBed)
	for _, x := range beds {
		if o := x.(*store.Bed); o.RoomID == rm.ID.String() && o.Status != "停用" {
			inRoom = append(inRoom, o)
			if o.BedNo == bed {
				return o.ID.String(), nil, nil
			}
		}
	}
	if bed == "" {
		// A single room's bed goes without saying.
		if len(inRoom) == 1 {
			return inRoom[0].ID.String(), nil, nil
		}
		return "", nil, &store.Error{Code: "RESIDENT_BED", Field: "bed_no", Message: "房间“" + room + "”有" + strconv.Itoa(len(inRoom)) + "张床位，请填写床位号"}
	}
	return "", &store.Bed{HomeID: home.ID.String(), RoomID: rm.ID.String(), BedNo: bed, Status: "空闲"}, nil
}
