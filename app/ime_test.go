package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The keys a pinyin input method consumes reach the text box anyway on
// X11 (GLFW hands them on); this is the order they arrive in, as fcitx5
// produced it under Xvfb: a letter key with no character while composing,
// the committed text as characters.
func TestInputMethodKeysStayWithTheInputMethod(t *testing.T) {
	test.NewTempApp(t)
	type box interface {
		fyne.Focusable
		fyne.Widget
		desktop.Keyable
	}
	for _, c := range []struct {
		name  string
		build func() (box, *widget.Entry)
	}{
		{"text box", func() (box, *widget.Entry) { e := newKeyEntry(); return e, &e.Entry }},
		{"text box with suggestions", func() (box, *widget.Entry) {
			e := newKeySelectEntry([]string{"一组"})
			return e, &e.SelectEntry.Entry
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, entry := c.build()
			w := test.NewTempWindow(t, b)
			w.Canvas().Focus(b)
			submitted := 0
			entry.OnSubmitted = func(string) { submitted++ }
			key := func(k fyne.KeyName) { b.TypedKey(&fyne.KeyEvent{Name: k}) }
			letters := func(s string) {
				for _, r := range s {
					b.KeyDown(&fyne.KeyEvent{Name: fyne.KeyName(string(r))})
					key(fyne.KeyName(string(r)))
				}
			}
			for _, r := range "杨颖" {
				b.TypedRune(r)
			}
			// Composing "zhanx", correcting it with one Backspace.
			letters("ZHANX")
			key(fyne.KeyBackspace)
			if got := entry.Text; got != "杨颖" {
				t.Fatalf("a Backspace inside the composition changed the box: %q", got)
			}
			// Enter commits the letters as typed: no submit, no next field.
			key(fyne.KeyReturn)
			if submitted != 0 {
				t.Fatalf("Enter inside the composition submitted the box")
			}
			for _, r := range "zhan" {
				b.TypedRune(r)
			}
			if got := entry.Text; got != "杨颖zhan" {
				t.Fatalf("after the commit: %q", got)
			}
			// Composing again, Space picks 张.
			letters("ZHANG")
			key(fyne.KeySpace)
			b.TypedRune('张')
			// Composition over: keys are the box's again.
			key(fyne.KeyBackspace)
			if got := entry.Text; got != "杨颖zhan" {
				t.Fatalf("Backspace after the commit: %q", got)
			}
			key(fyne.KeyReturn)
			if submitted != 1 {
				t.Fatalf("Enter after the commit did not submit (%d)", submitted)
			}
			// Typing without an input method: every letter brings its
			// character, and Backspace works at once.
			letters("A")
			b.TypedRune('a')
			key(fyne.KeyBackspace)
			if got := entry.Text; got != "杨颖zhan" {
				t.Fatalf("Backspace after plain typing: %q", got)
			}
			// Ctrl+Q is a shortcut, not pinyin: no character follows it,
			// and the next Backspace is still the box's.
			b.KeyDown(&fyne.KeyEvent{Name: desktop.KeyControlLeft})
			key("Q")
			b.KeyUp(&fyne.KeyEvent{Name: desktop.KeyControlLeft})
			key(fyne.KeyBackspace)
			if got := entry.Text; got != "杨颖zha" {
				t.Fatalf("Backspace after Ctrl+Q: %q", got)
			}
		})
	}
}
