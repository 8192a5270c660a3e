package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// ParsePolicyFile reads a policy file the county hands out and applies it
// to base (the station's policy now): either policy settings (all of them,
// or only those the file names, such as {"loan_max_fen": 5000000}) or a
// credit-rating scheme on its own ({"id", "name", "items", "tiers",
// "validity_months"}). The result is checked as SetPolicy would; it is not
// saved. Refusals: POLICY_FORMAT (not a JSON object, or a value of the
// wrong type), POLICY_UNKNOWN_FIELD (a name neither a policy nor a scheme
// has: a misspelt setting is refused rather than silently ignored),
// SCHEME_ID_REUSED (a scheme whose content changed under the id of the
// scheme in use: ratings made under that id would be re-graded; a revised
// scheme needs a new id), and the POLICY_INVALID problems of Policy.Check.
func ParsePolicyFile(b []byte, base Policy) (Policy, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil || keys == nil {
		return base, &Error{Code: "POLICY_FORMAT", Message: "政策文件应为一个JSON对象", Err: err}
	}
	p := clonePolicy(base)
	if isScheme(keys) {
		var sc RatingScheme
		if err := strictDecode(b, &sc); err != nil {
			return base, fmt.Errorf("rating scheme file: %w", err)
		}
		p.RatingScheme = sc
	} else {
		if _, ok := keys["homecare_hours"]; ok {
			p.HomecareHours = nil // a map decodes into the old one: replace it instead
		}
		if err := strictDecode(b, &p); err != nil {
			return base, fmt.Errorf("policy file: %w", err)
		}
	}
	sc, old := p.RatingScheme, base.RatingScheme
	if sc.ID == old.ID && !reflect.DeepEqual(sc, old) {
		return base, &Error{Code: "SCHEME_ID_REUSED", Field: "rating_scheme", Message: fmt.Sprintf("评级授信方案“%s”的内容有改动但编号（%s）未变；修订后的方案须使用新编号，否则按原方案评定的结果会被重新计算", sc.Name, sc.ID)}
	}
	if err := p.Check(); err != nil {
		return base, err
	}
	return p, nil
}

// isScheme tells a rating scheme from policy settings by its keys: a
// scheme has items or tiers and no policy setting.
func isScheme(keys map[string]json.RawMessage) bool {
	_, items := keys["items"]
	_, tiers := keys["tiers"]
	if !items && !tiers {
		return false
	}
	for _, f := range SchemaOf(Policy{}) {
		if _, ok := keys[f.Name]; ok {
			return false
		}
	}
	return true
}

// strictDecode decodes one JSON object into v, refusing unknown names.
func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return &Error{Code: "POLICY_FORMAT", Message: "政策文件只能有一个JSON对象"}
		}
		return nil
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &Error{Code: "POLICY_UNKNOWN_FIELD", Field: name, Message: "政策文件中有不认识的项目“" + name + "”（拼写有误，或不是本版本的政策参数）", Err: err}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &Error{Code: "POLICY_FORMAT", Field: te.Field, Message: fmt.Sprintf("政策文件中“%s”的取值类型不对（应为%s）", te.Field, te.Type), Err: err}
	}
	return &Error{Code: "POLICY_FORMAT", Message: "政策文件不是有效的JSON：" + err.Error(), Err: err}
}
