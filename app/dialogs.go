package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// showDialog shows a dialog and then gives it a size. Every dialog of the
// window goes through here, for two reasons found on the real driver:
//   - a dialog must be shown before it is resized: Fyne's file dialog has no
//     window until Show, and its Resize (through MinSize) dereferences it,
//     which crashed the program from three buttons;
//   - a dialog must not be larger than the window: at 1024×768 a fixed
//     800-pixel dialog pushed the window past the screen.
//
// size is what the dialog would like; it gets at most the window's canvas
// less a margin, and never less than its own minimum.
func showDialog(w fyne.Window, d dialog.Dialog, size fyne.Size) {
	d.Show()
	if size.IsZero() {
		return
	}
	d.Resize(fitDialog(w.Canvas().Size(), size))
}

// fitDialog keeps a wanted dialog size inside a window of size win, leaving
// a margin so the window behind stays visible.
func fitDialog(win, want fyne.Size) fyne.Size {
	const margin = 40
	if win.Width > margin*2 && want.Width > win.Width-margin {
		want.Width = win.Width - margin
	}
	if win.Height > margin*2 && want.Height > win.Height-margin {
		want.Height = win.Height - margin
	}
	return want
}

// fileDialogSize is what the file dialogs ask for: room for long Chinese
// file names, shrunk to the window on a small screen.
var fileDialogSize = fyne.NewSize(800, 560)

// openFile asks for a file, offering only the given extensions (".csv";
// none: any file), and passes on its path.
func openFile(w fyne.Window, exts []string, then func(path string)) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		path := rc.URI().Path()
		rc.Close()
		then(path)
	}, w)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	showDialog(w, d, fileDialogSize)
}

// openFolder asks for a folder (the USB stick) and passes on its path.
func openFolder(w fyne.Window, then func(path string)) {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		then(dir.Path())
	}, w)
	showDialog(w, d, fileDialogSize)
}

// saveFile asks where to save a file, proposing a name, and passes on the
// path chosen. The file is written by the caller (atomically), not here.
func saveFile(w fyne.Window, name string, exts []string, then func(path string)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		path := wc.URI().Path()
		wc.Close()
		then(path)
	}, w)
	d.SetFileName(name)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	showDialog(w, d, fileDialogSize)
}
