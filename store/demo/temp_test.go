package demo_test

import "os"

func mkTemp() (string, error) { return os.MkdirTemp("", "cunzhan-demo-test-") }
