package store

import (
	"errors"
	"sync"

	"github.com/cunzhan/cunzhan/store/kv"
)

// Secrets kept beside the records: the sync package's private keys (a
// station's credential, the county's identity and TLS key) live in its
// buckets. In a protected file they are sealed under a key derived from
// the data key, so that a copied file cannot sign bundles as the station
// or the county, nor read the bundles sent to it.

// secretMarker starts a sealed secret; a plain one (kept before the file
// was protected, and resealed when it is) is JSON.
const secretMarker = 0x03

var (
	secretsMu     sync.Mutex
	secretPlaces  = map[[2]string]bool{}
	errSecretOpen = errors.New("sealed secret does not open")
)

// RegisterSecret names a value of a sync bucket that is sealed at rest:
// protecting a file seals what is already there.
func RegisterSecret(bucket, key string) {
	secretsMu.Lock()
	defer secretsMu.Unlock()
	secretPlaces[[2]string{bucket, key}] = true
}

func secretAD(bucket, key string) []byte { return []byte("secret\x00" + bucket + "\x00" + key) }

func (u *unlocked) secretKey() []byte { return u.suite.Derive(u.dk, "secrets", 32) }

// sealSecret is a secret's stored form (plain when u is nil: unprotected).
func sealSecret(u *unlocked, bucket, key string, plain []byte) ([]byte, error) {
	if u == nil {
		return plain, nil
	}
	w, err := u.suite.Wrap(u.secretKey(), plain, secretAD(bucket, key))
	if err != nil {
		return nil, err
	}
	return append([]byte{secretMarker}, w...), nil
}

// openSecret reads a secret's stored form.
func openSecret(u *unlocked, bucket, key string, stored []byte) ([]byte, error) {
	if len(stored) == 0 || stored[0] != secretMarker {
		return stored, nil
	}
	if u == nil {
		return nil, errLocked
	}
	p, err := u.suite.Unwrap(u.secretKey(), stored[1:], secretAD(bucket, key))
	if err != nil {
		return nil, &Error{Code: CodeCorrupt, Message: "数据文件中的站点密钥已损坏或被改动", Err: errSecretOpen}
	}
	return p, nil
}

// PutSecret stores a secret in a sync bucket, sealed if the file is
// protected.
func (t *WriteTx) PutSecret(bucket, key string, v []byte) error {
	b, err := t.SyncBucket(bucket)
	if err != nil {
		return err
	}
	stored, err := sealSecret(t.w.keys, bucket, key, v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), stored)
}

// Secret reads a secret of a sync bucket; nil when there is none.
func (r *Reader) Secret(bucket, key string) ([]byte, error) {
	b := r.SyncBucket(bucket)
	if b == nil {
		return nil, nil
	}
	v := b.Get([]byte(key))
	if v == nil {
		return nil, nil
	}
	keys := r.keys
	if r.w != nil {
		keys = r.w.keys
	}
	return openSecret(keys, bucket, key, v)
}

// sealSecrets seals the registered secrets a file held in the clear.
func sealSecrets(tx kv.Tx, u *unlocked) error {
	for _, p := range registeredSecrets() {
		b := tx.Bucket([]byte(p[0]))
		if b == nil {
			continue
		}
		v := b.Get([]byte(p[1]))
		if v == nil || v[0] == secretMarker {
			continue
		}
		sealed, err := sealSecret(u, p[0], p[1], append([]byte(nil), v...))
		if err != nil {
			return err
		}
		if err := b.Put([]byte(p[1]), sealed); err != nil {
			return err
		}
	}
	return nil
}

// registeredSecrets lists the places RegisterSecret named.
func registeredSecrets() [][2]string {
	secretsMu.Lock()
	defer secretsMu.Unlock()
	places := make([][2]string, 0, len(secretPlaces))
	for p := range secretPlaces {
		places = append(places, p)
	}
	return places
}
