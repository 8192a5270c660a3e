package app

import (
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"github.com/cunzhan/cunzhan/app/print"
	"github.com/cunzhan/cunzhan/store"
)

// tourStep is one screenshot: what to show, then (once the screen's
// background loading is done) what to select, before taking it.
type tourStep struct {
	name string
	show func(u *UI)
	then func(u *UI)
}

// tourSteps visit every screen, and the forms people spend their time in.
var tourSteps = []tourStep{
	{"01-首页", func(u *UI) { u.show(u.screenIndex(u.home)) }, nil},
	{"02-幸福院-床位", func(u *UI) { u.show(u.screenIndex(u.homes)) }, nil},
	{"03-幸福院-能力评估", func(u *UI) {
		u.show(u.screenIndex(u.homes))
		u.homes.assess(&store.Assessment{Instrument: store.InstrumentGB, Reason: "常规评估", AssessDate: u.today(), Status: "已完成"})
		if g := u.homes.scores; g != nil {
			for i, it := range store.AssessItems(store.InstrumentGB) {
				if i < 14 {
					g.entries[it.Code].SetText(fmt.Sprint(it.Max() - i%2))
				}
			}
		}
	}, nil},
	{"04-探访-名册", func(u *UI) {
		u.show(u.screenIndex(u.visits))
		u.visits.tabs.SelectIndex(0)
	}, func(u *UI) {
		if len(u.visits.regList.ids) > 0 {
			u.visits.regList.list.Select(0)
		}
	}},
	{"05-探访-登记探访", func(u *UI) {
		u.show(u.screenIndex(u.visits))
		if len(u.home.data.notSeen) > 0 {
			id := u.home.data.notSeen[len(u.home.data.notSeen)-1].ProfileID
			u.visits.startNew(&id)
		} else {
			u.visits.startNew(nil)
		}
	}, nil},
	{"06-贷款-农户", func(u *UI) {
		u.show(u.screenIndex(u.loans))
		u.loans.tabs.SelectIndex(0)
	}, func(u *UI) {
		if len(u.loans.hhList.ids) > 2 {
			u.loans.hhList.list.Select(2)
		}
	}},
	{"07-贷款-申请流程", func(u *UI) {
		u.show(u.screenIndex(u.loans))
		u.loans.tabs.SelectIndex(2)
	}, func(u *UI) {
		if len(u.loans.appList.ids) > 0 {
			u.loans.appList.list.Select(0)
		}
	}},
	{"08-贷款-逾期", func(u *UI) {
		u.show(u.screenIndex(u.loans))
		u.loans.tabs.SelectIndex(4)
	}, nil},
	{"09-冲突审核", func(u *UI) { u.show(u.screenIndex(u.conflicts)) }, func(u *UI) {
		if len(u.conflicts.items) > 0 {
			u.conflicts.list.Select(0)
		}
	}},
	{"10-同步", func(u *UI) { u.show(u.screenIndex(u.syncs)) }, nil},
	{"11-打印", func(u *UI) {
		u.show(u.screenIndex(u.prints))
		for i, it := range print.Catalog {
			if it.Code == "B4" {
				u.prints.list.Select(i)
			}
		}
	}, nil},
	{"12-设置", func(u *UI) { u.show(u.screenIndex(u.settings)) }, nil},
}

// tour shows each step in the running window and saves what the window
// shows as a PNG, for make screenshots.
func tour(u *UI, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// Let the dashboard's figures arrive first.
	time.Sleep(1500 * time.Millisecond)
	for _, step := range tourSteps {
		fyne.DoAndWait(func() { step.show(u) })
		time.Sleep(700 * time.Millisecond)
		if step.then != nil {
			fyne.DoAndWait(func() { step.then(u) })
			time.Sleep(700 * time.Millisecond)
		}
		if err := shoot(u, filepath.Join(dir, step.name+".png")); err != nil {
			return err
		}
	}
	return nil
}

// shoot saves what the window shows. Under X it asks the X server for the
// window's pixels (ImageMagick's import), which is what a person sees; the
// OpenGL read-back of a canvas comes out black on software-rendered
// displays such as Xvfb.
func shoot(u *UI, path string) error {
	if os.Getenv("DISPLAY") != "" {
		if _, err := exec.LookPath("import"); err == nil {
			var size fyne.Size
			fyne.DoAndWait(func() { size = u.win.Canvas().Size() })
			scale := float32(1)
			fyne.DoAndWait(func() { scale = u.win.Canvas().Scale() })
			geom := fmt.Sprintf("%dx%d+0+0", int(size.Width*scale), int(size.Height*scale))
			out, err := exec.Command("import", "-window", "root", "-crop", geom, "+repage", path).CombinedOutput()
			if err != nil {
				return fmt.Errorf("import: %v: %s", err, out)
			}
			return nil
		}
	}
	var err error
	fyne.DoAndWait(func() { err = savePNG(u.win.Canvas(), path) })
	return err
}

func savePNG(c fyne.Canvas, path string) error {
	img := c.Capture()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
