package app

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// The window's own shortcuts (Ctrl+S saves, Ctrl+N starts a visit, F5
// reloads) must work wherever the keyboard is. Fyne hands a shortcut to the
// focused widget when it takes shortcuts at all, and an entry does (for
// copy and paste), so a shortcut typed in a text box never reached the
// window. Every text box of the window is therefore a keyEntry or a
// keySelectEntry: what the entry does not use itself goes on to the window.

// windowKeys holds, per window canvas, the shortcuts the window handles.
var windowKeys sync.Map // fyne.Canvas → *keymap

// keymap is one window's shortcuts by name, and its plain keys (F5).
type keymap struct {
	mu        sync.Mutex
	shortcuts map[string]func()
	keys      map[fyne.KeyName]func()
}

func keymapOf(c fyne.Canvas) *keymap {
	k, _ := windowKeys.LoadOrStore(c, &keymap{shortcuts: map[string]func(){}, keys: map[fyne.KeyName]func(){}})
	return k.(*keymap)
}

// addShortcut makes a modifier shortcut work on the window, whatever has
// the focus.
func addShortcut(c fyne.Canvas, s *desktop.CustomShortcut, run func()) {
	c.AddShortcut(s, func(fyne.Shortcut) { run() })
	k := keymapOf(c)
	k.mu.Lock()
	k.shortcuts[s.ShortcutName()] = run
	k.mu.Unlock()
}

// addKey makes a plain key (F5) work on the window, whatever has the focus.
func addKey(c fyne.Canvas, key fyne.KeyName, run func()) {
	k := keymapOf(c)
	k.mu.Lock()
	k.keys[key] = run
	k.mu.Unlock()
	prev := c.OnTypedKey()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == key {
			run()
			return
		}
		if prev != nil {
			prev(ev)
		}
	})
}

// windowShortcut runs the window's handler for a shortcut typed in obj;
// false when the window has none (the entry then handles it itself).
func windowShortcut(obj fyne.CanvasObject, s fyne.Shortcut) bool {
	run := lookup(obj, func(k *keymap) func() { return k.shortcuts[s.ShortcutName()] })
	if run == nil {
		return false
	}
	run()
	return true
}

func windowKey(obj fyne.CanvasObject, key fyne.KeyName) bool {
	run := lookup(obj, func(k *keymap) func() { return k.keys[key] })
	if run == nil {
		return false
	}
	run()
	return true
}

func lookup(obj fyne.CanvasObject, pick func(*keymap) func()) func() {
	app := fyne.CurrentApp()
	if app == nil {
		return nil
	}
	c := app.Driver().CanvasForObject(obj)
	if c == nil {
		return nil
	}
	k, ok := windowKeys.Load(c)
	if !ok {
		return nil
	}
	km := k.(*keymap)
	km.mu.Lock()
	defer km.mu.Unlock()
	return pick(km)
}

// keyEntry is a text box that passes the window's shortcuts on, and tells
// its form when it gets the keyboard (so the form can scroll it into view).
type keyEntry struct {
	widget.Entry
	onFocus func()
}

func newKeyEntry() *keyEntry {
	e := &keyEntry{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

func newKeyMultiLineEntry() *keyEntry {
	e := &keyEntry{}
	e.MultiLine = true
	// Chinese has no spaces to wrap at: break anywhere.
	e.Wrapping = fyne.TextWrapBreak
	e.ExtendBaseWidget(e)
	return e
}

func (e *keyEntry) TypedShortcut(s fyne.Shortcut) {
	noteActivity()
	ime.shortcut()
	if _, custom := s.(*desktop.CustomShortcut); custom && windowShortcut(e, s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	noteActivity()
	if ime.swallow(ev) {
		return
	}
	if ev.Name == fyne.KeyF5 && windowKey(e, ev.Name) {
		return
	}
	e.Entry.TypedKey(ev)
}

func (e *keyEntry) TypedRune(r rune) {
	noteActivity()
	ime.typed()
	e.Entry.TypedRune(r)
}

func (e *keyEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus()
	}
}

// keySelectEntry is a text box with a list of suggestions that passes the
// window's shortcuts on.
type keySelectEntry struct {
	widget.SelectEntry
	onFocus func()
}

func newKeySelectEntry(options []string) *keySelectEntry {
	e := &keySelectEntry{}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.SetOptions(options)
	return e
}

func (e *keySelectEntry) TypedShortcut(s fyne.Shortcut) {
	noteActivity()
	ime.shortcut()
	if _, custom := s.(*desktop.CustomShortcut); custom && windowShortcut(e, s) {
		return
	}
	e.SelectEntry.TypedShortcut(s)
}

func (e *keySelectEntry) TypedKey(ev *fyne.KeyEvent) {
	noteActivity()
	if ime.swallow(ev) {
		return
	}
	if ev.Name == fyne.KeyF5 && windowKey(e, ev.Name) {
		return
	}
	e.SelectEntry.TypedKey(ev)
}

func (e *keySelectEntry) TypedRune(r rune) {
	noteActivity()
	ime.typed()
	e.SelectEntry.TypedRune(r)
}

func (e *keySelectEntry) FocusGained() {
	e.SelectEntry.FocusGained()
	if e.onFocus != nil {
		e.onFocus()
	}
}
