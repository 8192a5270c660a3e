package app

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// A cadre types Chinese through a pinyin input method: "zhang", then Space
// or a digit picks 张. While the method composes, the letters live in its
// own candidate window, not in the text box. On X11, GLFW (under Fyne)
// still hands the window every key the input method consumed
// (glfw/glfw#1972): a Backspace that corrects the pinyin also deleted a
// character already in the box, and an Enter that commits the raw letters
// also moved to the next field or saved the form.
//
// ime notices composition from what arrives: a letter key with no
// character after it is held by an input method; committed text (a
// character) ends the composition. While it lasts, the editing and
// navigating keys belong to the input method and text boxes ignore them.
//
// The count errs on the side of too many: one Backspace too many swallowed
// costs a second press, one too few deletes what the person typed. So a
// candidate picked for part of the pinyin (a digit or Space with no
// character after it: 杨 of "yangying") counts as one more key the
// composition holds, because Backspace first undoes that choice. The state
// belongs to the window, not to one box: the input method keeps composing
// when the mouse moves the keyboard to another box.
var ime imeGuard

type imeGuard struct {
	mu        sync.Mutex
	composing int // keys the input method holds, as far as we can tell
}

// modifiers is what the keyboard holds down now; a test replaces it.
var modifiers = func() fyne.KeyModifier {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()
	}
	return 0
}

func isLetter(k fyne.KeyName) bool { return len(k) == 1 && k[0] >= 'A' && k[0] <= 'Z' }

func isDigit(k fyne.KeyName) bool { return len(k) == 1 && k[0] >= '0' && k[0] <= '9' }

// swallow reports whether a typed key belongs to the input method's
// composition and must not reach the text box.
func (g *imeGuard) swallow(ev *fyne.KeyEvent) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case isLetter(ev.Name):
		// With Ctrl, Alt or Super a letter is a shortcut, not pinyin.
		if modifiers()&(fyne.KeyModifierControl|fyne.KeyModifierAlt|fyne.KeyModifierSuper) == 0 {
			g.composing++
		}
		return false
	case g.composing == 0:
		return false
	case ev.Name == fyne.KeyApostrophe, isDigit(ev.Name), ev.Name == fyne.KeySpace:
		// A syllable separator (xi'an), or a candidate picked: if it
		// completes the composition a character arrives and ends it.
		g.composing++
		return ev.Name == fyne.KeySpace
	}
	switch ev.Name {
	case fyne.KeyBackspace:
		g.composing--
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		// Enter commits the letters as typed; they arrive as characters.
		g.composing = 0
		return true
	case fyne.KeyEscape:
		g.composing = 0
		return true
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyLeft, fyne.KeyRight, fyne.KeyPageUp, fyne.KeyPageDown,
		fyne.KeyHome, fyne.KeyEnd, fyne.KeyDelete, fyne.KeyTab:
		return true
	}
	return false
}

// typed notes a character: normal typing, or the input method's commit.
func (g *imeGuard) typed() {
	g.mu.Lock()
	g.composing = 0
	g.mu.Unlock()
}

// shortcut notes a shortcut: whatever was counted was not pinyin.
func (g *imeGuard) shortcut() { g.typed() }
