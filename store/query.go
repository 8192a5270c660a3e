package store

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/ident"
)

// Page is one page of a list.
type Page struct {
	IDs    []uuid.UUID
	Scopes []string
	Total  int
}

// List pages through the live records of a kind within a scope, in scope
// and then creation order (ids are UUIDv7).
func (r *Reader) List(kind Kind, scope string, offset, limit int) (Page, error) {
	var p Page
	err := r.EachID(kind, scope, func(id uuid.UUID, sc string) error {
		if p.Total >= offset && len(p.IDs) < limit {
			p.IDs = append(p.IDs, id)
			p.Scopes = append(p.Scopes, sc)
		}
		p.Total++
		return nil
	})
	return p, err
}

// Hit is one search result.
type Hit struct {
	ID    uuid.UUID
	Kind  Kind
	Scope string
	Name  string
}

func (r *Reader) searchID(q, scope string, limit int) ([]Hit, int, error) {
	info, errs := ident.ParseID(q, ident.IDOptions{AllowLegacy15: true})
	number := ident.NormalizeID(q)
	if errs == nil {
		number = info.Number
	}
	ids, err := r.PersonsByIDNumber(number)
	if err != nil {
		return nil, 0, err
	}
	var out []Hit
	for _, id := range ids {
		st, err := r.State(id)
		if err != nil || st == nil || !strings.HasPrefix(st.Scope, scope) {
			continue
		}
		if len(out) < limit {
			out = append(out, Hit{ID: id, Kind: st.Kind, Scope: st.Scope, Name: strValue(st, "name")})
		}
	}
	return out, len(out), nil
}

func looksLikeID(q string) bool {
	if len(q) != 15 && len(q) != 18 {
		return false
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		if !(c >= '0' && c <= '9') && !(i == len(q)-1 && (c == 'x' || c == 'X')) {
			return false
		}
	}
	return true
}

func isASCIILetters(q string) bool {
	for i := 0; i < len(q); i++ {
		if !(q[i] >= 'a' && q[i] <= 'z') {
			return false
		}
	}
	return true
}

// DueVisit is an elderly person not yet visited in a month.
type DueVisit struct {
	ProfileID uuid.UUID
	PersonID  uuid.UUID
	Scope     string
	Name      string // filled for the first limit rows
	RiskTier  string
	LastVisit Date // filled for the first limit rows; "" when never visited
}

// DueVisits lists the special-difficulty elderly in scope (status 在册 and
// enrolled by the month's end) with no counted visit in the month. Visits
// count when submitted (not 草稿) and made by a method the policy counts.
// Names and last visits are filled for the first limit rows; the rest carry
// ids only. The second result is the number due.
func (r *Reader) DueVisits(scope string, month Month, limit int) ([]DueVisit, int, error) {
	visited, err := r.visitedIn(month, r.Policy().VisitCountedMethods)
	if err != nil {
		return nil, 0, err
	}
	last := month.Last()
	var out []DueVisit
	err = r.EachID(KindElderlyProfile, scope, func(id uuid.UUID, sc string) error {
		if visited[id] {
			return nil
		}
		st, err := r.State(id)
		if err != nil || st == nil {
			return err
		}
		if strValue(st, "status") != "在册" || Date(strValue(st, "enrol_date")) > last {
			return nil
		}
		pid, _ := uuid.Parse(strValue(st, "person_id"))
		out = append(out, DueVisit{ProfileID: id, PersonID: pid, Scope: sc, RiskTier: strValue(st, "risk_tier")})
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	// Highest risk first, then by village.
	rank := map[string]int{"高风险": 0, "重点": 1, "一般": 2}
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].RiskTier] < rank[out[j].RiskTier] })
	for i := 0; i < len(out) && i < limit; i++ {
		if st, _ := r.State(out[i].PersonID); st != nil {
			out[i].Name = strValue(st, "name")
		}
		out[i].LastVisit = r.LastVisit(out[i].ProfileID, month, LastVisitLookback)
	}
	return out, len(out), nil
}

// VisitMark is what the visit index holds of one visit: enough to count it
// in a coverage report without reading the visit itself.
type VisitMark struct {
	ID     uuid.UUID
	Status string
	Method string
	Date   Date
}

// VisitMarks lists the visits of a month by elderly profile, from the
// index: reports over many thousands of visits read a few bytes each.
func (r *Reader) VisitMarks(month Month) (map[uuid.UUID][]VisitMark, error) {
	out := map[uuid.UUID][]VisitMark{}
	r.eachVisitMark(month, func(profile uuid.UUID, m VisitMark) { out[profile] = append(out[profile], m) })
	return out, nil
}

// eachVisitMark walks the visit index of a month.
func (r *Reader) eachVisitMark(month Month, fn func(profile uuid.UUID, m VisitMark)) {
	prefix := []byte(strings.ReplaceAll(string(month), "-", ""))
	c := r.KV().Bucket(bIxVisit).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != 6+32 {
			continue
		}
		parts := bytes.SplitN(v, zero, 3)
		if len(parts) != 3 {
			continue
		}
		var ep uuid.UUID
		copy(ep[:], k[6:22])
		m := VisitMark{Status: string(parts[0]), Method: string(parts[1]), Date: Date(parts[2])}
		copy(m.ID[:], k[22:])
		fn(ep, m)
	}
}

// CoverMark is what the coverage index holds of an elderly profile and its
// person: enough to tell whether they count in a month's coverage without
// reading either record.
type CoverMark struct {
	ID, PersonID        uuid.UUID
	Scope               string
	EnrolDate, ExitDate Date
	Status, RiskTier    string
	// PersonStatus and PersonDate are the person's status when not 在册
	// (死亡, 迁出, …) and its date.
	PersonStatus string
	PersonDate   Date
}

// EachCoverMark walks the elderly profiles under a scope from the coverage
// index, in scope order.
func (r *Reader) EachCoverMark(scope string, fn func(CoverMark) error) error {
	gone := r.KV().Bucket(bIxGone)
	return r.eachScoped(bIxCov, scope, func(sc string, id uuid.UUID, v []byte) error {
		if len(v) < 16 {
			return nil
		}
		parts := bytes.SplitN(v[16:], zero, 4)
		if len(parts) != 4 {
			return nil
		}
		m := CoverMark{ID: id, PersonID: uuid.UUID(v[:16]), Scope: sc, EnrolDate: Date(parts[0]), Status: string(parts[1]), ExitDate: Date(parts[2]), RiskTier: string(parts[3])}
		if g := gone.Get(m.PersonID[:]); g != nil {
			st, d, _ := bytes.Cut(g, zero)
			m.PersonStatus, m.PersonDate = string(st), Date(d)
		}
		return fn(m)
	})
}

// eachScoped walks an index keyed "scope\0" + a 16-byte record id, under
// a scope, in key order; keys of another shape are skipped.
func (r *Reader) eachScoped(bucket []byte, scope string, fn func(scope string, id uuid.UUID, v []byte) error) error {
	c := r.KV().Bucket(bucket).Cursor()
	prefix := []byte(scope)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		i := bytes.IndexByte(k, 0)
		if i < 0 || len(k) != i+17 {
			continue
		}
		if err := fn(string(k[:i]), uuid.UUID(k[i+1:]), v); err != nil {
			return err
		}
	}
	return nil
}

// visitedIn returns the profiles with a counted visit in the month.
func (r *Reader) visitedIn(month Month, methods []string) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	r.eachVisitMark(month, func(profile uuid.UUID, m VisitMark) {
		if m.Status != "草稿" && VisitCounted(m.Method, methods) {
			out[profile] = true
		}
	})
	return out, nil
}

// LastVisitLookback is how many months LastVisit searches back: enough to
// say "never visited" only of people who really were not, at one index seek
// a month.
const LastVisitLookback = 60

// LastVisit finds the latest submitted visit of a profile (counted or not),
// looking back from month over the given number of months.
func (r *Reader) LastVisit(profile uuid.UUID, month Month, months int) Date {
	c := r.KV().Bucket(bIxVisit).Cursor()
	for i := 0; i <= months; i++ {
		m := month.Add(-i)
		prefix := cat([]byte(strings.ReplaceAll(string(m), "-", "")), profile[:])
		var best Date
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			parts := bytes.SplitN(v, zero, 3)
			if len(parts) == 3 && string(parts[0]) != "草稿" && Date(parts[2]) > best {
				best = Date(parts[2])
			}
		}
		if best != "" {
			return best
		}
	}
	return ""
}

// LoanRow is a loan with its position on a date.
type LoanRow struct {
	Loan     *Loan
	Borrower string // borrower's name, or the enterprise's
	Position LoanPosition
	Status   string // the status a person reads on the row's date (StatusOn)
}

// loanCandidates walks the instalment-date index between two dates.
func (r *Reader) loanCandidates(from, to Date) []uuid.UUID {
	lo := []byte(strings.ReplaceAll(string(from), "-", ""))
	hi := []byte(strings.ReplaceAll(string(to), "-", ""))
	seen := map[uuid.UUID]bool{}
	var out []uuid.UUID
	c := r.KV().Bucket(bIxDue).Cursor()
	for k, _ := c.Seek(lo); k != nil && len(k) == 24 && bytes.Compare(k[:8], hi) <= 0; k, _ = c.Next() {
		var id uuid.UUID
		copy(id[:], k[8:])
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// LoanRowFor computes a loan's position on a date.
func (r *Reader) LoanRowFor(l *Loan, on Date) (LoanRow, error) {
	reps, err := r.RefEntities(l.ID, KindRepayment)
	if err != nil {
		return LoanRow{}, err
	}
	row := LoanRow{Loan: l, Position: PositionOn(l, repayments(reps), on)}
	row.Status = loanStatusOn(l, row.Position)
	if p, _ := r.LiveByString(l.BorrowerPersonID, KindPerson); p != nil {
		row.Borrower = p.(*Person).Name
	} else if e, _ := r.LiveByString(l.EnterpriseID, KindEnterprise); e != nil {
		row.Borrower = e.(*Enterprise).Name
	}
	return row, nil
}

// liveLoanRows computes, for the live loans in scope among the candidates
// of an instalment-date range, their positions on a date, keeping those keep
// accepts.
func (r *Reader) liveLoanRows(from, to Date, scope string, on Date, keep func(LoanPosition) bool) ([]LoanRow, error) {
	var out []LoanRow
	for _, id := range r.loanCandidates(from, to) {
		x, err := r.Live(id, KindLoan)
		if err != nil {
			return nil, err
		}
		l, ok := x.(*Loan)
		if !ok || !strings.HasPrefix(l.Scope, scope) || !oneOf(l.Status, LiveLoanStatus) {
			continue
		}
		row, err := r.LoanRowFor(l, on)
		if err != nil {
			return nil, err
		}
		if keep(row.Position) {
			out = append(out, row)
		}
	}
	return out, nil
}

// LoansDue lists loans in scope with an instalment not yet repaid falling due
// within days after on (inclusive), soonest first.
func (r *Reader) LoansDue(scope string, on Date, days int) ([]LoanRow, error) {
	until := on.AddDays(days)
	out, err := r.liveLoanRows(on, until, scope, on, func(p LoanPosition) bool { return p.NextDue != "" && p.NextDue <= until })
	sort.SliceStable(out, func(i, j int) bool { return out[i].Position.NextDue < out[j].Position.NextDue })
	return out, err
}

// OverdueBuckets are the day ranges of the overdue report.
var OverdueBuckets = []struct {
	Label    string
	Min, Max int
}{
	{"1–30天", 1, 30}, {"31–60天", 31, 60}, {"61–90天", 61, 90}, {"91–180天", 91, 180}, {"180天以上", 181, 1 << 30},
}

// BucketOf returns the index in OverdueBuckets of a number of days overdue,
// -1 when not overdue.
func BucketOf(days int) int {
	for i, b := range OverdueBuckets {
		if days >= b.Min && days <= b.Max {
			return i
		}
	}
	return -1
}

// Overdue lists loans in scope overdue on a date, longest overdue first.
func (r *Reader) Overdue(scope string, on Date) ([]LoanRow, error) {
	out, err := r.liveLoanRows("1900-01-01", on.AddDays(-1), scope, on, func(p LoanPosition) bool { return p.DaysOverdue > 0 })
	sort.SliceStable(out, func(i, j int) bool { return out[i].Position.DaysOverdue > out[j].Position.DaysOverdue })
	return out, err
}

// BedState is a bed's displayed state: its physical status, or 预留 / 占用
// from an active admission.
func (r *Reader) BedState(b *Bed) string {
	if b.Status != "空闲" {
		return b.Status
	}
	if a := bedHolder(r, b.ID, uuid.Nil); a != nil {
		if a.Status == "已批准" {
			return "预留"
		}
		return "占用"
	}
	return "空闲"
}

// BedCounts tallies the beds in scope by displayed state.
func (r *Reader) BedCounts(scope string) (map[string]int, error) {
	out := map[string]int{}
	err := r.Each(KindBed, scope, func(e Entity) error {
		out[r.BedState(e.(*Bed))]++
		return nil
	})
	return out, err
}

// Sibling is one of the concurrent values of a field under review.
type Sibling struct {
	Value       json.RawMessage
	Origin      OriginID
	StationCode string
	StationName string
	Author      string
	Time        HLC
	Dot         Dot
}

// Conflict is a field waiting for a person to choose.
type Conflict struct {
	ID       uuid.UUID
	Kind     Kind
	Scope    string
	Field    string
	Siblings []Sibling
	// Deleted is set for a delete racing an edit: the choice is between
	// keeping the deletion and restoring the record.
	Deleted bool
}

// Conflicts lists the fields with siblings within scope.
func (r *Reader) Conflicts(scope string) ([]Conflict, error) {
	var out []Conflict
	c := r.KV().Bucket(bReview).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		var id uuid.UUID
		copy(id[:], k[:16])
		field := string(k[16:])
		st, err := r.State(id)
		if err != nil {
			return nil, err
		}
		if st == nil || !strings.HasPrefix(st.Scope, scope) {
			continue
		}
		out = append(out, r.conflictOf(st, field))
	}
	return out, nil
}

// StationOf names the station an origin belongs to ("" when its origin
// record has not arrived).
func (r *Reader) StationOf(o OriginID) (code, name string) {
	if e, _ := r.Live(uuid.UUID(o), KindOrigin); e != nil {
		return e.(*Origin).StationCode, e.(*Origin).StationName
	}
	return "", ""
}

func (r *Reader) conflictOf(st *RecordState, field string) Conflict {
	cf := Conflict{ID: st.ID, Kind: st.Kind, Scope: st.Scope, Field: field, Deleted: field == FieldDeleted}
	reg := st.Register(field)
	var versions []Version
	if reg != nil {
		versions = reg.Versions
	}
	if cf.Deleted && reg != nil && !reg.Conflicting() {
		// The edits the deletion did not see are the other side.
		versions = append([]Version(nil), reg.Versions...)
		for i := range st.Fields {
			f := &st.Fields[i]
			if f.Name == FieldDeleted {
				continue
			}
			for _, v := range f.Versions {
				if !reg.Cover.Covers(v.Dot) {
					versions = append(versions, Version{Dot: v.Dot, HLC: v.HLC, Author: v.Author, Value: []byte("false")})
					break
				}
			}
		}
	}
	for _, v := range versions {
		sib := Sibling{Value: v.Value, Origin: v.Dot.Origin, Author: v.Author, Time: v.HLC, Dot: v.Dot}
		sib.StationCode, sib.StationName = r.StationOf(v.Dot.Origin)
		cf.Siblings = append(cf.Siblings, sib)
	}
	return cf
}

// MonthVisits returns the live visits dated in a month, by elderly profile.
func (r *Reader) MonthVisits(month Month) (map[uuid.UUID][]*Visit, error) {
	out := map[uuid.UUID][]*Visit{}
	prefix := []byte(strings.ReplaceAll(string(month), "-", ""))
	c := r.KV().Bucket(bIxVisit).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != 6+32 {
			continue
		}
		var ep, id uuid.UUID
		copy(ep[:], k[6:22])
		copy(id[:], k[22:])
		x, err := r.Live(id, KindVisit)
		if err != nil {
			return nil, err
		}
		if v, ok := x.(*Visit); ok {
			out[ep] = append(out[ep], v)
		}
	}
	return out, nil
}

// DuplicateNumber is a record number used by more than one live record.
type DuplicateNumber struct {
	Number string
	IDs    []uuid.UUID
}

// DuplicateNumbers finds record numbers held by several live records in
// scope: two stations offline can issue the same number only if one of them
// was restored from an old copy, and the county sees both after sync.
func (r *Reader) DuplicateNumbers(scope string) ([]DuplicateNumber, error) {
	var out []DuplicateNumber
	var cur DuplicateNumber
	flush := func() {
		if len(cur.IDs) > 1 {
			out = append(out, cur)
		}
	}
	c := r.KV().Bucket(bIxNo).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) < 17 || bytes.HasPrefix(k, []byte("svc\x01")) {
			continue
		}
		no := string(k[:len(k)-17])
		var id uuid.UUID
		copy(id[:], k[len(k)-16:])
		st, err := r.State(id)
		if err != nil {
			return nil, err
		}
		if st == nil || !strings.HasPrefix(st.Scope, scope) {
			continue
		}
		if no != cur.Number {
			flush()
			cur = DuplicateNumber{Number: no}
		}
		cur.IDs = append(cur.IDs, id)
	}
	flush()
	return out, nil
}
