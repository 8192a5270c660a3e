//go:build !unix && !windows

package store

// fileID is not available here; the registry alone notices restored files.
func fileID(string) (string, error) { return "", nil }
