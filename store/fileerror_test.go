package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store/atomicfile"
)

// A file that could not be written (a PDF, a bundle on a stick, a dump)
// reaches a person as IO_ERROR with what failed in Chinese, however many
// layers wrapped it on the way.
func TestFileWriteFailureHasCodeAndMessage(t *testing.T) {
	err := atomicfile.Write(filepath.Join(t.TempDir(), "no such folder", "x.pdf"), []byte("x"))
	if err == nil {
		t.Fatal("wrote into a folder that does not exist")
	}
	for _, e := range []error{err, fmt.Errorf("export: %w", err)} {
		if got := CodeOf(e); got != CodeIO {
			t.Errorf("code %q, want %q", got, CodeIO)
		}
		if got := MessageOf(e); !strings.HasPrefix(got, "创建文件失败") {
			t.Errorf("message %q, want it to say the file could not be created", got)
		}
	}
}
