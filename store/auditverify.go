package store

import "fmt"

// AuditProblem is where an audit chain breaks.
type AuditProblem struct {
	Chain   string `json:"chain,omitempty"`
	Seq     uint64 `json:"seq"`
	Message string `json:"message"`
}

// AuditReport is the result of checking an audit log.
type AuditReport struct {
	Entries  uint64         `json:"entries"`
	Chains   int            `json:"chains,omitempty"`
	Head     string         `json:"head"`
	Problems []AuditProblem `json:"problems,omitempty"`
}

// OK reports whether the log is whole.
func (r *AuditReport) OK() bool { return len(r.Problems) == 0 }

// VerifyAuditChains checks a station's log as the station holds it or as
// the county received it: entries grouped by chain, each chain in number
// order. Within a chain the numbers run from 1 without gaps, each entry's
// hash is over its content and each links to the one before. A chain's
// first entry links to an entry of another chain (the file it was
// restored or copied from), except the very first chain's.
func VerifyAuditChains(entries []AuditEntry) *AuditReport {
	rep := &AuditReport{}
	held := make(map[string]string, len(entries)) // hash → chain
	ends := map[string]string{}                   // a chain's last hash → chain
	for i := range entries {
		if h := entries[i].Hash; h != "" && h == entries[i].ComputeHash() {
			held[h] = entries[i].Chain
		}
		if i+1 == len(entries) || entries[i+1].Chain != entries[i].Chain {
			ends[entries[i].Hash] = entries[i].Chain
		}
	}
	children := map[string]int{} // a chain's last hash → chains that follow it
	add := func(e *AuditEntry, format string, args ...any) {
		rep.Problems = append(rep.Problems, AuditProblem{Chain: e.Chain, Seq: e.Seq, Message: fmt.Sprintf(format, args...)})
	}
	roots := 0
	for i := 0; i < len(entries); {
		j := i
		for j < len(entries) && entries[j].Chain == entries[i].Chain {
			j++
		}
		rep.Chains++
		var prev string
		var want uint64 = 1
		for k := i; k < j; k++ {
			e := &entries[k]
			rep.Entries++
			if e.Seq != want {
				if e.Seq > want {
					add(e, "第 %d 至 %d 条缺失（被删除）", want, e.Seq-1)
				} else {
					add(e, "第 %d 条重复或次序被改动", e.Seq)
				}
			}
			switch {
			case e.Hash != e.ComputeHash():
				add(e, "第 %d 条内容被改动（与其校验值不符）", e.Seq)
			case e.Seq == 1 && k == i:
				if e.Prev == "" {
					if roots++; roots > 1 {
						add(e, "这段日志的开头与之前的日志接不上（前面的日志被删除或替换）")
					}
				} else if c, ok := held[e.Prev]; !ok || c == e.Chain {
					add(e, "这段日志的开头指向一条不存在的记录（前面的日志被删除或改动）")
				} else if _, end := ends[e.Prev]; !end {
					add(e, "这段日志接在另一段日志的中间：那段日志其后的记录曾被删去，或数据文件是从旧的副本恢复的")
				} else if children[e.Prev]++; children[e.Prev] > 1 {
					add(e, "同一段日志之后接着两段：数据文件曾被复制到另一台电脑上使用")
				}
			case e.Seq == want && e.Prev != prev:
				add(e, "第 %d 条与前一条的链接不符（前一条被改动或替换）", e.Seq)
			}
			want, prev = e.Seq+1, e.Hash
		}
		i = j
	}
	return rep
}
