package print

import (
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"github.com/cunzhan/cunzhan/assets"

	"github.com/cunzhan/cunzhan/store"
)

// visitsOf loads the submitted visits of the demo data set.
func visitsOf(b *testing.B, st *store.Store) []*store.Visit {
	var vs []*store.Visit
	_ = st.View(func(r *store.Reader) error {
		return r.Each(store.KindVisit, "", func(e store.Entity) error {
			if v := e.(*store.Visit); v.Status != "草稿" {
				vs = append(vs, v)
			}
			return nil
		})
	})
	if len(vs) == 0 {
		b.Fatal("no visits")
	}
	return vs
}

// Cutting the common face out of the bundled font, once per process on
// the first print (font.go).
func BenchmarkCutCommonFace(b *testing.B) {
	set := commonRunes()
	for i := 0; i < b.N; i++ {
		if len(fpdf.UTF8CutFont(assets.Font(), set)) == 0 {
			b.Fatal("cut failed")
		}
	}
}

// Parsing the font face a document uses, which fpdf does once per
// document.
func BenchmarkFontLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		NewDoc(Options{Now: printTime})
	}
}

// One form after the font is loaded: a visit record (B2) laid out and the
// finished one-page PDF written, font subset included.
func BenchmarkOneFormAfterFontLoaded(b *testing.B) {
	st := openDemo(b)
	vs := visitsOf(b, st)
	size := 0
	err := st.View(func(r *store.Reader) error {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			d := NewDoc(Options{Now: printTime})
			b.StartTimer()
			d.formB2(r, vs[i%len(vs)])
			pdf, err := d.Bytes()
			if err != nil {
				return err
			}
			size = len(pdf)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(size), "bytes/form")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/form")
}

// A batch of 300 visit records in one document, from the font parse to the
// finished file.
func BenchmarkBatch300Forms(b *testing.B) {
	st := openDemo(b)
	vs := visitsOf(b, st)
	size := 0
	err := st.View(func(r *store.Reader) error {
		for i := 0; i < b.N; i++ {
			d := NewDoc(Options{Now: printTime})
			for j := 0; j < 300; j++ {
				d.formB2(r, vs[j%len(vs)])
			}
			pdf, err := d.Bytes()
			if err != nil {
				return err
			}
			size = len(pdf)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(size)/300, "bytes/form")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/batch")
}

// A form added to a document whose font is already loaded, without writing
// the file: what each further form of a batch costs.
func BenchmarkFormInOpenDocument(b *testing.B) {
	st := openDemo(b)
	vs := visitsOf(b, st)
	d := NewDoc(Options{Now: printTime})
	err := st.View(func(r *store.Reader) error {
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			d.formB2(r, vs[i%len(vs)])
		}
		return d.Err()
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/form")
}
