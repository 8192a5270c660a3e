package store

import (
	"fmt"
	"strings"
)

// Title is how a record is named in a list, a picker or a review screen:
// what a person at the station recognises it by, including the names of the
// people it is about (names are shown in full on internal screens, §7.4).
// It never contains an ID number, a phone number or health information.
func (r *Reader) Title(e Entity) string {
	join := func(parts ...string) string {
		var out []string
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return strings.Join(out, " ")
	}
	name := func(personID string) string {
		if x, _ := r.LiveByString(personID, KindPerson); x != nil {
			return x.(*Person).Name
		}
		return ""
	}
	switch v := e.(type) {
	case *Household:
		head := name(v.HeadPersonID)
		if head != "" {
			head += "户"
		}
		return join(v.HouseholdNo, head, v.GroupName)
	case *Person:
		return v.Name
	case *Home:
		return v.Name
	case *Room:
		return v.RoomNo + "室"
	case *Bed:
		room := ""
		if x, _ := r.LiveByString(v.RoomID, KindRoom); x != nil {
			room = x.(*Room).RoomNo + "室"
		}
		return join(room, v.BedNo+"床")
	case *Admission:
		return join(name(v.PersonID), v.AdmissionNo, v.Status)
	case *ElderlyProfile:
		return join(name(v.PersonID), v.RiskTier)
	case *Visit:
		who := ""
		if x, _ := r.LiveByString(v.ElderlyID, KindElderlyProfile); x != nil {
			who = name(x.(*ElderlyProfile).PersonID)
		}
		return join(who, string(v.VisitDate), v.Method, v.VisitNo)
	case *Referral:
		who := ""
		if x, _ := r.LiveByString(v.ElderlyID, KindElderlyProfile); x != nil {
			who = name(x.(*ElderlyProfile).PersonID)
		}
		return join(who, v.NeedType, "→"+v.ReferredTo, v.Status, v.ReferralNo)
	case *Assessment:
		return join(name(v.PersonID), string(v.AssessDate), v.LevelName)
	case *HomecareEntitlement:
		return join(name(v.PersonID), v.Class, string(v.ValidFrom)+"起")
	case *ServiceRecord:
		return join(name(v.PersonID), string(v.ServiceDate), v.StartTime+"–"+v.EndTime, v.Caregiver, v.ServiceNo)
	case *FamilyDoctorSigning:
		return join(name(v.PersonID), "签约"+v.DoctorName, string(v.SignedFrom)+"至"+string(v.SignedTo))
	case *CreditRating:
		hh := ""
		if x, _ := r.LiveByString(v.HouseholdID, KindHousehold); x != nil {
			hh = r.Title(x)
		}
		return join(hh, v.Grade+"级", v.RatingNo)
	case *LoanApplication:
		return join(name(v.ApplicantPersonID), v.ApplicationNo, Yuan(v.AmountFen)+"元", v.Status)
	case *Loan:
		who := name(v.BorrowerPersonID)
		if who == "" {
			if x, _ := r.LiveByString(v.EnterpriseID, KindEnterprise); x != nil {
				who = x.(*Enterprise).Name
			}
		}
		return join(who, v.ContractNo, Yuan(v.PrincipalFen)+"元")
	case *Repayment:
		return join(string(v.PaidDate), Yuan(v.PrincipalFen+v.InterestFen)+"元")
	case *InterestSubsidy:
		return join(string(v.PeriodStart)+"至"+string(v.PeriodEnd), Yuan(v.SubsidyFen)+"元")
	case *PostLoanVisit:
		return join(string(v.VisitDate), v.Method, v.Visitor, v.VisitNo)
	case *CompensationClaim:
		who, contract := "", ""
		if x, _ := r.LiveByString(v.LoanID, KindLoan); x != nil {
			l := x.(*Loan)
			if who, contract = name(l.BorrowerPersonID), l.ContractNo; who == "" {
				if en, _ := r.LiveByString(l.EnterpriseID, KindEnterprise); en != nil {
					who = en.(*Enterprise).Name
				}
			}
		}
		return join(who, contract, "代偿"+Yuan(v.AmountFen)+"元", v.Status)
	case *DividendPayment:
		hh := ""
		if x, _ := r.LiveByString(v.HouseholdID, KindHousehold); x != nil {
			if hh = name(x.(*Household).HeadPersonID); hh != "" {
				hh += "户"
			}
		}
		void := ""
		if v.Voided {
			void = "（已作废）"
		}
		return join(hh, fmt.Sprintf("%d年%s%s", v.Year, v.Period, v.PayType), Yuan(v.AmountFen)+"元"+void)
	case *Enterprise:
		return v.Name
	case *EnterpriseLink:
		en := ""
		if x, _ := r.LiveByString(v.EnterpriseID, KindEnterprise); x != nil {
			en = x.(*Enterprise).Name
		}
		return join(en, v.LinkType)
	case *Origin:
		return join(v.StationName, v.StationCode)
	}
	return Summary(e)
}
