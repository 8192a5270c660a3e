package app

import (
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The window locks itself after some minutes without a person at it
// (lock.go). A person at the window types into a text box or clicks a
// button; both come through the window's own widgets (keyEntry,
// keySelectEntry, newButton), which note the moment here. Reading a page
// without touching anything for that long counts as away.

var lastActivity atomic.Int64 // unix nanoseconds

func noteActivity() { lastActivity.Store(time.Now().UnixNano()) }

// idleSince is how long nothing was typed or clicked, as of now.
func idleSince(now time.Time) time.Duration {
	last := lastActivity.Load()
	if last == 0 {
		return 0
	}
	return now.Sub(time.Unix(0, last))
}

// touched notes activity before running a tap handler.
func touched(f func()) func() {
	return func() {
		noteActivity()
		if f != nil {
			f()
		}
	}
}

// newButton and newButtonWithIcon are the window's buttons: widget.Button
// whose taps count as activity.
func newButton(label string, tapped func()) *widget.Button {
	return widget.NewButton(label, touched(tapped))
}

func newButtonWithIcon(label string, icon fyne.Resource, tapped func()) *widget.Button {
	return widget.NewButtonWithIcon(label, icon, touched(tapped))
}
