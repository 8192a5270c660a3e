package report

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the report as an Excel workbook: one sheet with the
// title, the table (header in bold, totals in bold), the notes, and each
// further section below it. Counts, money and rates go in as numbers (so a
// clerk can sum them); codes, ID numbers and everything else as text.
func (r *Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "报表"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	money, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})  // 0.00%
	dateFmt := "yyyy-mm-dd"
	date, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	xw := &xlsxWriter{f: f, sheet: sheet, money: money, pct: pct, bold: bold, date: date}
	tables := append([]Table{r.Table}, r.Sections...)
	for i, t := range tables {
		if i > 0 {
			xw.row++
		}
		xw.text(1, t.Title, title)
		xw.row++
		if t.Subtitle != "" && (i == 0 || t.Subtitle != r.Table.Subtitle) {
			xw.text(1, t.Subtitle, 0)
			xw.row++
		}
		for c, col := range t.Columns {
			xw.text(c+1, col.Name, bold)
		}
		xw.row++
		if i == 0 {
			// The first table's header stays in view while scrolling.
			f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: xw.row, TopLeftCell: xw.cell(1), ActivePane: "bottomLeft"})
		}
		for _, row := range t.Rows {
			xw.line(row, 0)
		}
		for _, row := range t.Totals {
			xw.line(row, bold)
		}
		for _, n := range t.Notes {
			xw.text(1, n, 0)
			xw.row++
		}
		if n := len(t.Columns); n > xw.cols {
			xw.cols = n
		}
	}
	for c := 1; c <= xw.cols; c++ {
		name, _ := excelize.ColumnNumberToName(c)
		f.SetColWidth(sheet, name, name, 14)
	}
	if xw.err != nil {
		return xw.err
	}
	_, err = f.WriteTo(w)
	return err
}

type xlsxWriter struct {
	f                *excelize.File
	sheet            string
	row, cols        int
	money, pct, bold int
	date             int
	err              error
}

func (x *xlsxWriter) cell(col int) string {
	name, _ := excelize.CoordinatesToCellName(col, x.row+1)
	return name
}

func (x *xlsxWriter) text(col int, s string, style int) {
	c := x.cell(col)
	if err := x.f.SetCellStr(x.sheet, c, s); err != nil && x.err == nil {
		x.err = err
	}
	if style != 0 {
		x.f.SetCellStyle(x.sheet, c, c, style)
	}
}

var (
	countRe = regexp.MustCompile(`^(0|[1-9][0-9]{0,8})$`)
	moneyRe = regexp.MustCompile(`^-?[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}$`)
	rateRe  = regexp.MustCompile(`^[0-9]{1,3}\.[0-9]{2}%$`)
	dateRe  = regexp.MustCompile(`^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$`)
)

// line writes a row, each cell as a number where it reads as one.
func (x *xlsxWriter) line(row []string, style int) {
	for i, v := range row {
		c := x.cell(i + 1)
		var err error
		num := 0
		switch {
		case countRe.MatchString(v):
			n, _ := strconv.Atoi(v)
			err = x.f.SetCellInt(x.sheet, c, int64(n))
		case moneyRe.MatchString(v):
			n, _ := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
			err, num = x.f.SetCellFloat(x.sheet, c, n, 2, 64), x.money
		case dateRe.MatchString(v):
			d, perr := time.Parse("2006-01-02", v)
			if perr != nil {
				err = x.f.SetCellStr(x.sheet, c, v)
				break
			}
			err, num = x.f.SetCellValue(x.sheet, c, d), x.date
		case rateRe.MatchString(v):
			n, _ := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
			err, num = x.f.SetCellFloat(x.sheet, c, n/100, 4, 64), x.pct
		default:
			err = x.f.SetCellStr(x.sheet, c, v)
		}
		if err != nil && x.err == nil {
			x.err = fmt.Errorf("xlsx %s: %w", c, err)
		}
		// A total that is money or a rate keeps its number format rather
		// than the bold of its row.
		st := style
		if num != 0 {
			st = num
		}
		if st != 0 {
			x.f.SetCellStyle(x.sheet, c, c, st)
		}
	}
	x.row++
}
