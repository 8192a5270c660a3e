package store

import (
	"fmt"

	"github.com/google/uuid"
)

// Disbursement enters the loan and moves its application to 已放款 as one
// write: a loan without its application marked, or an application marked
// 已放款 without a loan, would each be a record the county cannot reconcile.

// CanDisburse returns the application a loan may be disbursed against, or
// why not: the application must exist and be 已批准, with no loan entered
// against it yet. Codes: APPLICATION_MISSING, APPLICATION_DISBURSED,
// APPLICATION_NOT_APPROVED. A form can ask before it offers 登记放款;
// Disburse asks again in its own transaction.
func (r *Reader) CanDisburse(applicationID string) (*LoanApplication, error) {
	id, err := uuid.Parse(applicationID)
	if err != nil {
		return nil, &Error{Code: "APPLICATION_MISSING", Field: "application_id", Message: "放款须对应一份已批准的贷款申请（请填写贷款申请）"}
	}
	x, err := r.Live(id, KindLoanApplication)
	if err != nil {
		return nil, fmt.Errorf("read application %s: %w", id, err)
	}
	a, ok := x.(*LoanApplication)
	if !ok {
		return nil, &Error{Code: "APPLICATION_MISSING", Field: "application_id", Message: "找不到该贷款申请，可能已删除"}
	}
	loans, err := r.Refs(id, KindLoan)
	if err != nil {
		return nil, fmt.Errorf("read loans of application %s: %w", id, err)
	}
	if a.Status == "已放款" || len(loans) > 0 {
		return nil, &Error{Code: "APPLICATION_DISBURSED", Field: "application_id", Message: "该申请已登记过放款，不能重复放款"}
	}
	if a.Status != "已批准" {
		return nil, &Error{Code: "APPLICATION_NOT_APPROVED", Field: "application_id", Message: fmt.Sprintf("该申请尚未获银行批准（现为“%s”），不能登记放款", a.Status)}
	}
	return a, nil
}

// Disburse enters a loan against an approved application and moves the
// application to 已放款, in this batch's transaction. loan.ApplicationID
// names the application (LoanFromApplication fills it). A refusal (see
// CanDisburse) or a problem with the loan writes nothing; the loan is
// validated like any new loan. Only a failure of the file itself after the
// checks (a full disk) can come back with the loan written in the batch; it
// is an error the batch's function returns, so the batch is not committed.
func (b *Batch) Disburse(loan *Loan, author string) (*SaveResult, error) {
	return b.w.disburse(loan, author)
}

// Disburse is Batch.Disburse as one durable transaction.
func (s *Store) Disburse(loan *Loan, author string) (*SaveResult, error) {
	var res *SaveResult
	err := s.update(func(w *writeTx) error {
		var err error
		res, err = w.disburse(loan, author)
		return err
	})
	return res, err
}

func (w *writeTx) disburse(loan *Loan, author string) (*SaveResult, error) {
	author = w.who(author)
	if err := w.requireStation(); err != nil {
		return nil, err
	}
	a, err := w.CanDisburse(loan.ApplicationID)
	if err != nil {
		return nil, err
	}
	st, err := w.State(a.ID)
	if err != nil {
		return nil, err
	}
	app, err := entityFromState(st)
	if err != nil {
		return nil, err
	}
	setStatus(app, "已放款")
	// Both records are checked before either is written, so a refusal in
	// a batch leaves the batch as it was.
	pa, err := w.prepareSave(app)
	if err != nil {
		return nil, fmt.Errorf("disburse: application: %w", err)
	}
	pl, err := w.prepareCreate(loan)
	if err != nil {
		return nil, err
	}
	res, err := w.write(pl.spec, pl.c, pl.scope, loan, pl.fs, nil, author, nil, loan)
	if err != nil {
		return nil, err
	}
	if _, err := w.write(pa.spec, pa.c, pa.scope, app, pa.fs, pa.ctx, author, pa.old, pa.next); err != nil {
		return nil, fmt.Errorf("disburse: mark application: %w", err)
	}
	return res, nil
}
