//go:build linux

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkRealWindowMemory measures the resident memory of the real
// window (the program users run, built with cgo, drawing through OpenGL on
// an X display) on a 100,000-person file, driving it with the real mouse
// and keyboard through xdotool:
//
//   - open: the file opened and the home screen's figures in;
//   - register: 探访 → 探访对象名册, six searches typed (王, ljx, 李建, zh, 刘,
//     wxl);
//   - picker: 打印 → B2 → 选择…, four searches typed (李, ljx, 李建 and an ID
//     number);
//   - closed: the picker dialog cancelled.
//
// It needs DISPLAY (e.g. `Xvfb :77 -screen 0 1366x768x24 &`, then
// DISPLAY=:77) and xdotool; it skips without them. CUNZHAN_BENCH_DB names an
// existing 100,000-person file (`cunzhan demo --out F --people 100000`),
// else one is made (about a minute); the window works on a copy.
// CUNZHAN_RW_SHOTS names a folder for a screenshot of each step (needs
// ImageMagick's import), to check that the clicks landed; CUNZHAN_RW_LOG a
// file for the window's output (with GODEBUG=gctrace=1, the Go heap). The clicks assume
// the window's default size (1000×660, a fresh preferences folder is used)
// and the layout of 2026-11: the navigation on the left, the register's
// search box at its top, B2 fourth in the print catalogue, 选择… at the
// right end of the first parameter row.
//
//	DISPLAY=:77 go test -run '^$' -bench RealWindowMemory -benchtime 1x .
func BenchmarkRealWindowMemory(b *testing.B) {
	if os.Getenv("DISPLAY") == "" {
		b.Skip("needs an X display: Xvfb :77 -screen 0 1366x768x24 & and DISPLAY=:77")
	}
	if _, err := exec.LookPath("xdotool"); err != nil {
		b.Skip("needs xdotool")
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "cunzhan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	src := os.Getenv("CUNZHAN_BENCH_DB")
	if src == "" {
		src = filepath.Join(dir, "made.db")
		if out, err := exec.Command(bin, "demo", "--out", src, "--people", "100000").CombinedOutput(); err != nil {
			b.Fatalf("demo data: %v\n%s", err, out)
		}
	}
	var last map[string]float64
	for i := 0; i < b.N; i++ {
		db := filepath.Join(dir, fmt.Sprintf("run%d.db", i))
		if err := copyFileTo(src, db); err != nil {
			b.Fatal(err)
		}
		last = driveWindow(b, bin, db, filepath.Join(dir, fmt.Sprintf("config%d", i)))
		os.Remove(db)
	}
	for _, k := range []string{"open", "register", "picker", "closed"} {
		b.ReportMetric(last[k], "MB-"+k)
	}
}

// driveWindow starts the window, walks it through the steps and returns
// the resident set (MB) after each.
func driveWindow(b *testing.B, bin, db, config string) map[string]float64 {
	b.Helper()
	cmd := exec.Command(bin, "--data", db)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+config, "LANG=zh_CN.UTF-8")
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if path := os.Getenv("CUNZHAN_RW_LOG"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		cmd.Stdout, cmd.Stderr = io.MultiWriter(&log, f), io.MultiWriter(&log, f)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	x := &xwin{b: b, pid: pid, shots: os.Getenv("CUNZHAN_RW_SHOTS")}
	if err := x.find(); err != nil {
		b.Fatalf("%v\n%s", err, log.String())
	}
	out := map[string]float64{}
	measure := func(step string) {
		x.idle()
		x.shot(step)
		out[step] = rssMB(pid)
		b.Logf("%-8s %6.0f MB (%s)", step, out[step], rssDetail(pid))
		fmt.Fprintf(cmd.Stderr, "STEP %s %.0f MB\n", step, out[step])
	}
	time.Sleep(2 * time.Second)
	measure("open")

	x.click(50, 137) // 探访
	x.idle()
	x.click(310, 102) // its search box
	for _, q := range []string{"王", "ljx", "李建", "zh", "刘", "wxl"} {
		x.retype(q)
	}
	measure("register")

	x.click(50, 287) // 打印
	x.idle()
	x.click(250, 212) // B2 特殊困难老年人探访记录表
	x.idle()
	x.size()
	x.click(x.w-95, 104) // 选择…
	x.idle()
	for _, q := range []string{"李", "ljx", "李建", "130131196005051111"} {
		x.retype(q)
	}
	measure("picker")

	x.click(x.w/2, (x.h+520)/2-34) // 取消, under the 720×520 dialog
	time.Sleep(3 * time.Second)    // the memory goes back in the background
	measure("closed")
	return out
}

// xwin drives the station's window on the X display.
type xwin struct {
	b     *testing.B
	pid   int
	id    string
	w, h  int
	shots string
	n     int
}

func (x *xwin) run(args ...string) string {
	out, err := exec.Command("xdotool", args...).Output()
	if err != nil {
		x.b.Fatalf("xdotool %v: %v", args, err)
	}
	return string(out)
}

// size reads the window's size (it may change after the window appears).
func (x *xwin) size() {
	for _, f := range strings.Fields(x.run("getwindowgeometry", "--shell", x.id)) {
		k, v, _ := strings.Cut(f, "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "WIDTH":
			x.w = n
		case "HEIGHT":
			x.h = n
		}
	}
}

// find waits for the window to be mapped.
func (x *xwin) find() error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^村站").Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			x.id = ids[len(ids)-1]
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the window did not appear within a minute")
}

func (x *xwin) click(px, py int) {
	x.run("mousemove", "--window", x.id, strconv.Itoa(px), strconv.Itoa(py), "click", "1")
	time.Sleep(300 * time.Millisecond)
}

// retype replaces the focused text box's text with q, a key at a time,
// and waits for the window to finish.
func (x *xwin) retype(q string) {
	x.run("key", "ctrl+a", "BackSpace")
	x.idle()
	x.run("type", "--delay", "150", q)
	x.idle()
}

// idle waits until the window has used less than 60% of a core for two
// seconds in a row (an idle window under Xvfb draws its blinking cursor
// with the software renderer at about 40%), at most two minutes.
func (x *xwin) idle() {
	quiet := 0
	prev := cpuTicks(x.pid)
	for i := 0; i < 120 && quiet < 2; i++ {
		time.Sleep(time.Second)
		cur := cpuTicks(x.pid)
		if cur-prev < 60 {
			quiet++
		} else {
			quiet = 0
		}
		prev = cur
	}
}

func (x *xwin) shot(step string) {
	if x.shots == "" {
		return
	}
	x.n++
	os.MkdirAll(x.shots, 0o755)
	exec.Command("import", "-window", "root", filepath.Join(x.shots, fmt.Sprintf("%d-%s.png", x.n, step))).Run()
}

// cpuTicks is the process's user and system time in clock ticks (1/100 s).
func cpuTicks(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.Atoi(f[11])
	k, _ := strconv.Atoi(f[12])
	return u + k
}

func procStatus(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func rssMB(pid int) float64 { return procStatus(pid, "VmRSS") }

// rssDetail splits the resident set: anonymous memory (Go heap, OpenGL
// buffers), mapped files (the database, the program, the GL libraries).
func rssDetail(pid int) string {
	return fmt.Sprintf("anon %.0f MB, files %.0f MB of which the database %.0f MB",
		procStatus(pid, "RssAnon"), procStatus(pid, "RssFile"), mappedMB(pid, ".db"))
}

// mappedMB sums the resident pages of the mappings whose path ends in
// suffix.
func mappedMB(pid int, suffix string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return 0
	}
	var kb float64
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			in = len(f) >= 6 && strings.HasSuffix(f[len(f)-1], suffix)
			continue
		}
		if in && len(f) >= 2 && f[0] == "Rss:" {
			v, _ := strconv.ParseFloat(f[1], 64)
			kb += v
		}
	}
	return kb / 1024
}

func copyFileTo(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
