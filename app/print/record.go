package print

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// recordForms are the forms of one record, by code. A kind may have
// several (an admission prints as its application, its registration, its
// agreement and its discharge).
var recordForms = map[string]func(d *Doc, r *store.Reader, e store.Entity){
	"A1": func(d *Doc, r *store.Reader, e store.Entity) { d.formA1(r, e.(*store.Admission)) },
	"A2": func(d *Doc, r *store.Reader, e store.Entity) { d.formA2(r, e.(*store.Admission)) },
	"A3": func(d *Doc, r *store.Reader, e store.Entity) { d.formA3(r, e.(*store.Admission)) },
	"A5": func(d *Doc, r *store.Reader, e store.Entity) { d.formA5(r, e.(*store.Admission)) },
	"A6": func(d *Doc, r *store.Reader, e store.Entity) { d.formA6(r, e.(*store.Assessment)) },
	"A7": func(d *Doc, r *store.Reader, e store.Entity) { d.formA7(r, e.(*store.OperatingSubsidyClaim)) },
	"B2": func(d *Doc, r *store.Reader, e store.Entity) { d.formB2(r, e.(*store.Visit)) },
	"B3": func(d *Doc, r *store.Reader, e store.Entity) { d.formB3(r, e.(*store.Referral)) },
	"B5": func(d *Doc, r *store.Reader, e store.Entity) { d.formB5(r, e.(*store.ServiceRecord)) },
	"C1": func(d *Doc, r *store.Reader, e store.Entity) { d.formC1(r, e.(*store.LoanApplication)) },
	"C6": func(d *Doc, r *store.Reader, e store.Entity) { d.formC6(r, e.(*store.Loan)) },
	"C2": func(d *Doc, r *store.Reader, e store.Entity) { d.formC2(r, e.(*store.LoanApplication)) },
	"C3": func(d *Doc, r *store.Reader, e store.Entity) { d.formC3(r, e.(*store.CreditRating)) },
	"C5": func(d *Doc, r *store.Reader, e store.Entity) { d.formC5(r, e.(*store.PostLoanVisit)) },

	// A risk-compensation claim (C10).
	"C10": func(d *Doc, r *store.Reader, e store.Entity) { d.formC10(r, e.(*store.CompensationClaim)) },
}

// Form appends the form with the given code for one record.
func (d *Doc) Form(r *store.Reader, code string, id uuid.UUID) error {
	e, err := r.Get(id)
	if err != nil {
		return err
	}
	if store.MetaOf(e).Deleted {
		return &store.Error{Code: store.CodeDeleted, Message: "该记录已删除，不能打印"}
	}
	item, ok := Lookup(code)
	write := recordForms[item.Code]
	if !ok || item.Record == "" || write == nil {
		return &store.Error{Code: "PRINT_UNKNOWN_FORM", Message: "没有按单条记录打印的表“" + code + "”"}
	}
	if store.MetaOf(e).Kind() != item.Record {
		return &store.Error{Code: "PRINT_WRONG_RECORD", Message: fmt.Sprintf("%s要打印的是%s，所选记录是%s", item.Code, store.KindLabel(item.Record), store.KindLabel(store.MetaOf(e).Kind()))}
	}
	if item.Check != nil {
		if err := item.Check(r, e, d.opt.AsOf); err != nil {
			return err
		}
	}
	write(d, r, e)
	return d.Err()
}

// isDraft reports whether a record is still a draft: its forms print
// marked 草稿 on every page.
func isDraft(status string) bool { return status == "草稿" }
