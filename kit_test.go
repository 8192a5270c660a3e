package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store/demo"
)

// The real binaries, built once per test run (the station's with cgo and
// the window toolkit, the county's without), run as separate processes by
// the multi-process tests.
var built struct {
	sync.Once
	bin, county string
	err         error
}

// TestMain removes the binaries built for the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.bin != "" {
		os.RemoveAll(filepath.Dir(built.bin))
	}
	os.Exit(code)
}

// needBinaries skips a test of the real binaries unless asked for: make
// test sets CUNZHAN_SOAK=1.
func needBinaries(t *testing.T) {
	if os.Getenv("CUNZHAN_SOAK") == "" && os.Getenv("CUNZHAN_SOAK_ROUNDS") == "" {
		t.Skip("tests of the real binaries: make test runs them (CUNZHAN_SOAK=1)")
	}
}

// kit builds the two binaries once and runs them.
type kit struct {
	t                   *testing.T
	dir, bin, countyBin string
	countyDB, url       string
	// countyLoc names the county's store on the county command line:
	// --data countyDB, or --db and a PostgreSQL connection string.
	countyLoc []string
	addr      string
	server    *exec.Cmd
	serverLog *bytes.Buffer
	env       []string
	envOf     map[string][]string // per database file, after env
	killed    atomic.Int32
}

func newKit(t *testing.T) *kit {
	t.Helper()
	k := &kit{t: t, dir: t.TempDir(), envOf: map[string][]string{}}
	built.Do(func() {
		dir, err := os.MkdirTemp("", "cunzhan-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.bin, built.county = filepath.Join(dir, "cunzhan"), filepath.Join(dir, "cunzhan-county")
		for _, b := range [][2]string{{built.bin, "."}, {built.county, "./sync/cmd/cunzhan-county"}} {
			if out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput(); err != nil {
				built.err = fmt.Errorf("build %s: %v\n%s", b[1], err, out)
				return
			}
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	k.bin, k.countyBin = built.bin, built.county
	k.countyDB = filepath.Join(k.dir, "county.db")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	k.addr = l.Addr().String()
	l.Close()
	k.url = "http://" + k.addr
	// Every process sees its own config dir: the registry of issued
	// numbers lives there, as on a real machine.
	k.env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(k.dir, "config"), "HOME="+k.dir)
	// Every station command is run by the demo file's 负责人, who also
	// sets up the new stations (newStation).
	k.env = append(k.env, "CUNZHAN_OPERATOR="+demo.HeadName, "CUNZHAN_PASSWORD="+demo.HeadPassword)
	return k
}

// newStation sets up a new station file, as its first 负责人 does.
func (k *kit) newStation(db string) string {
	k.station(db, "operator", "setup", "--name", demo.HeadName).ok(k.t)
	return db
}

// proc is one run of a binary.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	k              *kit
	done           chan int
}

func (k *kit) run(bin, stdin string, args ...string) *proc {
	p := &proc{k: k, done: make(chan int, 1)}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = k.env
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if stdin != "" {
		p.cmd.Stdin = strings.NewReader(stdin)
	}
	return p
}

func (k *kit) county(args ...string) *proc {
	loc := k.countyLoc
	if loc == nil {
		loc = []string{"--data", k.countyDB}
	}
	return k.run(k.countyBin, "", append(append(loc, "--server", k.url), args...)...)
}

func (k *kit) station(db string, args ...string) *proc {
	return k.stationIn(db, "", args...)
}

func (k *kit) stationIn(db, stdin string, args ...string) *proc {
	p := k.run(k.bin, stdin, append([]string{"--data", db, "--format", "json"}, args...)...)
	p.cmd.Env = append(append([]string(nil), k.env...), k.envOf[db]...)
	return p
}

func (p *proc) start() *proc {
	if err := p.cmd.Start(); err != nil {
		p.k.t.Fatalf("start %v: %v", p.cmd.Args, err)
	}
	go func() {
		err := p.cmd.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			code = -1
		}
		p.done <- code
	}()
	return p
}

// killAfter starts the process and SIGKILLs it after d (if it still runs).
func (p *proc) killAfter(d time.Duration) {
	p.start()
	go func() {
		time.Sleep(d)
		if p.cmd.Process.Signal(syscall.SIGKILL) == nil {
			p.k.killed.Add(1)
		}
	}()
}

// wait runs the process if it was not started and returns its status.
func (p *proc) wait() int {
	if p.cmd.Process == nil {
		p.start()
	}
	return <-p.done
}

// ok runs the process, fails the test unless it succeeds, and returns its
// output.
func (p *proc) ok(t *testing.T) []byte {
	t.Helper()
	if code := p.wait(); code != 0 {
		t.Fatalf("%v: status %d\n%s%s", p.cmd.Args[1:], code, p.stdout.String(), p.stderr.String())
	}
	return p.stdout.Bytes()
}

// field reads a top-level string field of the JSON output.
func (p *proc) field(name string) string {
	var m map[string]any
	if json.Unmarshal(p.stdout.Bytes(), &m) != nil {
		return ""
	}
	s, _ := m[name].(string)
	return s
}

func (k *kit) startCounty(t *testing.T) {
	t.Helper()
	p := k.county("serve", "--addr", k.addr)
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	k.server, k.serverLog = p.cmd, &p.stderr
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", k.addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("county server did not start: %s", p.stderr.String())
}

func (k *kit) killCounty() {
	if k.server != nil {
		k.server.Process.Signal(syscall.SIGKILL)
		k.server.Wait()
		k.server = nil
		k.killed.Add(1)
	}
}

func (k *kit) stopCounty() {
	if k.server != nil {
		k.server.Process.Signal(syscall.SIGTERM)
		k.server.Wait()
		k.server = nil
	}
}
