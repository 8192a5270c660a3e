package sync

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestCountyMemoryRefusingHostileBundles measures the real county server
// (the cunzhan-county binary): its resident memory at rest, then its peak
// (VmHWM) after three bundles declaring 256 MiB and three carrying 16 MiB
// of garbage, each signed by a real station key and posted at once. It is
// a measurement for BENCHMARKS.md (make bench), not a pass/fail timing.
func TestCountyMemoryRefusingHostileBundles(t *testing.T) {
	if os.Getenv("CUNZHAN_BENCH") == "" {
		t.Skip("make bench runs it (CUNZHAN_BENCH=1)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cunzhan-county")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/cunzhan-county").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "county.db")
	run := func(args ...string) {
		if out, err := exec.Command(bin, append([]string{"--data", db}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	run("init", "--county", "130131", "--name", "平山县级中心")
	cred := filepath.Join(dir, "jia.cred")
	run("enroll", "--scope", "130131190201", "--name", "甲村服务点", "--out", cred)
	b, _ := os.ReadFile(cred)
	c, err := ParseCredential(b)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	srv := exec.Command(bin, "--data", db, "serve", "--addr", addr)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	for i := 0; i < 100; i++ {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	idle := procKB(t, srv.Process.Pid, "VmRSS")
	lim := Limits{}.withDefaults()
	hostile := func(declared int, plain []byte) []byte {
		h := &Header{ID: uuid.NewString(), From: c.Station.ID, To: c.County.Keys.ID, Have: map[string]uint64{}, BodyBytes: declared, Entries: 1}
		out, err := sealBody(h, plain, &c.Keys, c.County.Keys)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	bundles := [][]byte{
		hostile(256<<20, make([]byte, 256<<20)), hostile(256<<20, make([]byte, 256<<20)), hostile(256<<20, make([]byte, 256<<20)),
		hostile(lim.MaxBody, bytes.Repeat([]byte{0xff}, lim.MaxBody)), hostile(lim.MaxBody, bytes.Repeat([]byte{0xfe}, lim.MaxBody)), hostile(lim.MaxBody, bytes.Repeat([]byte{0xfd}, lim.MaxBody)),
	}
	var wg sync.WaitGroup
	codes := make([]int, len(bundles))
	for i, bb := range bundles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post("http://"+addr+"/v1/bundle", "application/octet-stream", bytes.NewReader(bb))
			if err == nil {
				codes[i] = resp.StatusCode
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	peak := procKB(t, srv.Process.Pid, "VmHWM")
	t.Logf("county server: %.1f MB at rest, peak %.1f MB refusing 6 hostile bundles at once (%.1f MB above rest); answers %v",
		float64(idle)/1024, float64(peak)/1024, float64(peak-idle)/1024, codes)
	for _, code := range codes {
		if code == http.StatusOK {
			t.Error("a hostile bundle was accepted")
		}
	}
}

// procKB reads a memory line of /proc/PID/status, in kB.
func procKB(t *testing.T, pid int, key string) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key+":") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", key, pid)
	return 0
}
