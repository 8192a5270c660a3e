package app

import (
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// driver is how a walk presses, types and looks: with the real mouse and
// keyboard of the X display when xdotool is there (make test installs it),
// otherwise by calling the widget's own tap handler.
type driver interface {
	click(w *walk, o fyne.CanvasObject, parents []fyne.CanvasObject) error
	keys(keys ...string) error
	typeText(s string) error
	screenshot(w *walk, path string) error
	screenSize() fyne.Size
}

// newDriver picks the X driver when it can.
func newDriver() driver {
	if os.Getenv("DISPLAY") != "" {
		if _, err := exec.LookPath("xdotool"); err == nil {
			d := &xdriver{}
			if out, err := exec.Command("xdotool", "getdisplaygeometry").Output(); err == nil {
				f := strings.Fields(string(out))
				if len(f) == 2 {
					wd, _ := strconv.Atoi(f[0])
					ht, _ := strconv.Atoi(f[1])
					d.screen = fyne.NewSize(float32(wd), float32(ht))
				}
			}
			return d
		}
	}
	return &tapdriver{}
}

// xdriver moves the real pointer and presses real keys on the X display.
type xdriver struct {
	screen fyne.Size
	win    string // the X window id of the station's window
}

func (d *xdriver) screenSize() fyne.Size { return d.screen }

// window finds the station's window on the display, and where it is.
func (d *xdriver) window() (x, y int, err error) {
	if d.win == "" {
		out, err := exec.Command("xdotool", "search", "--name", "^村站").Output()
		if err != nil {
			return 0, 0, fmt.Errorf("找不到村站窗口：%v", err)
		}
		ids := strings.Fields(string(out))
		if len(ids) == 0 {
			return 0, 0, fmt.Errorf("找不到村站窗口")
		}
		d.win = ids[len(ids)-1]
	}
	out, err := exec.Command("xdotool", "getwindowgeometry", "--shell", d.win).Output()
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Fields(string(out)) {
		k, v, _ := strings.Cut(line, "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "X":
			x = n
		case "Y":
			y = n
		}
	}
	return x, y, nil
}

// click scrolls o into view, checks that its middle lies inside the
// window, and clicks there with the real mouse.
func (d *xdriver) click(w *walk, o fyne.CanvasObject, parents []fyne.CanvasObject) error {
	var cx, cy, scale float32
	var canvas fyne.Size
	w.ui(func() {
		for _, p := range parents {
			if s, ok := p.(*container.Scroll); ok {
				scrollIntoView(s, o)
			}
		}
	})
	w.settle()
	w.ui(func() {
		drv := fyne.CurrentApp().Driver()
		pos := drv.AbsolutePositionForObject(o)
		size := o.Size()
		cx, cy = pos.X+size.Width/2, pos.Y+size.Height/2
		c := w.win.Canvas()
		canvas, scale = c.Size(), c.Scale()
	})
	if cx < 0 || cy < 0 || cx > canvas.Width || cy > canvas.Height {
		return fmt.Errorf("它在窗口之外（%.0f,%.0f；窗口 %.0f×%.0f），点不到", cx, cy, canvas.Width, canvas.Height)
	}
	wx, wy, err := d.window()
	if err != nil {
		return err
	}
	x, y := wx+int(cx*scale), wy+int(cy*scale)
	// Not --sync: it waits for the pointer to move, which it never does
	// when it is already there (the same button pressed twice).
	if out, err := exec.Command("xdotool", "mousemove", strconv.Itoa(x), strconv.Itoa(y), "sleep", "0.05", "click", "1").CombinedOutput(); err != nil {
		return fmt.Errorf("xdotool：%v：%s", err, out)
	}
	return nil
}

func (d *xdriver) keys(keys ...string) error {
	if _, _, err := d.window(); err != nil {
		return err
	}
	args := append([]string{"key", "--delay", "40"}, keys...)
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("xdotool key：%v：%s", err, out)
	}
	return nil
}

// typeText types s as key presses. ASCII goes through xdotool type. For
// Chinese, xdotool would remap one spare key code to each character just
// before pressing it, and under load the window reads some presses with
// the next character's mapping (characters lost or doubled); so every
// character gets its own key code first (xmodmap), and xdotool presses
// keys that are already there, as a keyboard would.
func (d *xdriver) typeText(s string) error {
	ascii := true
	for _, r := range s {
		if r > 0x7e {
			ascii = false
		}
	}
	if ascii {
		if out, err := exec.Command("xdotool", "type", "--delay", "40", s).CombinedOutput(); err != nil {
			return fmt.Errorf("xdotool type：%v：%s", err, out)
		}
		return nil
	}
	code := map[rune]bool{}
	var mapping, keys []string
	for _, r := range s {
		sym := fmt.Sprintf("U%04X", r)
		if r < 0x7f {
			sym = fmt.Sprintf("0x%x", r) // Latin-1 keysyms are the code points
		}
		keys = append(keys, sym)
		if !code[r] {
			code[r] = true
			if len(code) > spareKeycodes {
				return fmt.Errorf("typeText：一次最多 %d 个不同的字", spareKeycodes)
			}
			mapping = append(mapping, "-e", fmt.Sprintf("keycode %d = %s", firstSpareKeycode+len(code)-1, sym))
		}
	}
	if out, err := exec.Command("xmodmap", mapping...).CombinedOutput(); err != nil {
		return fmt.Errorf("xmodmap：%v：%s", err, out)
	}
	return d.keys(keys...)
}

// The key codes 208–255 carry media keys on Xvfb's keyboard, none of them
// a modifier; the walk binds characters to them.
const (
	firstSpareKeycode = 208
	spareKeycodes     = 48
)

// screenshot asks the X server for the screen's pixels (ImageMagick's
// import): what a person sees, including anything past the window's edge.
// The OpenGL read-back of a canvas comes out black on Xvfb.
func (d *xdriver) screenshot(w *walk, path string) error {
	geom := fmt.Sprintf("%dx%d+0+0", int(d.screen.Width), int(d.screen.Height))
	var err error
	var out []byte
	for try := 0; try < 3; try++ {
		if out, err = exec.Command("import", "-window", "root", "-crop", geom, "+repage", path).CombinedOutput(); err == nil {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("import：%v：%s", err, out)
}

// tapdriver presses a button by calling its tap handler and saves the
// canvas; for a display without xdotool. It cannot type.
type tapdriver struct{}

func (tapdriver) screenSize() fyne.Size { return fyne.Size{} }

func (tapdriver) click(w *walk, o fyne.CanvasObject, _ []fyne.CanvasObject) error {
	t, ok := o.(fyne.Tappable)
	if !ok {
		return fmt.Errorf("不能点击")
	}
	w.ui(func() { t.Tapped(&fyne.PointEvent{}) })
	return nil
}

func (tapdriver) keys(...string) error  { return errNoKeyboard }
func (tapdriver) typeText(string) error { return errNoKeyboard }

var errNoKeyboard = fmt.Errorf("没有 xdotool，无法模拟键盘")

func (tapdriver) screenshot(w *walk, path string) error {
	var err error
	w.ui(func() {
		img := w.win.Canvas().Capture()
		var f *os.File
		if f, err = os.Create(path); err != nil {
			return
		}
		if err = png.Encode(f, img); err != nil {
			f.Close()
			return
		}
		err = f.Close()
	})
	return err
}
