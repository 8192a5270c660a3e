// Package engine is the replication engine under the store: changes and
// their log, version vectors, the hybrid clock, the codec and its
// dictionary, multi-value field registers, apply (the pending queue,
// skips, duplicates and reused sequence numbers), write transactions over
// a storage (package kv: a bbolt file or PostgreSQL), the indexes every
// replica keeps (fields for review, records by kind and scope, scope
// checksums) and a county's relay index.
//
// It knows no record kind. The domain (package store) hands it the frozen
// dictionary of its field names and kinds (Dict) and an index rule
// (IndexFunc) for the indexes of its own, and keeps between transactions
// what lasts: the origin, its sequence number and the clock.
//
// The state of a replica is a function of the set of changes it holds:
// applying them in any order, in any batches, with any repeats, gives the
// same bytes. The tests of this package prove that with a made-up domain
// on both storages.
package engine
