// Package enginetest helps the tests of the engine and the store above it.
package enginetest

// Arrivals turns fuzz bytes into an order of arrival of items, in batches:
// each byte picks the next item (repeats allowed) and, with its high bit,
// ends a batch. Whatever was never picked arrives in one last batch, so
// every item arrives at least once.
func Arrivals[T any](items []T, order []byte) [][]T {
	var batches [][]T
	var cur []T
	picked := make([]bool, len(items))
	for i, x := range order {
		if i > 4*len(items) {
			break
		}
		k := int(x) % len(items)
		cur = append(cur, items[k])
		picked[k] = true
		if x&0x80 != 0 {
			batches = append(batches, cur)
			cur = nil
		}
	}
	for k, p := range picked {
		if !p {
			cur = append(cur, items[k])
		}
	}
	return append(batches, cur)
}
