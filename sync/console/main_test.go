package console

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain removes the county files made once for all the tests and
// benchmarks (a 100,000-person county is a quarter of a gigabyte).
func TestMain(m *testing.M) {
	code := m.Run()
	if demoFile != "" {
		os.RemoveAll(filepath.Dir(demoFile))
	}
	if bigDir != "" {
		os.RemoveAll(bigDir)
	}
	os.Exit(code)
}
