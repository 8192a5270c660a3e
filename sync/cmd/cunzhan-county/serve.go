package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	czsync "github.com/cunzhan/cunzhan/sync"
	"github.com/cunzhan/cunzhan/sync/console"
)

// serve answers the stations and the console on one address: TLS and plain
// HTTP are told apart by a connection's first byte, so stations enrolled
// with an http:// address keep syncing, while browsers are sent to https://.
func (a *app) serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8787", "监听地址")
	certFile := fs.String("cert", "", "县级中心自备的证书（PEM）；不填则用初始化时生成的证书")
	keyFile := fs.String("key", "", "证书私钥（PEM）")
	idle := fs.Duration("idle", 30*time.Minute, "控制台无操作多久后自动退出登录")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	if (*certFile == "") != (*keyFile == "") {
		return usage("--cert 与 --key 须同时给出")
	}
	s, n, err := a.open()
	if err != nil {
		return err
	}
	defer s.Close()
	// The demo county shows the month its data set describes, as the demo
	// station does; its saves keep the real time.
	var today func() store.Date
	isDemo := demo.IsDemo(s)
	if isDemo {
		clock := demoClock()
		today = func() store.Date { return store.DateOf(clock().In(store.ChinaTZ)) }
	}
	log := slog.New(slog.NewTextHandler(a.stderr, nil))
	var cert tls.Certificate
	var fp string
	if *certFile != "" {
		cert, fp, err = czsync.LoadCertificate(*certFile, *keyFile)
	} else {
		cert, fp, err = n.Certificate()
	}
	if err != nil {
		return err
	}
	if err := n.ServeTLS(cert); err != nil {
		return err
	}
	// A file is held by this process alone, so the management commands
	// reach it through the server, with a token written beside the file.
	// A database is open to every process: they go to it directly, and
	// the server's management routes stay shut.
	token := ""
	if a.db == "" {
		tokenPath := czsync.AdminTokenPath(a.data)
		if token, err = czsync.NewAdminToken(tokenPath); err != nil {
			return &store.Error{Code: store.CodeIO, Message: "无法写入管理口令文件 " + tokenPath, Err: err}
		}
		defer os.Remove(tokenPath)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &store.Error{Code: "LISTEN", Message: "无法在 " + *addr + " 上提供服务：" + err.Error()}
	}
	public := publicURL(ln.Addr().String())
	con, err := console.New(n, console.Options{Idle: *idle, Fingerprint: fp, Log: log, AdminToken: token, Today: today})
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           con.Handler(n.Handler(log, token)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(czsync.MixedListener(ln, czsync.TLSConfig(cert))) }()
	log.Info("county server listening", "addr", ln.Addr().String(), "county", s.Station().Code, "console", public, "fingerprint", fp)
	if isDemo {
		fmt.Fprintf(a.stdout, "演示数据，演示账号（密码均为 %s）：admin 县级管理员、xian 县级工作人员、shili 示例镇乡镇工作人员、shenji 审计员\n", DemoPassword)
	}
	fmt.Fprintf(a.stdout, "县级中心控制台：%s\n证书指纹（SHA-256）：%s\n", public, fp)
	if err := s.BackupProblem(); err != nil {
		log.Error("automatic backup failed", "code", store.CodeOf(err), "message", store.MessageOf(err))
	}
	if h, err := con.Audit().Head(); err == nil {
		log.Info("audit log head", "entries", h.Seq, "hash", h.Hash)
	}
	// The day's automatic copy of the county's file, while it serves for
	// weeks (the first is taken as the file opens), and the audit log's
	// head in the server's own log, for a later comparison.
	daily := time.NewTicker(time.Hour)
	defer daily.Stop()
wait:
	for {
		select {
		case err := <-errc:
			return &store.Error{Code: "LISTEN", Message: "无法在 " + *addr + " 上提供服务：" + err.Error()}
		case <-ctx.Done():
			break wait
		case <-daily.C:
			if err := s.BackupIfDue(); err != nil {
				log.Error("automatic backup failed", "code", store.CodeOf(err), "message", store.MessageOf(err))
			}
			if h, err := con.Audit().Head(); err == nil {
				log.Info("audit log head", "entries", h.Seq, "hash", h.Hash)
			}
		}
	}
	log.Info("shutting down")
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}

// publicURL is the console's address as staff type it: a wildcard listen
// address is named by this machine's first non-loopback address.
func publicURL(listen string) string {
	host, port, _ := net.SplitHostPort(listen)
	ip := net.ParseIP(host)
	if ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() {
					host = ipn.IP.String()
					break
				}
			}
		}
	}
	return "https://" + net.JoinHostPort(host, port) + "/"
}

// demoClock runs from demo.AsOf at the speed of the wall clock.
func demoClock() func() time.Time {
	start := time.Now()
	return func() time.Time { return demo.AsOf.Add(time.Since(start)) }
}
