package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The console is tested the way a clerk uses it: the real county binary as
// its own process, serving HTTPS, and a real headless Chromium (Debian's
// chromium, what county PCs run in another skin) clicking and typing.

// chromium finds the browser. make test installs it; a plain `go test`
// without it skips, unless CUNZHAN_BROWSER=1 says it must be there.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CUNZHAN_BROWSER") == "1" {
		t.Fatal("chromium is not installed (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; make test installs it")
	return ""
}

// countyBinary builds cunzhan-county once per test run.
func countyBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cunzhan-county")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

var consoleLine = regexp.MustCompile(`县级中心控制台：(https://\S+/)`)

// serveCounty starts `serve` on a free port for the county where names
// (--data FILE or --db URL) and returns the console's URL.
func serveCounty(t *testing.T, bin string, where []string, extra ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append(append(append([]string(nil), where...), "serve", "--addr", "127.0.0.1:0"), extra...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "serve.log")
	logf, _ := os.Create(logPath)
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
		logf.Close()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := consoleLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(30 * time.Second):
		log, _ := os.ReadFile(logPath)
		t.Fatalf("serve did not start:\n%s", log)
	}
	return ""
}

// browser is one headless Chromium with a tab.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	shot string // directory for screenshots
}

func newBrowser(t *testing.T, exe, base string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.IgnoreCertErrors,
		chromedp.WindowSize(1366, 900), chromedp.Flag("lang", "zh-CN"), chromedp.DisableGPU)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	shots := os.Getenv("CUNZHAN_ARTEFACTS")
	if shots == "" {
		shots = t.TempDir()
	}
	dir := filepath.Join(shots, "console")
	os.MkdirAll(dir, 0o755)
	return &browser{t: t, ctx: ctx, base: strings.TrimSuffix(base, "/"), shot: dir}
}

// in is the browser reporting to a subtest's t.
func (b *browser) in(t *testing.T) *browser {
	c := *b
	c.t = t
	return &c
}

// front makes this tab the one shown: a hidden tab gets no frames, and a
// screenshot waits for one.
func (b *browser) front() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, page.BringToFront, cdp.Empty{}); err != nil {
		b.t.Fatalf("bring to front: %v", err)
	}
}

// run does steps in order, failing the test at the first error.
func (b *browser) run(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// get runs one action that reads something.
func get[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	return v
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(get(b, chromedp.Text(chromedp.CSS(sel))))
}

func (b *browser) body() string { return b.text("body") }

func (b *browser) url() string {
	return get(b, chromedp.Location())
}

// photo saves a full-page screenshot under name.
func (b *browser) photo(name string) {
	b.t.Helper()
	b.front()
	png := get(b, chromedp.FullScreenshot(90))
	if err := os.WriteFile(filepath.Join(b.shot, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// submit clicks a button that sends a form and waits for the page that
// answers it to load.
func (b *browser) submit(sel chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	get(b, chromedp.WaitEvent(page.LoadEventFired, nil, sel))
}

func (b *browser) login(name, pw string) {
	b.t.Helper()
	b.open("/login")
	b.run(chromedp.SetValue(chromedp.CSS("#name"), name), chromedp.SetValue(chromedp.CSS("#password"), pw))
	b.submit(chromedp.Click(chromedp.CSS("#login")))
}

func (b *browser) logout() {
	b.t.Helper()
	b.submit(chromedp.Click(chromedp.CSS("#logout")))
}

// fetched is a response read by the page's own fetch (the session's
// cookie, as a download link would send it).
type fetched struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Disp   string `json:"disp"`
	Body   string `json:"body"` // base64
	bytes  []byte
}

func (b *browser) fetch(method, path, form string) fetched {
	b.t.Helper()
	js := `(async () => {
	  const opt = {method: ` + jsString(method) + `, credentials: "same-origin"};
	  if (` + jsString(form) + ` !== "") { opt.body = new URLSearchParams(` + jsString(form) + `); }
	  const r = await fetch(` + jsString(path) + `, opt);
	  const b = new Uint8Array(await r.arrayBuffer());
	  let s = ""; for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
	  return {status: r.status, type: r.headers.get("content-type") || "", disp: r.headers.get("content-disposition") || "", body: btoa(s)};
	})()`
	f := get(b, chromedp.Evaluate[fetched](js, chromedp.EvalAwaitPromise))
	f.bytes, _ = base64.StdEncoding.DecodeString(f.Body)
	return f
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "<", `\x3c`)
	return `"` + r.Replace(s) + `"`
}

// csrf is the page's form token.
func (b *browser) csrf() string {
	return get(b, chromedp.Value(chromedp.CSS(`input[name="csrf"]`)))
}
