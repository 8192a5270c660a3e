package app

import (
	"encoding/json"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// flowLayout places objects left to right at their own size and starts a
// new line when the next one does not fit. Rows of buttons, choices and
// small fields wrap on a 1024-pixel screen instead of pushing the window
// wider than the screen. Like Fyne's GridWrap it learns its width from the
// last layout: the canvas lays its parent out again when the height it
// reports then changes.
type flowLayout struct {
	width float32
}

// flow is a container of objects that wrap onto lines.
func flow(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&flowLayout{}, objs...)
}

func (f *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	f.place(objs, size.Width, true)
}

func (f *flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	widest := float32(0)
	for _, o := range objs {
		if o.Visible() {
			widest = max(widest, o.MinSize().Width)
		}
	}
	w := f.width
	if w < widest {
		w = widest
	}
	return fyne.NewSize(widest, f.place(objs, w, false))
}

// place lays the objects out in a width (or only measures, when move is
// false) and returns the height they take.
func (f *flowLayout) place(objs []fyne.CanvasObject, width float32, move bool) float32 {
	pad := theme.Padding()
	x, y, line := float32(0), float32(0), float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if x > 0 && x+m.Width > width {
			x, y, line = 0, y+line+pad, 0
		}
		if move {
			o.Move(fyne.NewPos(x, y))
			o.Resize(m)
		}
		x += m.Width + pad
		line = max(line, m.Height)
	}
	return y + line
}

// choiceChips offers a short list of choices as buttons that wrap onto
// lines, the chosen one in the theme colour. Each takes the keyboard (Tab,
// then Space) like a radio button, and unlike Fyne's horizontal radio
// group it never makes the form wider than the window.
type choiceChips struct {
	box      *fyne.Container
	buttons  []*chip
	choices  []string
	selected string
	onChange func(string)
}

func newChoiceChips(choices []string, selected string, onChange func(string)) *choiceChips {
	c := &choiceChips{choices: choices, selected: selected}
	for _, ch := range choices {
		ch := ch
		c.buttons = append(c.buttons, newChip(ch, func() { c.choose(ch, true) }))
	}
	objs := make([]fyne.CanvasObject, len(c.buttons))
	for i, b := range c.buttons {
		objs[i] = b
	}
	c.box = flow(objs...)
	c.show()
	c.onChange = onChange
	return c
}

// chip is one choice of a choiceChips: a button of its own type, so that
// a walkthrough of the window, which presses every button, leaves choices
// to the forms that need them.
type chip struct{ widget.Button }

func newChip(text string, tap func()) *chip {
	c := &chip{}
	c.Text, c.OnTapped = text, touched(tap)
	c.ExtendBaseWidget(c)
	return c
}

// choose selects a choice (pressing the chosen one again keeps it).
func (c *choiceChips) choose(s string, user bool) {
	c.selected = s
	c.show()
	if user && c.onChange != nil {
		c.onChange(s)
	}
}

func (c *choiceChips) show() {
	for i, b := range c.buttons {
		if c.choices[i] == c.selected {
			b.Importance = widget.HighImportance
			b.SetIcon(theme.RadioButtonCheckedIcon())
		} else {
			b.Importance = widget.MediumImportance
			b.SetIcon(theme.RadioButtonIcon())
		}
		b.Refresh()
	}
}

func (c *choiceChips) enable(on bool) {
	for _, b := range c.buttons {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// ctl makes the chips a form field's control.
func (c *choiceChips) ctl() *fieldCtl {
	var focus fyne.Focusable
	if len(c.buttons) > 0 {
		focus = c.buttons[0]
	}
	return &fieldCtl{obj: c.box, focus: focus, set: func(raw json.RawMessage) {
		var s string
		_ = json.Unmarshal(raw, &s)
		c.choose(s, false)
	}, enable: c.enable}
}

// keepHeight holds the tallest its content has been laid out at: a
// message under a field that gets shorter, or is cleared once the field is
// corrected, keeps its room, so the fields below it do not move while the
// person is working on them.
type keepHeight struct{ h float32 }

// keepingHeight wraps one object in a keepHeight container.
func keepingHeight(o fyne.CanvasObject) *fyne.Container {
	return container.New(&keepHeight{}, o)
}

func (k *keepHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
		if o.Visible() {
			k.h = max(k.h, o.MinSize().Height)
		}
	}
}

func (k *keepHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	s.Height = max(s.Height, k.h)
	return s
}
