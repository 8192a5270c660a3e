package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.czb")
	if err := Write(p, []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("producer failed")
	err := WriteFunc(p, func(w io.Writer) error {
		w.Write([]byte("half of the new"))
		return boom
	})
	if err != boom {
		t.Fatalf("producer's error must come back as it is, got %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("a failed write changed the file: %q", b)
	}
	if err := Write(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("content %q, want new", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temporary files left behind: %v", ents)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600 (bundles and dumps hold personal data)", fi.Mode().Perm())
	}
}

func TestWriteIntoMissingDirSaysWhichStep(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "no", "such", "x"), []byte("x"))
	var e *Error
	if !errors.As(err, &e) || e.Op != "创建文件" {
		t.Fatalf("got %v, want 创建文件 error", err)
	}
}
