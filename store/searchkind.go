package store

import (
	"bytes"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv"
)

// SearchKind finds the records of one kind within scope that a picker
// offers for a query, from the indexes (decoding no record on the way but
// the people whose household is asked for, a cooperative's loans, and the
// few rooms and beds matched by title):
//
//   - records belonging to a person found by name (any part of it), pinyin
//     initials (ljx finds 李建新) or ID number, through the same in-memory name
//     index as Search, following the references that the record's title
//     names: a visit through its elder's register entry, an admission,
//     assessment, register entry, home-care entitlement or service record
//     directly, an application through its applicant, a loan through its
//     borrower (or its enterprise, found by name), a repayment, interest
//     subsidy or post-loan visit through its loan, a household through its
//     members, a credit rating through its household;
//   - homes and enterprises by their own name;
//   - records whose own number (visit_no, admission_no, contract_no,
//     application_no, household_no, rating_no, home_code) starts with the
//     query (upper or lower case), or equals it when it is all digits (a
//     digit string is a part of an ID number far more often than the start
//     of a number, and every station's numbers start with its code);
//   - visits by date: "2025-11" or "2025-11-03".
//
// Rooms, beds and station origins, which belong to no person and have no
// number, are matched by their title (a station has a few dozen).
//
// Records come newest first (ids are UUIDv7), people as Search ranks them
// (names starting with the query first). total is the true number of
// matches; ids holds at most limit of them (all when limit < 0). With an
// empty query the newest limit records of the kind come straight from the
// kind index, total counted there.
func (r *Reader) SearchKind(k Kind, query, scope string, limit int) (ids []uuid.UUID, total int, err error) {
	spec, err := specOf(k)
	if err != nil {
		return nil, 0, err
	}
	q := normName(query)
	if q == "" {
		return r.newestOfKind(k, scope, limit)
	}
	if k == KindPerson {
		hits, n, err := r.searchNames(query, scope, KindPerson, limit)
		ids := make([]uuid.UUID, len(hits))
		for i, h := range hits {
			ids[i] = h.ID
		}
		return ids, n, err
	}
	f := r.newKindCheck(k, scope)
	var out []uuid.UUID
	add := func(id uuid.UUID, hint string, typed bool) {
		if f.ok(id, hint, typed) {
			out = append(out, id)
		}
	}

	// Names: people, homes, enterprises, and what hangs off them.
	paths := kindPaths[k]
	if len(paths) > 0 || spec.nameField != "" {
		roots, err := r.nameRoots(q)
		if err != nil {
			return nil, 0, err
		}
		w := r.newRefWalker()
		for _, root := range roots {
			if root.kind == k {
				add(root.id, root.scope, true)
				continue
			}
			for _, p := range paths {
				if p.via == root.kind {
					w.follow(root.id, p.hops, p.unless, func(id uuid.UUID) { add(id, root.scope, true) })
				}
			}
		}
	}

	// The record's own number.
	raw := strings.TrimSpace(query)
	if spec.numberField != "" && raw != "" {
		var byNo []uuid.UUID
		if allDigits(raw) {
			byNo, _ = r.ByNumber(raw)
		} else {
			byNo = r.numbersWithPrefix(raw)
			if up := strings.ToUpper(raw); up != raw {
				byNo = append(byNo, r.numbersWithPrefix(up)...)
			}
		}
		f.expect(len(byNo))
		for _, id := range byNo {
			add(id, "", false)
		}
	}

	// Visits by date.
	if k == KindVisit {
		if month, ok := dateQueryMonth(raw); ok {
			var byDate []uuid.UUID
			r.eachVisitMark(month, func(_ uuid.UUID, m VisitMark) {
				if strings.HasPrefix(string(m.Date), raw) {
					byDate = append(byDate, m.ID)
				}
			})
			f.expect(len(byDate))
			for _, id := range byDate {
				add(id, "", false)
			}
		}
	}

	// Kinds with neither a person nor a number: by title.
	if len(paths) == 0 && spec.nameField == "" && spec.numberField == "" {
		err := r.Each(k, scope, func(e Entity) error {
			if strings.Contains(r.Title(e), raw) {
				out = append(out, e.meta().ID)
			}
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
	}

	out = newestFirst(out)
	total = len(out)
	if limit >= 0 && len(out) > limit {
		out = out[:limit:limit]
	}
	return out, total, nil
}

// namePath leads from a record found by name (of kind via) to records of
// another kind: each hop is the kind of the records referencing the
// previous one (ix_ref), or hopHousehold, the household a person belongs to.
type namePath struct {
	via  Kind
	hops []Kind
	// unless drops a record of the first hop that has this field set.
	unless string
}

// hopHousehold is the hop from a person to their own household.
const hopHousehold Kind = "\x00household"

// kindPaths lists, for each kind, how its records are reached from the
// names the name index holds.
var kindPaths = map[Kind][]namePath{
	KindElderlyProfile:      {{via: KindPerson, hops: []Kind{KindElderlyProfile}}},
	KindVisit:               {{via: KindPerson, hops: []Kind{KindElderlyProfile, KindVisit}}},
	KindReferral:            {{via: KindPerson, hops: []Kind{KindElderlyProfile, KindReferral}}},
	KindAdmission:           {{via: KindPerson, hops: []Kind{KindAdmission}}},
	KindAssessment:          {{via: KindPerson, hops: []Kind{KindAssessment}}},
	KindHomecareEntitlement: {{via: KindPerson, hops: []Kind{KindHomecareEntitlement}}},
	KindServiceRecord:       {{via: KindPerson, hops: []Kind{KindServiceRecord}}},
	KindFamilyDoctorSigning: {{via: KindPerson, hops: []Kind{KindFamilyDoctorSigning}}},
	KindLoanApplication:     {{via: KindPerson, hops: []Kind{KindLoanApplication}}},
	KindLoan:                loanPaths(),
	KindRepayment:           loanPaths(KindRepayment),
	KindInterestSubsidy:     loanPaths(KindInterestSubsidy),
	KindPostLoanVisit:       loanPaths(KindPostLoanVisit),
	KindHousehold:           {{via: KindPerson, hops: []Kind{hopHousehold}}},
	KindCreditRating:        {{via: KindPerson, hops: []Kind{hopHousehold, KindCreditRating}}},
	KindEnterpriseLink:      {{via: KindEnterprise, hops: []Kind{KindEnterpriseLink}}},
	KindSubsidyClaim:        {{via: KindHome, hops: []Kind{KindSubsidyClaim}}},
	KindCompensationClaim:   loanPaths(KindCompensationClaim),
	KindDividendPayment: {
		{via: KindPerson, hops: []Kind{hopHousehold, KindDividendPayment}},
		{via: KindEnterprise, hops: []Kind{KindEnterpriseLink, KindDividendPayment}},
	},
}

// loanPaths reach loans, and then records of the kinds given, from their
// borrower, or from their enterprise when no person borrowed (a loan to a
// cooperative): a household's loan invested in a cooperative is named by
// its borrower.
func loanPaths(then ...Kind) []namePath {
	hops := append([]Kind{KindLoan}, then...)
	return []namePath{
		{via: KindPerson, hops: hops},
		{via: KindEnterprise, hops: hops, unless: "borrower_person_id"},
	}
}

// nameRoot is a record the name index matched.
type nameRoot struct {
	id    uuid.UUID
	kind  Kind
	scope string
}

// nameRoots are the records whose name or pinyin initials match the folded
// query q, or the people holding the ID number q.
func (r *Reader) nameRoots(q string) ([]nameRoot, error) {
	if looksLikeID(q) {
		hits, _, err := r.searchID(q, "", 1<<30)
		out := make([]nameRoot, len(hits))
		for i, h := range hits {
			out[i] = nameRoot{h.ID, h.Kind, h.Scope}
		}
		return out, err
	}
	x := &r.s.search
	if err := x.ensure(r.s); err != nil {
		return nil, err
	}
	var out []nameRoot
	x.mu.RLock()
	x.match(q, nil, func(e *searchEntry, _ bool) {
		g := &x.groups[e.group]
		out = append(out, nameRoot{e.id, g.kind, g.scope})
	})
	x.mu.RUnlock()
	return out, nil
}

// refWalker follows references with one cursor over ix_ref.
type refWalker struct {
	r      *Reader
	c      kv.Cursor
	prefix []byte
}

func (r *Reader) newRefWalker() *refWalker {
	return &refWalker{r: r, c: r.KV().Bucket(bIxRef).Cursor()}
}

// refs calls fn for each live record of kind referencing target.
func (w *refWalker) refs(target uuid.UUID, kind Kind, fn func(id uuid.UUID)) {
	w.prefix = append(append(append(w.prefix[:0], target[:]...), kind...), 0)
	for k, _ := w.c.Seek(w.prefix); k != nil && bytes.HasPrefix(k, w.prefix); k, _ = w.c.Next() {
		if len(k) == len(w.prefix)+16 {
			fn(uuid.UUID(k[len(w.prefix):]))
		}
	}
}

// follow walks hops from root and calls fn for each record at the end;
// unless drops the records of the first hop that have that field set.
func (w *refWalker) follow(root uuid.UUID, hops []Kind, unless string, fn func(id uuid.UUID)) {
	if len(hops) == 0 {
		fn(root)
		return
	}
	next := func(id uuid.UUID) { w.follow(id, hops[1:], "", fn) }
	if hops[0] == hopHousehold {
		if st, _ := w.r.State(root); st != nil && st.Kind == KindPerson {
			if h, err := uuid.Parse(strValue(st, "household_id")); err == nil {
				next(h)
			}
		}
		return
	}
	// Collect before descending: the cursor is shared.
	var ids []uuid.UUID
	w.refs(root, hops[0], func(id uuid.UUID) { ids = append(ids, id) })
	for _, id := range ids {
		if unless != "" {
			if st, _ := w.r.State(id); st == nil || strValue(st, unless) != "" {
				continue
			}
		}
		next(id)
	}
}

// numbersWithPrefix lists the live records whose number starts with p.
func (r *Reader) numbersWithPrefix(p string) []uuid.UUID {
	var out []uuid.UUID
	c := r.KV().Bucket(bIxNo).Cursor()
	for k, _ := c.Seek([]byte(p)); k != nil && bytes.HasPrefix(k, []byte(p)); k, _ = c.Next() {
		if len(k) >= len(p)+17 && k[len(k)-17] == 0 {
			out = append(out, uuid.UUID(k[len(k)-16:]))
		}
	}
	return out
}

// kindCheck tells whether a live record is of one kind and inside a scope,
// reading as little as it can: the kind index's key when the scope the
// record is likely in is known (that of the person it hangs off), else the
// head of the stored record, or, for many records at once, the set of the
// kind's ids in scope read from the kind index.
type kindCheck struct {
	kind  Kind
	scope string
	ix    kv.Bucket
	rec   kv.Bucket
	set   map[uuid.UUID]struct{}
	key   []byte
	r     *Reader
}

func (r *Reader) newKindCheck(k Kind, scope string) *kindCheck {
	return &kindCheck{r: r, kind: k, scope: scope, ix: r.KV().Bucket(bIxKind), rec: r.KV().Bucket(bRec)}
}

// manyChecks is how many records of unknown kind make reading the kind's
// ids worthwhile.
const manyChecks = 256

// expect says that n records of unknown kind and scope are coming.
func (f *kindCheck) expect(n int) {
	if n < manyChecks || f.set != nil {
		return
	}
	f.set = map[uuid.UUID]struct{}{}
	_ = f.r.EachID(f.kind, f.scope, func(id uuid.UUID, _ string) error {
		f.set[id] = struct{}{}
		return nil
	})
}

// ok checks a live record; typed says it is known to be of the kind, hint
// is the scope it is probably in ("" when unknown).
func (f *kindCheck) ok(id uuid.UUID, hint string, typed bool) bool {
	if typed && f.scope == "" {
		return true
	}
	if hint != "" {
		f.key = append(append(append(append(append(f.key[:0], f.kind...), 0), hint...), 0), id[:]...)
		if f.ix.Get(f.key) != nil {
			return strings.HasPrefix(hint, f.scope)
		}
	}
	if f.set != nil {
		_, in := f.set[id]
		return in
	}
	kind, scope, ok := Dict.RecordHead(f.rec.Get(id[:]))
	return ok && kind == f.kind && strings.HasPrefix(scope, f.scope)
}

// newestOfKind lists the newest limit live records of a kind in scope and
// counts them all, from the kind index's keys alone. The index is ordered
// by scope, then id: the newest of each scope are the last of its run.
func (r *Reader) newestOfKind(k Kind, scope string, limit int) ([]uuid.UUID, int, error) {
	prefix := scopePrefix(k, scope)
	kp := len(k) + 1
	c := r.KV().Bucket(bIxKind).Cursor()
	total := 0
	if limit < 0 {
		var all []uuid.UUID
		for key, _ := c.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, _ = c.Next() {
			if len(key) >= kp+17 {
				all = append(all, uuid.UUID(key[len(key)-16:]))
			}
		}
		all = newestFirst(all)
		return all, len(all), nil
	}
	var (
		ring  = make([]uuid.UUID, limit)
		cand  []uuid.UUID
		run   []byte
		inRun int
	)
	flush := func() {
		n := min(inRun, limit)
		for i := inRun - n; i < inRun; i++ {
			cand = append(cand, ring[i%limit])
		}
		inRun = 0
	}
	for key, _ := c.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, _ = c.Next() {
		if len(key) < kp+17 {
			continue
		}
		sc := key[kp : len(key)-17]
		if !bytes.Equal(sc, run) {
			flush()
			run = append(run[:0], sc...)
		}
		if limit > 0 {
			copy(ring[inRun%limit][:], key[len(key)-16:])
		}
		inRun++
		total++
	}
	if limit > 0 {
		flush()
	}
	cand = newestFirst(cand)
	if len(cand) > limit {
		cand = cand[:limit:limit]
	}
	return cand, total, nil
}

// newestFirst sorts ids newest first (UUIDv7 order reversed) and drops
// repeats.
func newestFirst(ids []uuid.UUID) []uuid.UUID {
	sort.Slice(ids, func(i, j int) bool { return bytes.Compare(ids[i][:], ids[j][:]) > 0 })
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

// dateQueryMonth recognises "2025-11" and "2025-11-03" (or a start of the
// day: "2025-11-0").
func dateQueryMonth(q string) (Month, bool) {
	if len(q) < 7 || len(q) > 10 {
		return "", false
	}
	m, err := ParseMonth(q[:7])
	if err != nil {
		return "", false
	}
	if len(q) > 7 && (q[7] != '-' || !allDigits(q[8:])) {
		return "", false
	}
	return m, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// OwnerPerson is the person a record is about, the one its title names: the
// elder of a visit, referral, admission, assessment, register entry,
// entitlement or service record, the applicant of an application, the
// borrower of a loan (and of its repayments, subsidies and follow-up
// visits), the head of a household (and of its ratings). nil for records
// about no one person.
func (r *Reader) OwnerPerson(e Entity) *Person {
	person := func(id string) *Person {
		x, _ := r.LiveByString(id, KindPerson)
		p, _ := x.(*Person)
		return p
	}
	profilePerson := func(id string) *Person {
		if x, _ := r.LiveByString(id, KindElderlyProfile); x != nil {
			return person(x.(*ElderlyProfile).PersonID)
		}
		return nil
	}
	loanPerson := func(id string) *Person {
		if x, _ := r.LiveByString(id, KindLoan); x != nil {
			return person(x.(*Loan).BorrowerPersonID)
		}
		return nil
	}
	switch v := e.(type) {
	case *Person:
		return v
	case *Admission:
		return person(v.PersonID)
	case *ElderlyProfile:
		return person(v.PersonID)
	case *Assessment:
		return person(v.PersonID)
	case *HomecareEntitlement:
		return person(v.PersonID)
	case *ServiceRecord:
		return person(v.PersonID)
	case *FamilyDoctorSigning:
		return person(v.PersonID)
	case *Visit:
		return profilePerson(v.ElderlyID)
	case *Referral:
		return profilePerson(v.ElderlyID)
	case *LoanApplication:
		return person(v.ApplicantPersonID)
	case *Loan:
		return person(v.BorrowerPersonID)
	case *Repayment:
		return loanPerson(v.LoanID)
	case *InterestSubsidy:
		return loanPerson(v.LoanID)
	case *PostLoanVisit:
		return loanPerson(v.LoanID)
	case *CompensationClaim:
		return loanPerson(v.LoanID)
	case *DividendPayment:
		if x, _ := r.LiveByString(v.HouseholdID, KindHousehold); x != nil {
			return person(x.(*Household).HeadPersonID)
		}
	case *Household:
		return person(v.HeadPersonID)
	case *CreditRating:
		if x, _ := r.LiveByString(v.HouseholdID, KindHousehold); x != nil {
			return person(x.(*Household).HeadPersonID)
		}
	}
	return nil
}
