package console

import (
	"sort"
	"strconv"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// claimLine is one home's subsidy claim in a queue, with the recount a
// reviewer weighs it against.
type claimLine struct {
	Q                      queue
	ID                     uuid.UUID
	No, Home, Place, Year  string
	Total, Residents       string
	Village, VillageDate   string
	Township, TownshipDate string
	County, CountyDate     string
	Seen                   string
	Lines                  []claimRow
	Agrees                 bool
	Unchecked              string // why no recount could be made
	Recount                string
	Differs                []claimRow // as counted from the records now
	// For the download: the figures as numbers and the claim's lines.
	YearN                int
	TotalFen, RecountFen int64
	Raw                  []store.SubsidyLine
}

// claimGroup is one queue's claims.
type claimGroup struct {
	Q     queue
	Lines []claimLine
}

// claimRow is one resident's line, as the form A7 lists it.
type claimRow struct {
	Name, Local, Disabled, Months, Monthly, Amount, Reason string
	Missing                                                bool // claimed, but the records count no such line
}

func rowOf(l *store.SubsidyLine) claimRow {
	c := report.SubsidyCells(*l)
	return claimRow{Name: l.Name, Local: c[0], Disabled: c[1], Months: c[2], Monthly: c[3], Amount: c[4], Reason: c[5]}
}

// claimLines are the claims of scope waiting in the user's queues, each
// recounted from the records the county holds.
func claimLines(rd *store.Reader, u *user, scope string, qs []queue) ([]claimLine, error) {
	var out []claimLine
	err := rd.Each(store.KindSubsidyClaim, scope, func(e store.Entity) error {
		cl := e.(*store.OperatingSubsidyClaim)
		q, ok := queueFor(u, store.KindSubsidyClaim, cl.Status)
		if !ok {
			return nil
		}
		l := claimLine{Q: q, ID: cl.ID, No: cl.ClaimNo, Place: placeOf(cl.Scope), Year: strconv.Itoa(cl.Year),
			Total: store.Yuan(cl.TotalFen), Residents: strconv.Itoa(len(cl.Lines)),
			Village: cl.VillageOpinion, VillageDate: string(cl.VillageDate), Township: cl.TownshipOpinion, TownshipDate: string(cl.TownshipDate),
			County: cl.CountyOpinion, CountyDate: string(cl.CountyDate),
			YearN: cl.Year, TotalFen: cl.TotalFen, Raw: cl.Lines}
		l.Home = titleOf(rd, u, cl.HomeID)
		for i := range cl.Lines {
			l.Lines = append(l.Lines, rowOf(&cl.Lines[i]))
		}
		// A claim that cannot be recounted (its home is gone) says so on
		// its own card; the rest of the page stands.
		diffs, recount, err := rd.CheckClaim(cl)
		if err != nil {
			l.Unchecked = store.MessageOf(err)
		}
		l.Agrees, l.Recount, l.RecountFen = err == nil && len(diffs) == 0 && recount == cl.TotalFen, store.Yuan(recount), recount
		for _, d := range diffs {
			if d.Counted != nil {
				l.Differs = append(l.Differs, rowOf(d.Counted))
			} else {
				r := rowOf(d.Claimed)
				r.Missing = true
				l.Differs = append(l.Differs, r)
			}
		}
		seen, err := rd.SeenOf(cl.ID)
		if err != nil {
			return err
		}
		l.Seen = encodeVV(seen.Context)
		out = append(out, l)
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Q.From != out[j].Q.From {
			return out[i].Q.From < out[j].Q.From
		}
		return out[i].No < out[j].No
	})
	return out, err
}
