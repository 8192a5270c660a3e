package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRealWindow runs the real program, built with the real driver, in a
// real X server (Xvfb) at the two screen sizes village PCs have, and lets
// it walk itself through every screen, tab, list, dialog and button that
// does not destroy data, with the real mouse and keyboard (xdotool): the
// headless tests cannot see what crashes Fyne's real driver. At 1024×768
// it starts as a new station would, on an empty file, tries the first-start
// page and opens the demo data from it; at 1366×768 it opens a copy of the
// demo data. Any panic, any error line the program writes, any screen that
// does not fit, any dialog that cannot be closed, any invisible focus or
// shortcut that does nothing fails it. The screenshots stay in
// screenshots/walkthrough-WxH/ as an artefact of the run.
//
// make test runs it (CUNZHAN_REAL_WINDOW=1, after installing xvfb, xdotool,
// imagemagick and dbus); elsewhere it is skipped.
func TestRealWindow(t *testing.T) {
	if os.Getenv("CUNZHAN_REAL_WINDOW") == "" {
		t.Skip("the real window runs under make test (CUNZHAN_REAL_WINDOW=1)")
	}
	for _, tool := range []string{"Xvfb", "xdotool", "xmodmap", "import", "dbus-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (make test installs it): %v", tool, err)
		}
	}
	bin := filepath.Join(t.TempDir(), "cunzhan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	demo := filepath.Join(t.TempDir(), "demo.db")
	if out, err := exec.Command(bin, "demo", "--out", demo).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	artefacts := os.Getenv("CUNZHAN_ARTEFACTS")
	if artefacts == "" {
		artefacts = "screenshots"
	}
	// 1024×768 walks everything, two buttons deep; 1366×768 every
	// screen, tab, list and button once (the wider screen fits what the
	// narrower one does; its screenshots are what most stations see).
	cases := []struct {
		name    string
		screen  string
		data    string // "" starts on an empty station
		presses string
	}{
		{"1024x768", "1024x768", "", "2"},
		{"1366x768", "1366x768", demo, "1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, _ := filepath.Abs(filepath.Join(artefacts, "walkthrough-"+tc.name))
			os.RemoveAll(dir)
			data := filepath.Join(t.TempDir(), "station.db")
			if tc.data != "" {
				copyFile(t, tc.data, data)
			}
			walkWindow(t, bin, tc.screen, data, dir, tc.presses)
		})
	}
}

// walkWindow runs the program's walkthrough on display :n of a screen size
// and fails on anything it or the program reports.
func walkWindow(t *testing.T, bin, screen, data, dir, presses string) {
	display := startXvfb(t, screen)
	env := append(desktopEnv(t, display), "CUNZHAN_WALK_PRESSES="+presses)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--data", data, "--screenshots", dir)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("walkthrough at %s: %s; screenshots in %s", screen, time.Since(start).Round(time.Second), dir)
	if log, _ := os.ReadFile(filepath.Join(dir, "walk.log")); len(log) > 0 {
		lines := strings.Split(strings.TrimSpace(string(log)), "\n")
		t.Logf("%s", lines[len(lines)-1])
	}
	if err != nil {
		t.Errorf("the program ended with %v", err)
	}
	// Every line the program writes on its error stream is a failure: a
	// panic, a Fyne error, a walkthrough problem.
	sc := bufio.NewScanner(&stderr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			t.Errorf("stderr: %s", line)
		}
	}
}

// startXvfb starts an X server of the given size for the test on a
// display it picks itself (-displayfd: two walks side by side, or a lock
// file left behind, never share a display) and waits until it takes
// connections; it is stopped with SIGTERM, so that it removes its lock.
func startXvfb(t *testing.T, screen string) string {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", screen+"x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	x.Stdout, x.Stderr = io.Discard, io.Discard
	if err := x.Start(); err != nil {
		t.Fatalf("Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		x.Process.Signal(syscall.SIGTERM)
		x.Wait()
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatal("Xvfb did not start")
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
	return ""
}

// desktopEnv is what a desktop session gives a program: a display, a home
// with the usual folders, a runtime directory, a session bus and a Chinese
// locale.
func desktopEnv(t *testing.T, display string) []string {
	home := t.TempDir()
	for _, d := range []string{"Desktop", "Documents", "Downloads", "Music", "Pictures", "Videos"} {
		os.MkdirAll(filepath.Join(home, d), 0o755)
	}
	os.MkdirAll(filepath.Join(home, ".config"), 0o755)
	os.MkdirAll(filepath.Join(home, ".cache"), 0o755)
	dirs := "XDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_DOCUMENTS_DIR=\"$HOME/Documents\"\nXDG_DOWNLOAD_DIR=\"$HOME/Downloads\"\n" +
		"XDG_MUSIC_DIR=\"$HOME/Music\"\nXDG_PICTURES_DIR=\"$HOME/Pictures\"\nXDG_VIDEOS_DIR=\"$HOME/Videos\"\n"
	os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte(dirs), 0o644)
	runtime := t.TempDir()
	os.Chmod(runtime, 0o700)
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1")
	out, err := bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	bus.Stderr = io.Discard
	if err := bus.Start(); err != nil {
		t.Fatalf("dbus-daemon: %v", err)
	}
	t.Cleanup(func() { bus.Process.Signal(syscall.SIGTERM); bus.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon address: %v", err)
	}
	return []string{
		"DISPLAY=" + display,
		"HOME=" + home,
		"XDG_RUNTIME_DIR=" + runtime,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"DBUS_SESSION_BUS_ADDRESS=" + strings.TrimSpace(addr),
		"LANG=zh_CN.UTF-8",
		"PATH=" + os.Getenv("PATH"),
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
