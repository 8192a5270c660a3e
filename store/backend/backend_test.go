package backend

import (
	"strings"
	"testing"
)

func TestRedactHidesEverySecret(t *testing.T) {
	for _, in := range []string{
		"postgres://cz:s3cret@db1/county",
		"postgres:///county?host=/run/pg&password=s3cret",
		"postgresql://cz@db1/county?sslpassword=s3cret&sslmode=verify-full",
		"postgres://cz:s3cret@db1/county?password=s3cret",
	} {
		out := Redact(in)
		if strings.Contains(out, "s3cret") || !strings.Contains(out, "xxxxx") {
			t.Errorf("Redact(%q) = %q", in, out)
		}
	}
	if out := Redact("postgres:///county?host=/run/pg"); out != "postgres:///county?host=/run/pg" {
		t.Errorf("a string without secrets changed: %q", out)
	}
	if out := Redact("county.db"); out != "county.db" {
		t.Errorf("a file path changed: %q", out)
	}
}
