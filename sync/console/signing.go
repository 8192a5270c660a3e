package console

import (
	"github.com/cunzhan/cunzhan/app/print"
	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// The dashboard's family-doctor signing rate (家庭医生签约服务率) of the
// elderly at home: the scope's rate, and one line for each township of the
// county, or each village of a township, from summed counts as every figure
// of the page; at a village, the unsigned by name, masked.

// signingLine is a row of the dashboard's signing table.
type signingLine struct {
	report.SigningRow
	Drill string // the scope one level down, "" at a village
}

// signing counts the rate for the figures of a scope and month: the
// counts alone above a village.
func (f *figures) signing(rd *store.Reader, scope string, month store.Month) error {
	if len(scope) == 12 {
		rep, err := report.DoctorSigning(rd, scope, month)
		if err != nil {
			return err
		}
		f.Sign = rep.Data.(*report.SigningData)
		return nil
	}
	var err error
	f.Sign, err = report.DoctorSigningCounts(rd, scope, month)
	return err
}

// signingLines are the townships of a county's page, the villages of a
// township's or a village's.
func signingLines(scope string, d *report.SigningData) []signingLine {
	if d == nil {
		return nil
	}
	var out []signingLine
	if len(scope) == 6 {
		for _, t := range d.Townships {
			out = append(out, signingLine{t, t.Code})
		}
		return out
	}
	for _, v := range d.Villages {
		drill := ""
		if len(scope) < 12 {
			drill = v.Code
		}
		out = append(out, signingLine{v, drill})
	}
	return out
}

// signingForm is the code of the periodic form that prints the signing
// report, "" while there is none: the dashboard links its table to the
// report's download only then.
func signingForm() string {
	for _, it := range print.Catalog {
		if it.Report == "doctor-signing" && it.Record == "" && it.Period == "month" {
			return it.Code
		}
	}
	return ""
}
