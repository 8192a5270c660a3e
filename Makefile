# 村站 (cunzhan). `make run` and `make test` work on a fresh Debian/Ubuntu
# machine: they first install what is missing (gcc for cgo and the race
# detector, the GL/X11/Wayland headers Fyne needs, poppler-utils whose
# pdftotext, pdffonts and pdftoppm check the printed forms).

GO        ?= go
DATA      ?= demo.db
BIN       ?= bin/cunzhan
MONTH     ?= $(shell date +%Y-%m)
SYSTEM_PKGS := gcc libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev poppler-utils
# The real window is tested in an X server of its own (Xvfb), driven with
# the real mouse and keyboard (xdotool), photographed with ImageMagick, with
# a session bus as a desktop has (dbus).
SHOT_PKGS   := xvfb xdotool x11-xserver-utils imagemagick dbus
PACK_PKGS   := gcc-mingw-w64-x86-64
# A county on PostgreSQL is tested against a real server (.ci/with-pg).
PG_PKGS     := postgresql
# The county's web console is tested in a real headless browser.
BROWSER_PKGS := chromium
COUNTY_DEMO  ?= demo-county.db
CONSOLE_ADDR ?= 127.0.0.1:8787
SHOTS       ?= screenshots
FYNE        := bin/fyne

.PHONY: deps run build county console test test-suites bench soak fuzz vet fmt clean screenshots package

# ensure installs the Debian packages of its argument that are missing, and
# nothing else: apt-get update runs only when something has to be installed.
define ensure
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

deps:
	$(call ensure,$(SYSTEM_PKGS))
	@command -v $(GO) >/dev/null || { echo "Go 1.24 or later is needed: https://go.dev/dl/"; exit 1; }

build: deps
	$(GO) build -o $(BIN) .

# The county server builds without cgo and without the window toolkit.
county:
	CGO_ENABLED=0 $(GO) build -o bin/cunzhan-county ./sync/cmd/cunzhan-county
	@if $(GO) list -deps ./sync/cmd/cunzhan-county | grep -q '^fyne.io/'; then echo "cunzhan-county must not import Fyne"; exit 1; fi

# console: the county server holding the demo data set (domain.md §8) with
# demo accounts, serving the web console; it prints the address and the
# accounts (COUNTY_DEMO=file, CONSOLE_ADDR=host:port to change them).
console: county
	@[ -f $(COUNTY_DEMO) ] || ./bin/cunzhan-county --data $(COUNTY_DEMO) demo --station $(DATA) --address https://$(CONSOLE_ADDR)
	./bin/cunzhan-county --data $(COUNTY_DEMO) serve --addr $(CONSOLE_ADDR)

# run: open the window on the demo database, creating it first if there is
# none (DATA=path/to/station.db to open another file).
run: build
	@[ -f $(DATA) ] || ./$(BIN) demo --out $(DATA)
	./$(BIN) --data $(DATA)

vet:
	$(GO) vet ./... ./.ci/peimports
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "not gofmt'ed: $$unformatted"; exit 1; fi

# test: every package under the race detector (the randomized simulations
# with fewer seeds there), then the simulations in full without it, then the
# store and sync suites again with the county on PostgreSQL (a throwaway
# cluster on a Unix socket, .ci/with-pg; stations stay bbolt files, as in
# the field), then the real window: the program itself under Xvfb at
# 1024x768 and 1366x768, walking every screen, dialog and button with the
# real mouse and keyboard (its screenshots stay in $(SHOTS)/walkthrough-*/),
# after the cgo-free county build, and a short run of the real binaries as
# separate processes under random SIGKILLs (TestProcessesSurviveKills).
# Fuzz targets run their seed corpus as tests.
test: deps vet county
	$(call ensure,$(SHOT_PKGS) $(PG_PKGS) $(BROWSER_PKGS))
	.ci/with-pg $(MAKE) --no-print-directory test-suites

test-suites:
	$(GO) test -race -count=1 -short -timeout 30m ./... ./.ci/peimports
	$(GO) test -count=1 -run 'TestSimulation|TestReplicasConverge|TestRegisterMergeProperties' ./store/ ./store/engine/ ./sync/
	CUNZHAN_BROWSER=1 CUNZHAN_ARTEFACTS=$(SHOTS) $(GO) test -count=1 -run 'TestConsole' -v ./sync/cmd/cunzhan-county/
	CUNZHAN_BROWSER=1 CUNZHAN_TEST_BACKEND=postgres $(GO) test -count=1 ./store/ ./store/engine/ ./store/audit/ ./sync/...
	CUNZHAN_SOAK=1 $(GO) test -count=1 -timeout 20m -run 'TestProcessesSurviveKills|TestBinary' -v .
	CUNZHAN_REAL_WINDOW=1 CUNZHAN_ARTEFACTS=$(SHOTS) $(GO) test -count=1 -timeout 45m -run TestRealWindow -v .

# soak: thousands of simulated histories, then the real binaries as
# separate processes (a county and three stations) for 150 rounds of saves,
# syncs and SIGKILLs, with one station's file restored in place.
soak:
	$(GO) test -count=1 -timeout 4h -run TestSimulation ./sync/ -sim.seeds=3000
	CUNZHAN_SOAK_ROUNDS=150 $(GO) test -count=1 -timeout 2h -run TestProcessesSurviveKills -v .

# fuzz: each fuzz target for FUZZTIME (default 1m).
FUZZTIME ?= 1m
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeBody$$' -fuzztime $(FUZZTIME) ./sync/
	$(GO) test -run '^$$' -fuzz '^FuzzImport$$' -fuzztime $(FUZZTIME) ./sync/
	$(GO) test -run '^$$' -fuzz '^FuzzImportSigned$$' -fuzztime $(FUZZTIME) ./sync/
	$(GO) test -run '^$$' -fuzz '^FuzzApplyOrder$$' -fuzztime $(FUZZTIME) ./store/
	$(GO) test -run '^$$' -fuzz '^FuzzEngineApplyOrder$$' -fuzztime $(FUZZTIME) ./store/engine/

bench: deps
	$(call ensure,$(PG_PKGS))
	.ci/with-pg sh -c "CUNZHAN_BENCH=1 $(GO) test -timeout 2h -run '^$$|TestCountyMemoryRefusingHostileBundles' -v -bench . -benchmem -count=1 ./... | tee bench.out"

fmt:
	gofmt -w $$(git ls-files '*.go')

# screenshots: the real-window walkthrough of make test alone; the PNGs of
# every state it reached land in $(SHOTS)/walkthrough-1024x768/ and
# $(SHOTS)/walkthrough-1366x768/, with walk.log.
screenshots: deps
	$(call ensure,$(SHOT_PKGS))
	CUNZHAN_REAL_WINDOW=1 CUNZHAN_ARTEFACTS=$(SHOTS) $(GO) test -count=1 -timeout 45m -run TestRealWindow -v .

# package: the Linux package (binary, icon, desktop file) and the Windows
# .exe with its icon and version resource, from FyneApp.toml, cross-compiled
# with mingw-w64; and the county server for both. Everything lands in dist/.
# The fyne tool compiles C with -fstack-protector-strong -D_FORTIFY_SOURCE=3,
# whose __stack_chk_* and __*_chk come from libssp: -static links it, and any
# other MinGW runtime (libgcc, libwinpthread), into the .exe rather than
# needing libssp-0.dll beside it; peimports fails the build if a .exe still
# imports a DLL that Windows 10 does not ship.
package: deps
	$(call ensure,$(PACK_PKGS))
	$(GO) build -o $(FYNE) fyne.io/tools/cmd/fyne
	mkdir -p dist
	./$(FYNE) package --os linux --release
	mv 村站.tar.xz dist/cunzhan-linux-amd64.tar.xz
	CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CGO_LDFLAGS="-static -lssp" ./$(FYNE) package --os windows --release --app-id cn.cunzhan.station
	mv 村站.exe dist/cunzhan-windows-amd64.exe
	CGO_ENABLED=0 $(GO) build -trimpath -o dist/cunzhan-county-linux-amd64 ./sync/cmd/cunzhan-county
	CGO_ENABLED=0 GOOS=windows $(GO) build -trimpath -o dist/cunzhan-county-windows-amd64.exe ./sync/cmd/cunzhan-county
	$(GO) run ./.ci/peimports dist/cunzhan-windows-amd64.exe dist/cunzhan-county-windows-amd64.exe
	ls -l dist

clean:
	rm -rf bin bench.out dist $(SHOTS)
