package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// The signing report by name, scoped, in each format; a signing made from
// record new and ended with record step; a village doctor's visit prefilled
// with the doctor of the elder's signing.
func TestDoctorSigningThroughCLI(t *testing.T) {
	db := demoCopy(t)
	out, errOut, code := run(t, "", "--data", db, "report", "doctor-signing", "--month", "2025-11", "--scope", "130131190", "--format", "json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var raw struct {
		Data struct {
			Total struct {
				Elderly int `json:"elderly"`
				Sig     int `json:"signed"`
				Rate    struct{ Text string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if tot := raw.Data.Total; tot.Elderly != 15 || tot.Sig != 11 || tot.Rate.Text != "73.33%" {
		t.Errorf("示例镇 %+v, want 11/15 73.33%%", tot)
	}
	out, _, code = run(t, "", "--data", db, "report", "doctor-signing", "--month", "2025-11", "--scope", "130131")
	if code != 0 || !strings.Contains(out, "72.22%") || !strings.Contains(out, "未签约名单") || !strings.Contains(out, "1301**********") {
		t.Errorf("text:\n%s", out)
	}
	out, _, code = run(t, "", "--data", db, "report", "doctor-signing", "--month", "2025-11", "--scope", "130131290", "--format", "csv")
	if code != 0 || !strings.Contains(out, "示例乡,丙村,3,2,66.67%,0") {
		t.Errorf("csv:\n%s", out)
	}
	if _, errOut, code := run(t, "", "--data", db, "report", "doctor-signing", "--month", "2025-11", "--scope", "13013"); code != 1 || errOut == "" {
		t.Errorf("a bad scope: %d %s", code, errOut)
	}

	// 杨秀德 (A8) never signed: sign him, then end it.
	person := find(t, db, "person", "id_number", "130131195812010637")
	draft, errOut, code := run(t, "", "--data", db, "record", "new", "family_doctor_signing", "--for", person, "--on", "2025-11-25")
	if code != 0 {
		t.Fatal(errOut)
	}
	for _, want := range []string{`"doctor_name": "刘建华"`, `"clinic_name": "甲村卫生室"`, `"signed_to": "2026-11-24"`, `"service_package": "老年人健康管理包"`} {
		if !strings.Contains(draft, want) {
			t.Errorf("record new lacks %s:\n%s", want, draft)
		}
	}
	out, errOut, code = run(t, draft, "--data", db, "--format", "json", "record", "put", "family_doctor_signing")
	if code != 0 {
		t.Fatalf("put: %s", errOut)
	}
	var saved struct{ ID string }
	json.Unmarshal([]byte(out), &saved)
	if _, errOut, code := run(t, draft, "--data", db, "record", "put", "family_doctor_signing"); code != 1 || !strings.Contains(errOut, "SIGNING_OVERLAP") {
		t.Errorf("a second signing for the same days: %d %s", code, errOut)
	}
	out, _, _ = run(t, "", "--data", db, "report", "doctor-signing", "--month", "2025-11", "--scope", "130131190201")
	if !strings.Contains(out, "85.71%") || strings.Contains(out, "杨秀德") {
		t.Errorf("甲村 after the signing:\n%s", out)
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "step", saved.ID, "--to", "已解约", "--on", "2025-11-28"); code != 1 || !strings.Contains(errOut, "end_reason") {
		t.Errorf("ended without a reason: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "step", saved.ID, "--to", "已解约", "--on", "2025-11-28", "--set", "end_reason=本人申请解约"); code != 0 {
		t.Fatalf("step: %s", errOut)
	}
	if got := get(t, db, saved.ID); got["status"] != "已解约" || got["ended_on"] != "2025-11-28" {
		t.Errorf("after the step: %v", got)
	}

	// A village doctor's visit to A3 (130131194503150025), signed with
	// 刘建华: made by him.
	profile := find(t, db, "elderly_profile", "person_id", find(t, db, "person", "id_number", "130131194503150025"))
	v, errOut, code := run(t, "", "--data", db, "record", "new", "visit", "--for", profile, "--on", "2025-11-26", "--method", "村医上门")
	if code != 0 {
		t.Fatal(errOut)
	}
	if !strings.Contains(v, `"method": "村医上门"`) || !strings.Contains(v, `"刘建华"`) {
		t.Errorf("doctor's visit prefilled as:\n%s", v)
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "new", "loan", "--method", "村医上门"); code != 2 || !strings.Contains(errOut, "--method") {
		t.Errorf("--method on a loan: %d %s", code, errOut)
	}
}
