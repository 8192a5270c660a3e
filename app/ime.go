package app

import (
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
// imeGuard notices composition from what arrives: a letter key with no
// character after it is held by an input method; the committed text (a
// character) ends the composition. While it lasts, the editing and
// navigating keys belong to the input method and the text box ignores them.
type imeGuard struct {
	composing int  // letters the input method holds, as far as we can tell
	held      bool // Ctrl, Alt or Super is down: a letter is a shortcut
}

// keyDown and keyUp follow the modifier keys.
func (g *imeGuard) keyDown(ev *fyne.KeyEvent) {
	if isModifier(ev.Name) {
		g.held = true
	}
}

func (g *imeGuard) keyUp(ev *fyne.KeyEvent) {
	if isModifier(ev.Name) {
		g.held = false
	}
}

func isModifier(k fyne.KeyName) bool {
	switch k {
	case desktop.KeyControlLeft, desktop.KeyControlRight, desktop.KeyAltLeft, desktop.KeyAltRight, desktop.KeySuperLeft, desktop.KeySuperRight:
		return true
	}
	return false
}

// swallow reports whether a typed key belongs to the input method's
// composition and must not reach the text box.
func (g *imeGuard) swallow(ev *fyne.KeyEvent) bool {
	if len(ev.Name) == 1 && ev.Name[0] >= 'A' && ev.Name[0] <= 'Z' {
		if !g.held {
			g.composing++
		}
		return false
	}
	if g.composing == 0 {
		return false
	}
	switch ev.Name {
	case fyne.KeyBackspace:
		g.composing--
		return true
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape, fyne.KeySpace:
		// Enter commits the letters as typed, Space the first candidate,
		// Escape drops them; what is committed arrives as characters.
		g.composing = 0
		return true
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyLeft, fyne.KeyRight, fyne.KeyPageUp, fyne.KeyPageDown,
		fyne.KeyHome, fyne.KeyEnd, fyne.KeyDelete, fyne.KeyTab:
		return true
	}
	return false
}

// typed notes a character: normal typing, or the input method's commit.
func (g *imeGuard) typed() { g.composing = 0 }

// reset forgets the state when the box gains or loses the keyboard or a
// shortcut is used.
func (g *imeGuard) reset() { *g = imeGuard{} }
