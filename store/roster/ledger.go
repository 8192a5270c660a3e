package roster

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/cunzhan/cunzhan/store"
)

// The micro-loan ledger (贷款台账) a bank or the county hands a station:
// one loan a row, its borrower found among the station's people by ID
// number (the roster comes first), the household the borrower's. A loan
// the station holds already (by 借款合同号 or 借据号) is skipped, so a
// ledger can be imported again each month. The loans have no application
// in this station: each goes in through store.EnterLedgerLoan, validated
// as any loan, with the bank's balance carried over (see there) as of the
// ledger's date: the one given, else the one its title gives (截至…), else
// the day of the import. The report's title says which.
//
// Amounts are in 元 unless the column's header (or a 单位：万元 line above
// it) says 万元; rates are read as 4.35%, 4.35 or 0.0435. A ledger with no
// 贷款模式 column lends 户贷户用 from the day the policy stopped new
// 户贷企用 loans; an older loan is entered so too, with a note to check.
// 贷款用途 is put in the store's categories where its words say which. A
// ledger without a 贷款余额 column says nothing of repayments: none is
// recorded.

// LedgerFields are the columns of a loan ledger.
var LedgerFields = Fieldset{
	{"row_no", "序号", []string{"序号", "编号"}},
	{"name", "借款人姓名", []string{"借款人姓名", "借款人", "姓名", "客户姓名", "客户名称", "贷款户姓名"}},
	{"id_number", "借款人身份证号", []string{"借款人身份证号", "借款人身份证号码", "身份证号", "身份证号码", "公民身份号码", "证件号码"}},
	{"contract_no", "借款合同号", []string{"借款合同号", "合同号", "合同编号", "借款合同编号", "贷款合同号"}},
	{"note_no", "借据号", []string{"借据号", "借据编号", "借据"}},
	{"principal", "贷款金额", []string{"贷款金额", "放款金额", "借款金额", "合同金额", "发放金额", "贷款本金"}},
	{"disbursed_on", "放款日期", []string{"放款日期", "发放日期", "放款日", "借款日期", "贷款发放日期", "起贷日期"}},
	{"due_on", "到期日期", []string{"到期日期", "到期日", "贷款到期日", "到期时间"}},
	{"rate", "年利率", []string{"年利率", "执行利率", "贷款利率", "利率", "执行年利率", "年利率%"}},
	{"balance", "贷款余额", []string{"贷款余额", "余额", "本金余额", "贷款本金余额"}},
	{"bank_name", "承贷银行", []string{"承贷银行", "贷款银行", "放款银行", "经办银行", "承贷机构", "银行"}},
	{"branch", "网点", []string{"网点", "经办网点", "营业网点", "支行"}},
	{"purpose", "贷款用途", []string{"贷款用途", "用途", "资金用途", "借款用途"}},
	{"risk_class", "五级分类", []string{"五级分类", "风险分类", "贷款分类"}},
	{"repay_method", "还款方式", []string{"还款方式"}},
	{"mode", "贷款模式", []string{"贷款模式", "使用方式", "贷款使用方式", "资金使用方式"}},
	{"note", "备注", []string{"备注", "说明"}},
}

// ledger is what every row of one ledger shares.
type ledger struct {
	asOf       store.Date
	wanP, wanB bool // 万元 columns
	hasBalance bool
	notes      map[string]bool // 借据号 held, the rows imported so far included
	cutoff     store.Date
}

// ImportLoans brings a loan ledger in, one transaction, as of opt.AsOf
// (""): as the ledger's title says, else today); a dry run writes nothing.
func ImportLoans(ctx context.Context, s *store.Store, rows [][]string, opt Options) (*Result, error) {
	asOf := opt.AsOf
	m, err := LedgerFields.prepare(rows, opt, nil, "贷款台账")
	if err != nil {
		return nil, err
	}
	if err := m.Require("id_number", "contract_no", "principal", "disbursed_on", "due_on", "rate", "bank_name", "repay_method"); err != nil {
		return nil, err
	}
	lg := &ledger{asOf: asOf, wanP: wanColumn(rows, m, "principal"), wanB: wanColumn(rows, m, "balance"), hasBalance: m.Column("balance") >= 0}
	if lg.asOf == "" {
		lg.asOf = titleDay(rows, m)
	}
	if lg.asOf == "" {
		lg.asOf = s.Today()
	}
	data := readRows(rows, m)
	precheck(data)
	checkNumbers(data)
	res := &Result{DryRun: opt.DryRun, Mapping: m, Register: "贷款台账（截至" + string(lg.asOf) + "）"}
	err = s.Batch(func(b *store.Batch) error {
		rd := b.Reader()
		lg.cutoff, lg.notes = rd.Policy().HuDaiQiYongCutoff, map[string]bool{}
		loans, err := store.All[*store.Loan](rd, store.KindLoan, "")
		if err != nil {
			return err
		}
		for _, l := range loans {
			lg.notes[l.NoteNo] = l.NoteNo != ""
		}
		for n, r := range data {
			if err := ctx.Err(); err != nil {
				return &store.Error{Code: "CANCELLED", Message: "导入已取消，没有写入任何内容"}
			}
			if opt.Progress != nil && n%50 == 0 {
				opt.Progress("写入", n, len(data))
			}
			rr, err := loanRow(b, r, lg, opt.Author)
			if err != nil {
				return err
			}
			res.add(rr)
		}
		if opt.DryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	return res, nil
}

// checkNumbers refuses what the rows' numbers make impossible: the same
// 借款合同号 or 借据号 twice, or one Excel kept as a number (its last
// digits lost). One borrower with two loans is not a duplicate, as it is
// on a roster: precheck's duplicate-ID problem goes.
func checkNumbers(data []*row) {
	first := map[string]int{}
	for _, r := range data {
		r.problems = slices.DeleteFunc(r.problems, func(e *store.Error) bool { return e.Code == "ROSTER_DUPLICATE_ID" })
		for _, f := range []struct{ field, label string }{{"contract_no", "借款合同号"}, {"note_no", "借据号"}} {
			no := strings.ReplaceAll(r.cells[f.field], " ", "")
			switch n, dup := first[f.field+no]; {
			case r.skip != "" || no == "":
			case sciNumber.MatchString(no):
				r.problem("LEDGER_NUMBER_AS_NUMBER", f.field, f.label+"被Excel存成了数字（显示为 "+no+"），末几位已经丢失：请把这一列设为“文本”格式后重新录入")
			case dup:
				r.problem("LEDGER_DUPLICATE_NUMBER", f.field, "与第"+strconv.Itoa(n)+"行的"+f.label+"相同")
			default:
				first[f.field+no] = r.n
			}
		}
	}
}

// loanRow imports one row of a ledger. An error is not the row's: it
// stops the import.
func loanRow(b *store.Batch, r *row, lg *ledger, author string) (RowResult, error) {
	rr := RowResult{Row: r.n, Name: r.cells["name"]}
	refuse := func(errs ...*store.Error) (RowResult, error) {
		rr.Outcome, rr.Problems = Rejected, errs
		return rr, nil
	}
	held := func(what string) (RowResult, error) {
		rr.Outcome = Skipped
		rr.Warnings = append(rr.Warnings, &store.Error{Code: "ALREADY_HELD", Message: "本站已有" + what + "的贷款，未重复导入"})
		return rr, nil
	}
	if r.skip != "" {
		rr.Outcome = Skipped
		rr.Warnings = []*store.Error{{Code: "ROSTER_NOT_PERSON", Message: "不是借款人行：" + r.skip}}
		return rr, nil
	}
	rr.IDMasked = r.masked
	if len(r.problems) > 0 {
		return refuse(r.problems...)
	}
	rd := b.Reader()
	contract, note := strings.ReplaceAll(r.cells["contract_no"], " ", ""), strings.ReplaceAll(r.cells["note_no"], " ", "")
	if contract != "" {
		ids, _ := rd.ByNumber(contract)
		for _, id := range ids {
			if x, _ := rd.Live(id, store.KindLoan); x != nil {
				return held("借款合同号为" + contract)
			}
		}
	}
	if lg.notes[note] {
		return held("借据号为" + note)
	}
	ids, _ := rd.PersonsByIDNumber(r.id.Number)
	if len(ids) == 0 {
		return refuse(&store.Error{Code: "BORROWER_NOT_ON_ROSTER", Field: "id_number", Message: "本站花名册中没有这个身份证号：请先导入或登记借款人所在的户"})
	}
	x, err := rd.Get(ids[0])
	if err != nil {
		return rr, err
	}
	p := x.(*store.Person)
	if n := strings.ReplaceAll(r.cells["name"], " ", ""); n != "" && n != p.Name {
		rr.Warnings = append(rr.Warnings, &store.Error{Code: "LEDGER_NAME", Field: "name", Message: "台账上的借款人“" + n + "”与花名册上的“" + p.Name + "”不同，按身份证号登记"})
	}
	l := &store.Loan{ContractNo: contract, NoteNo: note, BankName: r.cells["bank_name"], Branch: r.cells["branch"],
		HouseholdID: p.HouseholdID, BorrowerPersonID: ids[0].String(), RepayMethod: repayMethod(r.cells["repay_method"]),
		RiskClass: strings.TrimSuffix(strings.ReplaceAll(r.cells["risk_class"], " ", ""), "类")}
	var probs []*store.Error
	var derr *store.Error
	if l.DisbursedOn, derr = dateCell(r, "disbursed_on", "放款日期"); derr != nil {
		probs = append(probs, derr)
	}
	if l.DueOn, derr = dateCell(r, "due_on", "到期日期"); derr != nil {
		probs = append(probs, derr)
	}
	if v := r.cells["principal"]; v != "" {
		var ok bool
		if l.PrincipalFen, ok = parseFen(v, lg.wanP); !ok {
			probs = append(probs, moneyProblem("principal", "贷款金额", v))
		} else if l.PrincipalFen < 100_000 && !lg.wanP && !strings.Contains(v, "万") {
			probs = append(probs, &store.Error{Code: "LEDGER_AMOUNT_UNIT", Field: "principal", Message: "贷款金额“" + v + "”不足1000元：如台账以万元为单位，请在表头写明“贷款金额（万元）”"})
		}
	}
	if v := r.cells["rate"]; v != "" {
		var ok bool
		if l.AnnualRateBP, ok = parseRateBP(v); !ok {
			probs = append(probs, &store.Error{Code: "LEDGER_RATE", Field: "rate", Message: "年利率“" + v + "”读不出：可写 4.35%、4.35 或 0.0435（精确到0.01%）"})
		}
	}
	bal := l.PrincipalFen
	if v := r.cells["balance"]; v != "" {
		var ok bool
		if bal, ok = parseFen(v, lg.wanB); !ok {
			probs = append(probs, moneyProblem("balance", "贷款余额", v))
		}
	} else if lg.hasBalance {
		rr.Warnings = append(rr.Warnings, &store.Error{Code: "LEDGER_NO_BALANCE", Field: "balance", Message: "台账未填贷款余额：按尚未还款登记，已还的款项请逐笔登记"})
	}
	if v := strings.ReplaceAll(r.cells["mode"], " ", ""); v != "" {
		if l.Mode = modeWords[v]; l.Mode == "" {
			l.Mode = v // the store refuses it with its list
		}
	} else {
		l.Mode = store.ModeHuDaiHuYong
		if l.DisbursedOn != "" && l.DisbursedOn < lg.cutoff {
			rr.Warnings = append(rr.Warnings, &store.Error{Code: "LEDGER_MODE", Field: "mode", Message: "台账没有贷款模式，按“户贷户用”登记；" + string(lg.cutoff) + "以前的贷款也可能是“户贷企用”，请核对"})
		}
	}
	if v := strings.ReplaceAll(r.cells["purpose"], " ", ""); v != "" {
		l.Purpose = purposeOf(v)
		switch {
		case l.Purpose == "":
			rr.Warnings = append(rr.Warnings, &store.Error{Code: "LEDGER_PURPOSE", Field: "purpose", Message: "贷款用途“" + v + "”归不进 " + strings.Join(store.LoanPurposes, "、") + "，没有登记用途"})
		case l.Purpose != v:
			rr.Warnings = append(rr.Warnings, &store.Error{Code: "LEDGER_PURPOSE", Field: "purpose", Message: "贷款用途“" + v + "”登记为“" + l.Purpose + "”"})
		}
	}
	if len(probs) > 0 {
		return refuse(probs...)
	}
	res, err := b.EnterLedgerLoan(l, store.LedgerBalance{AsOf: lg.asOf, BalanceFen: bal}, author)
	if err != nil {
		var ps store.Problems
		var se *store.Error
		if errors.As(err, &ps) || errors.As(err, &se) {
			return refuse(problemsOf(err)...)
		}
		return rr, err
	}
	lg.notes[note] = note != ""
	rr.Outcome = Imported
	if repaid := l.PrincipalFen - bal; repaid > 0 {
		msg := "台账余额" + store.Yuan(bal) + "元：已还本金" + store.Yuan(repaid) + "元按“" + store.RepayCarriedOver + "”登记于" + string(lg.asOf)
		if bal == 0 {
			msg += "，贷款登记为已结清"
		}
		rr.Warnings = append(rr.Warnings, &store.Error{Code: "LEDGER_CARRIED", Field: "balance", Message: msg})
	}
	rr.Warnings = append(rr.Warnings, res.Warnings...)
	if v := r.cells["note"]; v != "" {
		rr.Warnings = append(rr.Warnings, &store.Error{Code: "ROSTER_NOTE", Field: "note", Message: "备注没有导入：" + v})
	}
	return rr, nil
}
