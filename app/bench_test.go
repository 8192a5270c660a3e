package app

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/cunzhan/cunzhan/app/print"
	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
)

// big100k is a database of 100,000 people (the §8 set scaled up), made once
// per benchmark run.
var (
	bigOnce sync.Once
	bigPath string
	bigErr  error
)

func big100k(b *testing.B) string {
	b.Helper()
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cunzhan-app-bench")
		if err != nil {
			bigErr = err
			return
		}
		bigPath = filepath.Join(dir, "big.db")
		_, bigErr = demo.Generate(bigPath, demo.Options{Seed: 1, People: 100_000, Store: &store.Options{RegistryDir: "-"}})
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigPath
}

// openUI opens the window on a database as the program does: open the
// file, build the window, draw it once.
func openUI(b *testing.B, path string, a fyne.App, async func(func())) (*UI, *store.Store) {
	st, err := store.Open(path, &store.Options{RegistryDir: "-", Now: func() time.Time { return demo.AsOf }})
	if err != nil {
		b.Fatal(err)
	}
	// Closed however the benchmark ends, so that a failure does not leave
	// the file locked for the next one (closing twice is harmless).
	b.Cleanup(func() { st.Close() })
	if err := demo.Login(st); err != nil { // the data is sealed until an operator logs in
		b.Fatal(err)
	}
	w := a.NewWindow("村站")
	w.Resize(fyne.NewSize(1280, 800))
	u := New(a, w, st, Options{Async: async, Now: func() time.Time { return demo.AsOf }, Operator: "测试员"})
	w.Canvas().(test.WindowlessCanvas).Capture()
	return u, st
}

// Start to first frame with 100,000 people: open the file, build the
// window, draw it. The dashboard's figures load in the background after
// the first frame and are measured separately below.
func BenchmarkStartupFirstFrame100k(b *testing.B) {
	path := big100k(b)
	a := test.NewTempApp(b)
	a.Settings().SetTheme(Theme())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u, st := openUI(b, path, a, func(func()) {})
		u.win.Close()
		st.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/start")
}

// The same with the dashboard's figures computed before the frame: the
// time until the home screen is complete.
func BenchmarkStartupDashboard100k(b *testing.B) {
	path := big100k(b)
	a := test.NewTempApp(b)
	a.Settings().SetTheme(Theme())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u, st := openUI(b, path, a, func(f func()) { f() })
		if u.home.loaded == 0 {
			b.Fatal("dashboard not loaded: " + u.home.total.Text)
		}
		u.win.Close()
		st.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/start")
}

// Keystroke to search result over 100,000 people: one character typed in
// the register's search box until the list holds the new rows.
func BenchmarkKeystrokeSearch100k(b *testing.B) {
	path := big100k(b)
	a := test.NewTempApp(b)
	a.Settings().SetTheme(Theme())
	u, st := openUI(b, path, a, func(f func()) { f() })
	defer st.Close()
	u.show(u.screenIndex(u.visits))
	box := u.visits.regSearch
	queries := []string{"王秀", "wxl", "林建", "zh", "刘"}
	if err := st.PreloadSearch(); err != nil { // as the window does after its first frame
		b.Fatal(err)
	}
	keys := 0
	cpu := 0.0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		b.StopTimer()
		box.entry.SetText("")
		b.StartTimer()
		c := cpuSeconds()
		for _, r := range q {
			test.Type(box.entry, string(r))
			keys++
			_ = u.visits.regList.cell(0, 0) // the first row is read as it is drawn
		}
		cpu += cpuSeconds() - c
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(keys), "ms/key")
	b.ReportMetric(cpu*1000/float64(keys), "cpu-ms/key")
}

// Keystroke to result in the print screen's record picker over 100,000
// people: 打印 → B2 (a visit) or A2 (an admission) → 选择…, then a name
// ("李"), pinyin initials ("ljx") or an ID number typed one character at a
// time, until the list holds the new rows and has read the rows it sizes
// its columns by. The ID number is that of an elder with a visit or an
// admission; its first 17 keystrokes are fragments that find nothing.
func BenchmarkPrintPicker100k(b *testing.B) {
	path := big100k(b)
	a := test.NewTempApp(b)
	a.Settings().SetTheme(Theme())
	u, st := openUI(b, path, a, func(f func()) { f() })
	defer st.Close()
	if err := st.PreloadSearch(); err != nil {
		b.Fatal(err)
	}
	for _, form := range []struct {
		code string
		kind store.Kind
	}{{"B2", store.KindVisit}, {"A2", store.KindAdmission}} {
		var idNo string
		st.View(func(r *store.Reader) error {
			ids, _, _ := r.SearchKind(form.kind, "", "", 1)
			if len(ids) > 0 {
				if e, _ := r.Live(ids[0], form.kind); e != nil {
					if p := r.OwnerPerson(e); p != nil {
						idNo = p.IDNumber
					}
				}
			}
			return nil
		})
		if idNo == "" {
			b.Fatalf("no %s with a person to look up", form.kind)
		}
		for _, q := range []struct{ name, text string }{{"name", "李"}, {"initials", "ljx"}, {"id", idNo}} {
			b.Run(form.code+"/"+q.name, func(b *testing.B) {
				u.show(u.screenIndex(u.prints))
				for i, it := range print.Catalog {
					if it.Code == form.code {
						u.prints.list.Select(i)
					}
				}
				p := u.prints.picker
				test.Tap(p.choose)
				keys := 0
				cpu := 0.0
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					p.box.entry.SetText("")
					b.StartTimer()
					c := cpuSeconds()
					for _, r := range q.text {
						test.Type(p.box.entry, string(r))
						keys++
						_ = p.list.cell(0, 0)
					}
					cpu += cpuSeconds() - c
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(keys), "ms/key")
				b.ReportMetric(cpu*1000/float64(keys), "cpu-ms/key")
				if q.name == "id" && len(p.list.ids) == 0 {
					b.Errorf("%s: the ID number found nothing", form.code)
				}
				p.dlg.Hide()
			})
		}
	}
}

// Resident memory with 100,000 people: a fresh process opens the file and
// the window with the dashboard, then reports its resident set size.
func BenchmarkResidentMemory100k(b *testing.B) {
	path := big100k(b)
	var rss float64
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRSSChild$", "-test.v")
		cmd.Env = append(os.Environ(), "CUNZHAN_RSS_DB="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "RSS_KB "); ok {
				kb, _ := strconv.ParseFloat(v, 64)
				rss = kb / 1024
			}
		}
	}
	if rss == 0 {
		b.Fatal("the child reported no RSS")
	}
	b.ReportMetric(rss, "MB-rss")
}

// TestRSSChild is the child process of BenchmarkResidentMemory100k; it does
// nothing unless asked.
func TestRSSChild(t *testing.T) {
	path := os.Getenv("CUNZHAN_RSS_DB")
	if path == "" {
		return
	}
	TuneMemory()
	a := test.NewTempApp(t)
	test.ApplyTheme(t, Theme())
	st, err := store.Open(path, &store.Options{RegistryDir: "-", ReadOnly: true, Now: func() time.Time { return demo.AsOf }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := demo.Login(st); err != nil {
		t.Fatal(err)
	}
	w := a.NewWindow("村站")
	w.Resize(fyne.NewSize(1280, 800))
	u := New(a, w, st, Options{Sync: true, Now: func() time.Time { return demo.AsOf }})
	w.Canvas().(test.WindowlessCanvas).Capture()
	u.show(u.screenIndex(u.visits))
	test.Type(u.visits.regSearch.entry, "王")
	w.Canvas().(test.WindowlessCanvas).Capture()
	fmt.Println("RSS_KB", rssKB())
	if os.Getenv("CUNZHAN_RSS_DETAIL") != "" {
		b, _ := os.ReadFile("/proc/self/status")
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "Rss") {
				fmt.Println(line)
			}
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Printf("heap inuse %d MB, sys %d MB, total alloc %d MB\n", m.HeapInuse>>20, m.Sys>>20, m.TotalAlloc>>20)
		if p := os.Getenv("CUNZHAN_RSS_HEAPPROF"); p != "" {
			runtime.GC()
			f, _ := os.Create(p)
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
}

// cpuSeconds is the CPU time this process has used, all threads, user and
// system (Linux; 0 elsewhere), in steps of 10 ms: on a machine shared with
// other work the wall clock of a keystroke stretches, its CPU time does
// not.
func cpuSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / 100
}

func rssKB() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "0"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strings.TrimSuffix(strings.TrimSpace(v), " kB")
		}
	}
	return "0"
}
