package store

import "fmt"

// A loan the bank made before the station kept loans — one line of the
// ledger (贷款台账) the bank or the county hands out — has no application
// in this station: its recommendation chain, if it had one, is on paper
// elsewhere, so Disburse cannot enter it. Such a loan is entered as it
// stands in the ledger, with the bank's balance on the ledger's date.
//
// The station never saw what the borrower repaid before that date, only
// the bank's sum of it (principal − balance). EnterLedgerLoan records that
// sum as one repayment on the ledger's date with the source 台账结转, so
// that PositionOn, DueBy and StatusOn read the bank's balance from that
// day on, and an instalment the bank has been paid does not show as
// overdue. Its date is the day the bank vouched for the figure, not the
// day money moved: interest the store works out for days before it
// (InterestFor) counts the principal as unpaid, so a subsidy claim over
// those days takes the bank's own figures.

// RepayCarriedOver is the source of the repayment that carries over what a
// ledger says was repaid before its date.
const RepayCarriedOver = "台账结转"

// LedgerBalance is what a ledger says is still owed, and on which day.
type LedgerBalance struct {
	AsOf       Date  // the ledger's date (截至日期); the day of the carry-over
	BalanceFen int64 // principal still owed on AsOf, as the bank says
}

// EnterLedgerLoan enters a loan from a ledger: validated as any new loan
// (contract number unique, borrower of the household, amount, term and
// rate within policy), without an application (one with an application is
// disbursed with Disburse). A balance below the principal is carried over
// as one repayment (see above); a balance of 0 enters the loan as 已结清.
// Codes of its own: LEDGER_APPLICATION, LEDGER_BALANCE, LEDGER_DATE. The
// loan and its repayment are checked before either is written, so a
// refusal in a batch leaves the batch as it was.
func (b *Batch) EnterLedgerLoan(loan *Loan, bal LedgerBalance, author string) (*SaveResult, error) {
	return b.w.enterLedgerLoan(loan, bal, author)
}

// EnterLedgerLoan is Batch.EnterLedgerLoan as one durable transaction.
func (s *Store) EnterLedgerLoan(loan *Loan, bal LedgerBalance, author string) (*SaveResult, error) {
	var res *SaveResult
	err := s.update(func(w *writeTx) error {
		var err error
		res, err = w.enterLedgerLoan(loan, bal, author)
		return err
	})
	return res, err
}

func (w *writeTx) enterLedgerLoan(loan *Loan, bal LedgerBalance, author string) (*SaveResult, error) {
	author = w.who(author)
	if err := w.requireStation(); err != nil {
		return nil, err
	}
	var probs Problems
	fail := func(field, code, msg string) { probs = append(probs, &Error{Code: code, Field: field, Message: msg}) }
	if loan.ApplicationID != "" {
		fail("application_id", "LEDGER_APPLICATION", "有贷款申请的贷款请用“登记放款”，申请随之改为“已放款”")
	}
	carried := loan.PrincipalFen - bal.BalanceFen
	switch {
	case bal.BalanceFen < 0:
		fail("principal_fen", "LEDGER_BALANCE", "贷款余额不能为负数")
	case carried < 0:
		fail("principal_fen", "LEDGER_BALANCE", fmt.Sprintf("贷款余额（%s元）大于贷款本金（%s元）", yuan(bal.BalanceFen), yuan(loan.PrincipalFen)))
	case bal.BalanceFen == 0 && (loan.Status == "" || loan.Status == "正常"):
		loan.Status = "已结清"
	case bal.BalanceFen > 0 && loan.Status == "已结清":
		fail("status", "LOAN_BALANCE_OPEN", "尚有贷款余额"+yuan(bal.BalanceFen)+"元，不能登记为已结清")
	}
	// The carry-over's own rules, checked here because the repayment can
	// only be validated once its loan is written.
	if carried > 0 && loan.PrincipalFen > 0 {
		switch today := w.s.Today(); {
		case !bal.AsOf.Valid():
			fail("disbursed_on", "LEDGER_DATE", "台账日期无效，无法登记已还本金")
		case bal.AsOf > today:
			fail("disbursed_on", "LEDGER_DATE", "台账日期（"+string(bal.AsOf)+"）晚于今天")
		case loan.DisbursedOn.Valid() && bal.AsOf < loan.DisbursedOn:
			fail("disbursed_on", "LEDGER_DATE", "放款日（"+string(loan.DisbursedOn)+"）晚于台账日期（"+string(bal.AsOf)+"），台账的贷款余额与放款日不符")
		}
	}
	p, err := w.prepareCreate(loan)
	if err != nil {
		var more Problems
		if !asProblems(err, &more) {
			return nil, err
		}
		probs = append(probs, more...)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	res, err := w.write(p.spec, p.c, p.scope, loan, p.fs, nil, author, nil, loan)
	if err != nil {
		return nil, err
	}
	if carried > 0 {
		rep := &Repayment{LoanID: loan.ID.String(), PaidDate: bal.AsOf, PrincipalFen: carried, Source: RepayCarriedOver}
		if _, err := w.create(rep, author); err != nil {
			// Not a refusal of the row: the loan is written in this
			// transaction, which must not be committed.
			return nil, fmt.Errorf("ledger loan %s: carry-over repayment: %v", loan.ContractNo, err)
		}
	}
	return res, nil
}

// asProblems reads a validation failure as problems.
func asProblems(err error, p *Problems) bool {
	switch e := err.(type) {
	case Problems:
		*p = e
		return true
	case *Error:
		*p = Problems{e}
		return true
	}
	return false
}
