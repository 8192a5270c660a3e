# 村站 (cunzhan). `make run` and `make test` work on a fresh Debian/Ubuntu
# machine: they first install what is missing (gcc for cgo and the race
# detector, the GL/X11/Wayland headers Fyne needs).

GO        ?= go
DATA      ?= demo.db
BIN       ?= bin/cunzhan
MONTH     ?= $(shell date +%Y-%m)
SYSTEM_PKGS := gcc libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev

.PHONY: deps run build test bench soak vet fmt clean

# deps installs the Debian packages that are missing, and nothing else:
# apt-get update runs only when something has to be installed.
deps:
	@missing=""; for p in $(SYSTEM_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@command -v $(GO) >/dev/null || { echo "Go 1.24 or later is needed: https://go.dev/dl/"; exit 1; }

build: deps
	$(GO) build -o $(BIN) .

# run: until the window lands, create the demo database if there is none and
# print this month's visit-coverage report from it.
run: build
	@[ -f $(DATA) ] || ./$(BIN) demo --out $(DATA)
	./$(BIN) --data $(DATA) report visit-coverage --month $(MONTH)

vet:
	$(GO) vet ./...

test: deps vet
	$(GO) test -race -count=1 ./...

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./... | tee bench.out

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin bench.out
