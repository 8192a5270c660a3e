package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/cunzhan/cunzhan/app/print"
	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
)

// cmdPrint writes a form or report as a PDF:
//
//	print FORM --record ID --out FILE.pdf [--as-of YYYY-MM-DD] [--unmasked --purpose TEXT]
//	print REPORT --month YYYY-MM [--scope CODE] --out FILE.pdf [--unmasked --purpose TEXT]
func cmdPrint(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"record", "out", "month", "year", "quarter", "scope", "operator", "as-of", "purpose"}, []string{"unmasked"})
	if err != nil {
		return err
	}
	if len(pos) != 1 || vals["out"] == "" {
		var codes []string
		for _, it := range print.Catalog {
			codes = append(codes, it.Code)
		}
		return usagef("用法：print FORM --record ID --out FILE.pdf [--as-of YYYY-MM-DD] [--unmasked --purpose 用途] 或 print REPORT --month YYYY-MM [--scope CODE] --out FILE.pdf；可打印：%s", strings.Join(codes, "、"))
	}
	item, ok := print.Lookup(pos[0])
	if !ok {
		return &store.Error{Code: "PRINT_UNKNOWN_FORM", Message: "没有这张表：" + pos[0]}
	}
	s, err := e.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	job := print.Job{Code: item.Code}
	if item.Record != "" {
		if vals["record"] == "" {
			return usagef("%s %s 按单条记录打印，请加 --record ID", item.Code, item.Title)
		}
		if job.Record, err = parseID(vals["record"]); err != nil {
			return err
		}
	} else if job.Params, err = periodParams(s, vals); err != nil {
		return err
	}
	opt := print.Options{Unmasked: e.unmasked || vals["unmasked"] == "true", Purpose: vals["purpose"], Operator: vals["operator"], Now: e.now(), AsOf: store.Date(vals["as-of"])}
	if op := s.CurrentOperator(); op != nil {
		opt.Operator = op.Name // who prints, not who a flag names
	}
	var pdf []byte
	err = s.View(func(r *store.Reader) error {
		var err error
		pdf, err = print.Render(context.Background(), r, job, opt, nil)
		return err
	})
	if err != nil {
		return err
	}
	if err := atomicfile.Write(vals["out"], pdf); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, vals["out"])
	return nil
}
