module github.com/cunzhan/cunzhan

go 1.25.0

require (
	github.com/google/uuid v1.6.0
	github.com/mozillazg/go-pinyin v0.21.0
	go.etcd.io/bbolt v1.4.3
)

require (
	github.com/stretchr/testify v1.11.1 // indirect
	golang.org/x/sync v0.21.0 // indirect
	golang.org/x/sys v0.46.0 // indirect
)
