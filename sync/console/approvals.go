package console

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
)

// A queue is the applications waiting for one level's step: the county
// recommends what the township has checked (乡镇审核 → 县推荐), a
// township checks what its villages recommended (村推荐 → 乡镇审核).
type queue struct {
	From, To     string
	Opinion      string // the field of the step's opinion
	Date         string // the field of the step's date
	Label        string
	OpinionLabel string
}

func queueOf(u *user) queue {
	if u.Role == RoleTownship {
		return queue{"村推荐", "乡镇审核", "township_opinion", "township_date", "乡镇审核", "乡镇审核意见"}
	}
	return queue{"乡镇审核", "县推荐", "county_opinion", "county_date", "县级推荐", "县中心推荐意见"}
}

// approvalLine is one application in the queue, masked.
type approvalLine struct {
	ID                                      uuid.UUID
	No, Applicant, Place, Amount, Term      string
	Purpose, Village, Township, ApplyDate   string
	Status, Seen                            string
	VillageDate, TownshipDate, WaitingSince string
}

// maxOpinion is the longest opinion or reason a step takes (the forms'
// boxes have the same limit).
const maxOpinion = 200

// encodeVV writes an edit context into a form: origin:seq pairs.
func encodeVV(v store.VV) string {
	var parts []string
	for _, d := range v {
		parts = append(parts, hex.EncodeToString(d.Origin[:])+":"+strconv.FormatUint(d.Seq, 10))
	}
	return strings.Join(parts, ",")
}

// decodeVV reads it back; nonsense is refused (the store also keeps only
// what the record really has).
func decodeVV(s string) (store.VV, bool) {
	var v store.VV
	if s == "" {
		return v, true
	}
	for _, p := range strings.Split(s, ",") {
		o, n, ok := strings.Cut(p, ":")
		b, err := hex.DecodeString(o)
		seq, err2 := strconv.ParseUint(n, 10, 64)
		if !ok || err != nil || err2 != nil || len(b) != 16 || len(v) > 10000 {
			return nil, false
		}
		var origin store.OriginID
		copy(origin[:], b)
		v.Raise(origin, seq)
	}
	return v, true
}

func (c *Console) approvals(w http.ResponseWriter, r *http.Request, u *user) {
	c.renderApprovals(w, r, u, r.URL.Query().Get("done"), "")
}

func (c *Console) renderApprovals(w http.ResponseWriter, r *http.Request, u *user, done, errMsg string) {
	q := queueOf(u)
	var lines []approvalLine
	err := c.s.View(func(rd *store.Reader) error {
		return rd.Each(store.KindLoanApplication, u.Scope, func(e store.Entity) error {
			a := e.(*store.LoanApplication)
			if a.Status != q.From {
				return nil
			}
			l := approvalLine{ID: a.ID, No: a.ApplicationNo, Place: placeOf(a.Scope), Amount: store.Yuan(a.AmountFen), Term: strconv.Itoa(a.TermMonths),
				Purpose: a.Purpose, Village: a.VillageOpinion, Township: a.TownshipOpinion, ApplyDate: string(a.ApplyDate),
				VillageDate: string(a.VillageDate), TownshipDate: string(a.TownshipDate), Status: a.Status}
			l.Applicant = titleOf(rd, u, a.ApplicantPersonID)
			seen, err := rd.SeenOf(a.ID)
			if err != nil {
				return err
			}
			l.Seen = encodeVV(seen.Context)
			lines = append(lines, l)
			return nil
		})
	})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].ApplyDate < lines[j].ApplyDate })
	if errMsg != "" {
		w.WriteHeader(http.StatusBadRequest)
	}
	c.render(w, r, "approvals", map[string]any{"Q": q, "Lines": lines, "Today": c.today(), "Done": done, "Error": errMsg})
}

// approve takes the step (or refuses the application) as the clerk saw it
// when the page opened, as a change of the county's origin, with its audit
// entry in the same transaction.
func (c *Console) approve(w http.ResponseWriter, r *http.Request, u *user) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		c.deny(w, r, http.StatusNotFound, "记录编号不对")
		return
	}
	q := queueOf(u)
	seenVV, ok := decodeVV(r.PostFormValue("seen"))
	if !ok {
		c.deny(w, r, http.StatusBadRequest, "页面数据不完整，请刷新后重试")
		return
	}
	opinion := strings.TrimSpace(r.PostFormValue("opinion"))
	on, err := store.ParseDate(r.PostFormValue("date"))
	if err != nil {
		c.renderApprovals(w, r, u, "", "日期应写作 2025-11-05")
		return
	}
	decision := r.PostFormValue("decision")
	to, field := q.To, q.Opinion
	switch decision {
	case "approve":
	case "reject":
		to, field = "已拒绝", "reject_reason"
	default:
		c.deny(w, r, http.StatusBadRequest, "请选择同意或拒绝")
		return
	}
	if len([]rune(opinion)) > maxOpinion {
		c.renderApprovals(w, r, u, "", fmt.Sprintf("意见最多 %d 个字", maxOpinion))
		return
	}
	if opinion == "" {
		c.renderApprovals(w, r, u, "", "请填写"+map[bool]string{true: "拒绝理由", false: q.OpinionLabel}[decision == "reject"])
		return
	}
	var scope string
	forbidden := false
	err = c.s.Batch(func(b *store.Batch) error {
		e, err := b.Reader().Get(id)
		if err != nil {
			return err
		}
		if e == nil {
			return &store.Error{Code: store.CodeNotFound, Message: "找不到该申请"}
		}
		scope = store.MetaOf(e).Scope
		if !u.Can(scope) {
			forbidden = true
			return errForbidden
		}
		if _, ok := e.(*store.LoanApplication); !ok {
			return &store.Error{Code: "NOT_APPLICATION", Message: "该记录不是贷款申请"}
		}
		fill := func(next store.Entity) error {
			if err := store.SetField(next, field, opinion); err != nil {
				return err
			}
			if decision != "reject" {
				return store.SetField(next, q.Date, string(on))
			}
			return nil
		}
		res, err := b.StepSeen(id, store.Seen{Context: seenVV, Status: q.From}, to, on, u.Display, fill, u.Display)
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("贷款申请 %s：%s（%s）", titleOf(b.Reader(), u, id.String()), to, opinion)
		if len(res.Changed) == 0 {
			detail += "，与已有决定相同，无改动"
		}
		_, err = audit.AddIn(b, audit.Entry{User: u.Name, Role: string(u.Role), Action: audit.Approve, Target: id.String(), Scope: scope, Detail: detail, Remote: remote(r)})
		return err
	})
	if forbidden {
		c.deny(w, r, http.StatusForbidden, "该申请不在您的管辖范围内")
		return
	}
	if err != nil {
		c.renderApprovals(w, r, u, "", store.MessageOf(err))
		return
	}
	http.Redirect(w, r, "/approvals?done="+url.QueryEscape("已办理："+to), http.StatusSeeOther)
}
