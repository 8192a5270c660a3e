package report

// rollUp lists village rows in code order and sums them into township rows
// (by the first nine digits of the code) and a total, the way every rate
// report counts: add sums the counts, finish computes a row's rate from
// its own summed counts, never from the rates below it; it is told the
// row's level (12 a village, 9 a township, 0 the total) for thresholds
// that differ by level. blank makes an empty row for a township code; the
// total's code and name are left to the caller.
func rollUp[R any](rows map[string]*R, blank func(code string) *R, add func(into, row *R), finish func(r *R, level int)) (villages, towns []R, total R) {
	byTown := map[string]*R{}
	for _, code := range sortedKeys(rows) {
		row := rows[code]
		finish(row, 12)
		villages = append(villages, *row)
		tc := code
		if len(code) >= 9 {
			tc = code[:9]
		}
		t := byTown[tc]
		if t == nil {
			t = blank(tc)
			byTown[tc] = t
		}
		add(t, row)
		add(&total, row)
	}
	for _, tc := range sortedKeys(byTown) {
		finish(byTown[tc], 9)
		towns = append(towns, *byTown[tc])
	}
	finish(&total, 0)
	return villages, towns, total
}
