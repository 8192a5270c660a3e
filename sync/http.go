package sync

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
)

// Stages of a sync, as the window shows them.
const (
	StagePack   = "打包"
	StageSend   = "上传"
	StageApply  = "写入"
	StageRetry  = "重试"
	StageDone   = "完成"
	StageFailed = "失败"
)

// Progress is reported during a sync.
type Progress struct {
	Stage          string `json:"stage"`
	Round          int    `json:"round"`
	BytesSent      int64  `json:"bytes_sent"`
	BytesReceived  int64  `json:"bytes_received"`
	EntriesSent    int    `json:"entries_sent"`
	ChangesApplied int    `json:"changes_applied"`
	Message        string `json:"message"`
}

// SyncResult is the outcome of a whole sync.
type SyncResult struct {
	Progress
	Received  Result   `json:"received"`
	Conflicts int      `json:"conflicts"`
	Warnings  []string `json:"warnings,omitempty"`
	Alarms    []string `json:"alarms,omitempty"`
	// ChecksumsMatch says, when the sync ended with both sides holding the
	// same changes, whether the per-scope checksums agreed.
	ChecksumsMatch *bool `json:"checksums_match,omitempty"`
	// MovedTo is the HTTPS address the station syncs with from now on,
	// when the county offered it in this sync.
	MovedTo string `json:"moved_to,omitempty"`
}

// Summary says in plain words what a sync did.
func (s *SyncResult) Summary() string {
	msg := fmt.Sprintf("同步完成：发出%d条，收到%d条（新增%d条）", s.EntriesSent, s.Received.Entries, s.Received.Applied)
	if s.Conflicts > 0 {
		msg += fmt.Sprintf("，%d处并发修改待审核", s.Conflicts)
	}
	if s.MovedTo != "" {
		msg += "；县级中心已启用加密连接，此后经 " + s.MovedTo + " 同步"
	}
	for _, a := range s.Alarms {
		msg += "\n！" + a
	}
	return msg
}

// Client sends bundles to the county server.
type Client struct {
	HTTP    *http.Client
	Retries int           // attempts per round on network errors (default 3)
	Backoff time.Duration // first pause between attempts, doubled each time (default 1s)
}

func (c *Client) defaults() *Client {
	out := *c
	if out.HTTP == nil {
		out.HTTP = &http.Client{Timeout: 5 * time.Minute}
	}
	if out.Retries == 0 {
		out.Retries = 3
	}
	if out.Backoff == 0 {
		out.Backoff = time.Second
	}
	return &out
}

// Sync exchanges bundles with the county server until neither side has more:
// each round posts what the county lacks and applies the reply. A broken
// connection is retried (a bundle may arrive twice; that is harmless); a
// sync that fails part-way resumes from the acknowledgements next time.
func (n *Node) Sync(ctx context.Context, server string, c *Client, progress func(Progress)) (*SyncResult, error) {
	if n.role != RoleStation {
		return nil, fail("NOT_STATION", "只有站点向县级中心同步")
	}
	if server == "" {
		server = n.server
	}
	if server == "" {
		return nil, fail(CodeNetwork, "没有县级中心的地址：请用 --server 指定")
	}
	if c == nil {
		c = &Client{}
	}
	if c.HTTP == nil && strings.HasPrefix(server, "https://") && n.pin != "" {
		cc := *c
		cc.HTTP = pinnedClient(n.pin, 5*time.Minute)
		c = &cc
	}
	c = c.defaults()
	url := strings.TrimRight(server, "/") + "/v1/bundle"
	res := &SyncResult{}
	report := func(stage, msg string) {
		res.Stage, res.Message = stage, msg
		if progress != nil {
			progress(res.Progress)
		}
	}
	var auditHeld uint64
	for round := 1; ; round++ {
		res.Round = round
		report(StagePack, "正在准备要发送的数据")
		out, err := n.Outgoing(n.CountyID(), 1)
		if err != nil {
			report(StageFailed, store.MessageOf(err))
			return res, err
		}
		env, _ := parseEnvelope(out[0], n.limits)
		res.EntriesSent += env.h.Entries
		report(StageSend, fmt.Sprintf("正在发送（%d字节）", len(out[0])))
		reply, err := c.post(ctx, url, out[0], func(attempt int, err error) {
			report(StageRetry, fmt.Sprintf("网络中断，第%d次重试：%s", attempt, plainNetError(err)))
		})
		if err != nil {
			report(StageFailed, store.MessageOf(err))
			return res, err
		}
		res.BytesSent += int64(len(out[0]))
		res.BytesReceived += int64(len(reply))
		report(StageApply, fmt.Sprintf("正在写入收到的数据（%d字节）", len(reply)))
		r, err := n.Import(reply)
		if err != nil {
			report(StageFailed, store.MessageOf(err))
			return res, err
		}
		if r.movedTo != nil {
			// Kept in the station's file by the import; used from the
			// next sync on.
			n.server, n.pin = r.movedTo.URL, r.movedTo.Pin
			res.MovedTo = r.movedTo.URL
		}
		res.ChangesApplied += r.Applied
		res.Received.Entries += r.Entries
		res.Received.Applied += r.Applied
		res.Received.Duplicate += r.Duplicate
		res.Received.Queued += r.Queued
		res.Conflicts += len(r.Conflicts)
		res.Warnings = append(res.Warnings, r.Warnings...)
		res.Alarms = append(res.Alarms, r.Alarms...)
		res.ChecksumsMatch = r.ChecksumsMatch
		// After a repair the moved changes still have to go up; so does
		// the rest of a long audit log, as long as the county takes it.
		// (An exchange that sent some and moved the county's count on
		// nothing stops: the county does not take them.)
		moreAudit := r.auditBehind && (env.h.AuditEntries == 0 || r.auditHeld > auditHeld)
		auditHeld = r.auditHeld
		if !env.h.More && !r.More && !r.Repaired && !moreAudit {
			break
		}
		if round >= 10000 {
			return res, fail(CodeServer, "同步轮次过多，已停止")
		}
	}
	report(StageDone, res.Summary())
	return res, nil
}

// post sends one bundle, retrying on network errors.
func (c *Client) post(ctx context.Context, url string, body []byte, retry func(int, error)) ([]byte, error) {
	var last error
	pause := c.Backoff
	for attempt := 1; attempt <= c.Retries; attempt++ {
		if attempt > 1 {
			retry(attempt-1, last)
			select {
			case <-ctx.Done():
				return nil, fail(CodeNetwork, "同步已取消")
			case <-time.After(pause):
			}
			pause *= 2
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, fail(CodeNetwork, "县级中心地址不正确："+err.Error())
		}
		req.Header.Set("Content-Type", "application/octet-stream")
		resp, err := c.HTTP.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fail(CodeNetwork, "同步已取消")
			}
			var se *store.Error
			if errors.As(err, &se) && se.Code == CodeCert {
				// Not the network: the server is not the county this
				// station was enrolled with. Trying again will not help.
				return nil, se
			}
			last = err
			continue
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			last = err
			continue
		}
		if resp.StatusCode != http.StatusOK {
			err := serverError(resp.StatusCode, data)
			if store.CodeOf(err) == CodeServer && resp.StatusCode >= 500 {
				last = serverTrouble(store.MessageOf(err))
				continue
			}
			return nil, err
		}
		return data, nil
	}
	if t, ok := last.(serverTrouble); ok {
		// The server answered, but could not do it (busy, its database
		// down): not the village's network.
		return nil, fail(CodeServer, string(t)+"。本站数据没有丢失，稍后再同步即可，也可以用U盘导出同步文件")
	}
	return nil, fail(CodeNetwork, "连不上县级中心："+plainNetError(last)+"。数据没有丢失，网络恢复后再同步即可，也可以用U盘导出同步文件")
}

// serverTrouble is the county server's own account of why it could not
// take a bundle just now.
type serverTrouble string

func (t serverTrouble) Error() string { return string(t) }

// serverError turns a refusal from the county server ({"code", "message"})
// into an error with the same code.
func serverError(status int, body []byte) error {
	var e struct{ Code, Message string }
	if json.Unmarshal(body, &e) == nil && e.Code != "" {
		return fail(e.Code, "县级中心拒绝："+e.Message)
	}
	return failf(CodeServer, "县级中心返回错误（%d）", status)
}

func plainNetError(err error) string {
	if err == nil {
		return "未知错误"
	}
	s := err.Error()
	switch {
	case strings.Contains(s, "connection refused"):
		return "对方没有响应（服务未启动或地址错误）"
	case strings.Contains(s, "no such host"):
		return "找不到县级中心的地址"
	case strings.Contains(s, "timeout"), strings.Contains(s, "deadline"):
		return "网络超时"
	case strings.Contains(s, "reset"), strings.Contains(s, "EOF"), strings.Contains(s, "broken pipe"):
		return "连接中断"
	}
	return "网络错误"
}

// importSlots is how many bundles the county imports at once; busyWait is
// how long a station's request waits for a slot before it is told to come
// back (its client retries).
const (
	importSlots = 2
	busyWait    = 60 * time.Second
)

// Handler is the county server's HTTP interface: POST /v1/bundle takes a
// station's bundle and answers with the reply bundle; GET /healthz says the
// server is up. Logs name stations and counts, never personal data.
//
// adminToken guards the administration endpoints (see admin.go); "" turns
// them off.
func (n *Node) Handler(log *slog.Logger, adminToken string) http.Handler {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	mux := http.NewServeMux()
	slots := make(chan struct{}, importSlots)
	build := &builder{s: n.s, log: log}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"status": "ok", "county": n.county.Code, "format": FormatVersion})
	})
	mux.HandleFunc("POST /v1/bundle", stationOnly(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		body, err := ReadBundle(r.Body, n.limits)
		if err != nil {
			status := http.StatusBadRequest
			if store.CodeOf(err) == CodeTooLarge {
				status = http.StatusRequestEntityTooLarge
			}
			log.Warn("bundle refused", "code", store.CodeOf(err), "remote", r.RemoteAddr)
			writeError(w, status, err)
			return
		}
		// A few imports at a time: each holds its decoded entries in
		// memory, and 200 stations may call at once. The slot is taken
		// after the bundle is read (within the limits), so that slow
		// uploads over a village's 2G link do not hold it.
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		case <-time.After(busyWait):
			writeError(w, http.StatusServiceUnavailable, fail(CodeServer, "县级中心正忙，稍后会自动重试"))
			return
		case <-r.Context().Done():
			return
		}
		res, err := n.Import(body)
		if err != nil {
			status := http.StatusBadRequest
			switch store.CodeOf(err) {
			case store.CodeDBError:
				// The county's database is down or unreachable: nothing
				// was taken, and the station tries again later. The
				// details are for the county's log, not the station.
				log.Error("database unavailable", "message", store.MessageOf(err))
				err, status = fail(CodeServer, "县级中心的数据库暂时无法使用"), http.StatusServiceUnavailable
			case CodeUnknownSender, CodeRevoked, CodeSignature, CodeWrongTo, CodeScope, CodeOrigin:
				status = http.StatusForbidden
			case CodeTooLarge:
				status = http.StatusRequestEntityTooLarge
			case CodeServer:
				status = http.StatusServiceUnavailable // come back later
			case store.CodeDiskFull, store.CodeIO, "INTERNAL":
				status = http.StatusInternalServerError
			}
			log.Warn("bundle refused", "code", store.CodeOf(err), "bytes", len(body), "remote", r.RemoteAddr)
			writeError(w, status, err)
			return
		}
		if res.Applied > 0 {
			build.imported()
		}
		// A station online takes one reply per round; a bundle carried on a
		// stick (imported through the county's own command line while the
		// server runs) wants every part at once.
		parts := 1
		if r.URL.Query().Get("parts") == "all" {
			parts = 0
		}
		// A station of this program reaching the county over plain HTTP
		// is offered HTTPS on the same address, inside the signed reply.
		peer, _ := n.Peer(res.From)
		var offer *TLSOffer
		if r.TLS == nil {
			offer = n.offerFor(peer, r.Host)
		}
		out, err := n.outgoing(res.From, parts, offer)
		if err != nil {
			log.Error("reply failed", "code", store.CodeOf(err))
			writeError(w, http.StatusInternalServerError, err)
			return
		}
		code := ""
		if peer != nil {
			code = peer.Code
		}
		// Fields left for review are counted when the county builds
		// ("built" below), not here.
		log.Info("bundle", "station", code, "in", res.Entries, "applied", res.Applied, "queued", res.Queued,
			"reply_bytes", len(out[0]), "ms", time.Since(start).Milliseconds())
		w.Header().Set("Content-Type", "application/octet-stream")
		if parts == 0 {
			w.Header().Set("X-Cunzhan-Name", n.county.Code+"_to_"+code)
			w.Write(packParts(out))
			return
		}
		w.Write(out[0])
	}))
	// Administration from the county machine itself while the server holds
	// the database.
	admin := func(h http.HandlerFunc) http.HandlerFunc { return admin(adminToken, h) }
	mux.HandleFunc("GET /v1/admin/stations", admin(func(w http.ResponseWriter, r *http.Request) {
		list, err := n.Stations()
		if err != nil {
			writeError(w, http.StatusInternalServerError, err)
			return
		}
		writeJSON(w, list)
	}))
	mux.HandleFunc("POST /v1/admin/enroll", admin(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Scope, Name, Server string }
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, fail(store.CodeBadRequest, "请求格式不正确"))
			return
		}
		cred, err := n.EnrolStation(req.Scope, req.Name, req.Server)
		if err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		if err := n.LogAdmin(audit.Enrol, cred.Station.Code, cred.Station.Scope, cred.Station.Name); err != nil {
			log.Error("audit log write failed", "code", store.CodeOf(err))
		}
		log.Info("station enrolled", "station", cred.Station.Code)
		writeJSON(w, cred)
	}))
	mux.HandleFunc("POST /v1/admin/revoke", admin(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Station string }
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, fail(store.CodeBadRequest, "请求格式不正确"))
			return
		}
		p, err := n.Revoke(req.Station)
		if err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		if err := n.LogAdmin(audit.Revoke, p.Code, p.Scope, p.Name); err != nil {
			log.Error("audit log write failed", "code", store.CodeOf(err))
		}
		log.Info("station revoked", "station", p.Code)
		writeJSON(w, p)
	}))
	mux.HandleFunc("POST /v1/admin/recovery", admin(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Station string }
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, fail(store.CodeBadRequest, "请求格式不正确"))
			return
		}
		file, code, err := n.IssueRecovery(req.Station, "命令行")
		if err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		log.Info("recovery file issued", "station", req.Station)
		writeJSON(w, RecoveryIssued{File: file, Code: code})
	}))
	return mux
}

// RecoveryIssued is the answer to an administrative recovery request.
type RecoveryIssued struct {
	File []byte `json:"file"`
	Code string `json:"code"`
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// packParts joins bundles as uvarint count, then uvarint length and bytes
// of each.
func packParts(parts [][]byte) []byte {
	out := binary.AppendUvarint(nil, uint64(len(parts)))
	for _, p := range parts {
		out = binary.AppendUvarint(out, uint64(len(p)))
		out = append(out, p...)
	}
	return out
}

// UnpackParts splits what packParts joined.
func UnpackParts(b []byte) ([][]byte, error) {
	bad := fail(CodeCorrupt, "县级中心返回的回复文件格式不正确")
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, bad
	}
	b = b[k:]
	var out [][]byte
	for i := uint64(0); i < n; i++ {
		l, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < l {
			return nil, bad
		}
		out = append(out, b[k:k+int(l)])
		b = b[k+int(l):]
	}
	return out, nil
}

// PostFile sends a bundle read from a stick to a running county server on
// this machine and returns the reply parts and a name for their files
// ("<county>_to_<station>").
func PostFile(ctx context.Context, server string, bundle []byte) ([][]byte, string, error) {
	c := (&Client{Retries: 1}).defaults()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(server, "/")+"/v1/bundle?parts=all", bytes.NewReader(bundle))
	if err != nil {
		return nil, "", fail(CodeNetwork, "县级中心地址不正确")
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, "", fail(CodeNetwork, "数据文件正被县级中心服务占用，且连不上该服务："+plainNetError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, "", fail(CodeNetwork, "读取县级中心的回复时中断")
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", serverError(resp.StatusCode, data)
	}
	parts, err := UnpackParts(data)
	return parts, safeName(resp.Header.Get("X-Cunzhan-Name")), err
}

// AdminCall calls an administration endpoint of a running server on this
// machine with the token it wrote.
func AdminCall(ctx context.Context, server, token, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(server, "/")+path, body)
	if err != nil {
		return fail(CodeNetwork, "县级中心地址不正确")
	}
	req.Header.Set("Authorization", bearer(token))
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&Client{}).defaults().HTTP.Do(req)
	if err != nil {
		return fail(CodeNetwork, "数据文件正被县级中心服务占用，且连不上该服务："+plainNetError(err))
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode != http.StatusOK {
		return serverError(resp.StatusCode, data)
	}
	return json.Unmarshal(data, out)
}

func writeError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"code": store.CodeOf(err), "message": store.MessageOf(err)})
}
