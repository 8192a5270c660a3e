package store

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
)

// Alarm is something that must never happen quietly: a station found
// restored from an old copy, one origin's sequence number arriving with two
// different contents, checksums that disagree. Each is kept until a person
// has seen it (Ack): the window shows the open ones on its first page, the
// command line prints them and ends with a non-zero status.
type Alarm struct {
	ID     uuid.UUID `json:"id"`
	Time   string    `json:"time"`
	What   string    `json:"what"`
	Origin string    `json:"origin,omitempty"`
	Seq    string    `json:"seq,omitempty"`
	Acked  string    `json:"acked,omitempty"` // when a person saw it
}

// raise records an alarm without a change to point at.
func (w *writeTx) raise(what string) error {
	return w.putAlarm(Alarm{What: what})
}

func (w *writeTx) putAlarm(a Alarm) error {
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	a.ID = id
	a.Time = w.s.now().In(ChinaTZ).Format("2006-01-02 15:04:05")
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return w.KV.Bucket(bAlarm).Put(id[:], b)
}

// Alarms lists the alarms, newest first; open ones only unless all.
func (s *Store) Alarms(all bool) ([]Alarm, error) {
	var out []Alarm
	err := s.View(func(r *Reader) error {
		c := r.KV().Bucket(bAlarm).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var a Alarm
			if err := json.Unmarshal(v, &a); err != nil {
				continue
			}
			copy(a.ID[:], k)
			if all || a.Acked == "" {
				out = append(out, a)
			}
		}
		return nil
	})
	return out, err
}

// AckAlarm marks an alarm as seen by a person; it stays in the file.
func (s *Store) AckAlarm(id uuid.UUID, who string) error {
	return s.update(func(w *writeTx) error {
		b := w.KV.Bucket(bAlarm)
		v := b.Get(id[:])
		if v == nil {
			return &Error{Code: CodeNotFound, Message: "没有这条提醒"}
		}
		var a Alarm
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("read alarm: %w", err)
		}
		a.Acked = w.s.now().In(ChinaTZ).Format("2006-01-02 15:04:05") + " " + who
		nb, _ := json.Marshal(a)
		return b.Put(id[:], nb)
	})
}

// RaiseAlarm records an alarm found outside a write (a sync's checksum
// comparison), unless the same one is open already: a disagreement found at
// every sync is one alarm until a person has seen it.
func (s *Store) RaiseAlarm(what string) error {
	open, err := s.Alarms(false)
	if err != nil {
		return err
	}
	for _, a := range open {
		if a.What == what {
			return nil
		}
	}
	return s.update(func(w *writeTx) error { return w.raise(what) })
}
