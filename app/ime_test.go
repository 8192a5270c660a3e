package app

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The keys a pinyin input method consumes reach the text box anyway on
// X11 (GLFW hands them on). These are the sequences fcitx5 produced under
// Xvfb: a letter key with no character while composing, the committed text
// as characters.
func TestInputMethodKeysStayWithTheInputMethod(t *testing.T) {
	test.NewTempApp(t)
	real := modifiers
	t.Cleanup(func() { modifiers = real })
	type box interface {
		fyne.Focusable
		fyne.Widget
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
			ime.typed()
			b, entry := c.build()
			other, _ := c.build()
			w := test.NewTempWindow(t, widget.NewForm(widget.NewFormItem("a", b), widget.NewFormItem("b", other)))
			w.Canvas().Focus(b)
			submitted := 0
			entry.OnSubmitted = func(string) { submitted++ }
			key := func(k fyne.KeyName) { b.TypedKey(&fyne.KeyEvent{Name: k}) }
			pinyin := func(s string) {
				for _, r := range s {
					switch {
					case r == '\'':
						key(fyne.KeyApostrophe)
					case r >= '0' && r <= '9':
						key(fyne.KeyName(string(r)))
					default:
						key(fyne.KeyName(string(r - 'a' + 'A')))
					}
				}
			}
			want := func(step, text string) {
				t.Helper()
				if entry.Text != text {
					t.Fatalf("%s: the box holds %q, want %q", step, entry.Text, text)
				}
			}
			for _, r := range "杨颖" {
				b.TypedRune(r)
			}
			pinyin("zhanx")
			key(fyne.KeyBackspace)
			want("a Backspace correcting the pinyin", "杨颖")
			key(fyne.KeyReturn)
			if submitted != 0 {
				t.Fatalf("Enter committing the letters also submitted the box")
			}
			for _, r := range "zhan" {
				b.TypedRune(r)
			}
			want("the letters Enter committed", "杨颖zhan")
			// Composing again, Space picks 张: the composition is over.
			pinyin("zhang")
			key(fyne.KeySpace)
			b.TypedRune('张')
			key(fyne.KeyBackspace)
			want("Backspace after the commit", "杨颖zhan")
			key(fyne.KeyReturn)
			if submitted != 1 {
				t.Fatalf("Enter after the commit did not submit (%d)", submitted)
			}
			// xi'an cleared with Backspaces: the apostrophe is the method's.
			pinyin("xi'an")
			for i := 0; i < 5; i++ {
				key(fyne.KeyBackspace)
			}
			want("clearing xi'an", "杨颖zhan")
			// 杨 picked for part of "yangying" (digit 4, no character):
			// Backspace first undoes the choice, then takes 8 letters.
			pinyin("yangying4")
			for i := 0; i < 9; i++ {
				key(fyne.KeyBackspace)
			}
			want("undoing a partial pick and clearing the pinyin", "杨颖zhan")
			// The mouse moves the keyboard to another box mid-pinyin: the
			// method still composes there.
			pinyin("zhang")
			w.Canvas().Focus(other)
			other.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
			other.TypedRune('张')
			w.Canvas().Focus(b)
			want("after composing in the other box", "杨颖zhan")
			// Typing without an input method: each letter brings its
			// character, and Backspace works at once.
			key("A")
			b.TypedRune('a')
			key(fyne.KeyBackspace)
			want("Backspace after plain typing", "杨颖zhan")
			// Ctrl+Q is a shortcut, not pinyin: no character follows it,
			// and the next Backspace is the box's.
			modifiers = func() fyne.KeyModifier { return fyne.KeyModifierControl }
			key("Q")
			modifiers = func() fyne.KeyModifier { return 0 }
			key(fyne.KeyBackspace)
			want("Backspace after Ctrl+Q", "杨颖zha")
		})
	}
}

// Every text box of the window is a keyEntry or keySelectEntry, which keep
// the window's shortcuts and the input method's keys where they belong: a
// plain Fyne entry on the setup page lost typed Chinese to Backspace.
func TestEveryTextBoxIsAKeyEntry(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	plain := regexp.MustCompile(`widget\.New(Entry|SelectEntry|MultiLineEntry|PasswordEntry|EntryWithData)\(|&widget\.(Entry|SelectEntry)\{`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if plain.MatchString(line) {
				t.Errorf("%s:%d: a plain Fyne text box: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
