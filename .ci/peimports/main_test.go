package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestAllowed(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"KERNEL32.dll", true},
		{"kernel32.dll", true},
		{"Kernel32.DLL", true},
		{"USER32.dll", true},
		{"GDI32.dll", true},
		{"OPENGL32.dll", true},
		{"opengl32.DLL", true},
		{"SHELL32.dll", true},
		{"ole32.dll", true},
		{"ADVAPI32.dll", true},
		{"WS2_32.dll", true},
		{"bcryptprimitives.dll", true},
		{"ntdll.dll", true},
		{"WINMM.dll", true},
		{"IMM32.dll", true},
		{"dwmapi.dll", true},
		{"msvcrt.dll", true},
		{"MSVCRT.DLL", true},
		{"ucrtbase.dll", true},
		{"api-ms-win-crt-runtime-l1-1-0.dll", true},
		{"API-MS-WIN-CRT-STDIO-L1-1-0.DLL", true},
		{"api-ms-win-core-synch-l1-2-0.dll", true},
		{"ext-ms-win-ntuser-window-l1-1-0.dll", true},

		// MinGW runtimes.
		{"libssp-0.dll", false},
		{"LIBSSP-0.DLL", false},
		{"libgcc_s_seh-1.dll", false},
		{"libgcc_s_dw2-1.dll", false},
		{"libwinpthread-1.dll", false},
		{"libstdc++-6.dll", false},
		{"libgomp-1.dll", false},
		// Visual C++ redistributable.
		{"VCRUNTIME140.dll", false},
		{"MSVCP140.dll", false},
		// Anything else nobody has vouched for.
		{"glfw3.dll", false},
		{"libGLESv2.dll", false},
		{"d3dx9_43.dll", false},
		{"api-ms-win-crt-runtime-l1-1-0", false},
		{"kernel32", false},
		{"kernel32.dll.evil", false},
		{" kernel32.dll", false},
		{"kernel32.dll ", false},
		{"", false},
	} {
		ok, why := allowed(tc.name)
		if ok != tc.ok {
			t.Errorf("allowed(%q) = %v (%s), want %v", tc.name, ok, why, tc.ok)
		}
		if !ok && why == "" {
			t.Errorf("allowed(%q) refuses without saying why", tc.name)
		}
	}
}

func TestAllowlistSpelling(t *testing.T) {
	for name := range systemDLLs {
		if name != strings.ToLower(strings.TrimSpace(name)) {
			t.Errorf("allowlist entry %q: entries must be lower case without spaces", name)
		}
		if !strings.HasSuffix(name, ".dll") && !strings.HasSuffix(name, ".drv") {
			t.Errorf("allowlist entry %q is not a DLL name", name)
		}
		if strings.HasPrefix(name, "lib") {
			t.Errorf("allowlist entry %q looks like a MinGW or third-party library", name)
		}
	}
}

// buildWindowsExe cross-compiles a tiny pure-Go program for windows/amd64
// and returns the path of the .exe.
func buildWindowsExe(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build a Windows executable with")
	}
	dir := t.TempDir()
	src := "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hi\\n\") }\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module tiny\n\ngo 1.21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "tiny.exe")
	cmd := exec.Command(goTool, "build", "-o", exe, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for windows: %v\n%s", err, out)
	}
	return exe
}

func TestRealExecutable(t *testing.T) {
	exe := buildWindowsExe(t)

	libs, err := imports(exe)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range libs {
		if strings.EqualFold(l, "kernel32.dll") {
			found = true
		}
	}
	if !found {
		t.Errorf("imports of a Go program for Windows = %q, want kernel32.dll among them", libs)
	}
	var out bytes.Buffer
	if bad := check(&out, []string{exe}); bad != 0 {
		t.Errorf("check refuses a pure-Go program:\n%s", out.String())
	}

	// The same executable with kernel32.dll renamed, in place, to a name
	// of the same length: now it needs the MinGW runtime.
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.ReplaceAll(data, []byte("kernel32.dll\x00"), []byte("libssp-0.dll\x00"))
	if bytes.Equal(bad, data) {
		t.Fatal("kernel32.dll not found in the executable's bytes")
	}
	badExe := filepath.Join(t.TempDir(), "needs-libssp.exe")
	if err := os.WriteFile(badExe, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if n := check(&out, []string{exe, badExe}); n != 1 {
		t.Errorf("check of a good and a bad executable counts %d failures, want 1:\n%s", n, out.String())
	}
	if s := out.String(); !strings.Contains(s, "REFUSED  libssp-0.dll") || !strings.Contains(s, badExe+": FAIL") {
		t.Errorf("the report does not name the refused DLL and the failing file:\n%s", s)
	}
}

func TestNotAnExecutable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.exe")
	if err := os.WriteFile(path, []byte("not a PE file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if n := check(&out, []string{path, filepath.Join(t.TempDir(), "missing.exe")}); n != 2 {
		t.Errorf("check counts %d failures for a text file and a missing file, want 2:\n%s", n, out.String())
	}
}
