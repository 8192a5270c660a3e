// Package atomicfile replaces a file's content so that a crash, a power cut
// or a USB stick pulled out half-way leaves either the old content or the
// whole new one under the real name, never a truncated file: the content
// goes to a temporary file beside it, is synced, renamed into place, and the
// directory is synced so that the rename itself survives.
package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Error is a failure of the file system while writing: Op says in Chinese
// which step failed (创建文件, 写入文件, 保存文件), for a person.
type Error struct {
	Op   string
	Path string
	Err  error
}

func (e *Error) Error() string {
	if Full(e.Err) {
		return e.Op + "失败：磁盘或U盘空间已满（" + e.Path + "）"
	}
	return e.Op + "失败：" + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Full reports whether err says the disk or stick is full.
func Full(err error) bool {
	return err != nil && (errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), "no space"))
}

// Write replaces path's content with data.
func Write(path string, data []byte) error {
	return WriteFunc(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc replaces path's content with what write produces (a dump of the
// whole store written as it is read). An error that write returns is
// returned as it is, so that callers keep its meaning; the temporary file
// is removed in every case.
func WriteFunc(path string, write func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return &Error{Op: "创建文件", Path: path, Err: err}
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing there
	fw := &fileWriter{f: f}
	if err := write(fw); err != nil {
		f.Close()
		if fw.err != nil && errors.Is(err, fw.err) {
			return &Error{Op: "写入文件", Path: path, Err: err}
		}
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return &Error{Op: "写入文件", Path: path, Err: err}
	}
	if err := f.Close(); err != nil {
		return &Error{Op: "写入文件", Path: path, Err: err}
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return &Error{Op: "写入文件", Path: path, Err: err}
	}
	if err := os.Rename(tmp, path); err != nil {
		return &Error{Op: "保存文件", Path: path, Err: err}
	}
	SyncDir(dir)
	return nil
}

// SyncDir makes the directory's entries durable (a rename or a new file in
// it). Where directories cannot be synced (Windows) it does nothing.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// fileWriter remembers the file system's own write error, so that it is
// told apart from an error of the producer.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}
