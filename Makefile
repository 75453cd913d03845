# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
#
# The two commands of the README, for a fresh Debian 12 machine:
#   make demo    install what is missing, build into build/, run `zsim demo`
#   make check   the same set-up, then the whole default test suite:
#                a debug build with every test also under Valgrind memcheck,
#                an ASan+UBSan build, and a TSan build of the threaded tests;
#                cppcheck and the man pages are checked in the debug build;
#                each leg also runs the kernel's own mm/zsmalloc.c (label
#                linux: linux-source-6.12 and 6.1; LINUX_SRC= leaves it out).
#                Compiler warnings are errors there: WERROR=OFF turns that off.
#   make soak    the long stress (not in check): SOAK_THREADS, SOAK_SCALE, SOAK_SECONDS
#   make tour    regenerate docs/TOUR.md and its pictures in docs/img/ (not in check)
# Other targets: deps, build, bench, clean.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE ?= cmake
CTEST ?= ctest
CTEST_FLAGS ?= --output-on-failure --timeout 900
# ZSMALLOC_WERROR for the check builds: `make check WERROR=OFF` to see
# every warning without stopping at the first.
WERROR ?= ON

# Debian packages the build and the test suite need; the kernel sources
# (LINUX_PACKAGES) are installed with them, but without root a missing one
# only leaves the kernel variant out (CMake says which file is missing).
LINUX_PACKAGES := linux-source-6.12 linux-source-6.1
DEB_REQUIRED := build-essential cmake pkg-config liburcu-dev libcmocka-dev \
	liblz4-dev libzstd-dev zlib1g-dev libjemalloc-dev libmimalloc-dev valgrind \
	cppcheck man-db chromium librsvg2-bin \
	nbdkit nbdkit-plugin-dev libnbd-bin qemu-utils
DEB_PACKAGES := $(DEB_REQUIRED) $(LINUX_PACKAGES)

# The kernel's own mm/zsmalloc.c (libzsmalloc-linux and -linux-6.1, label
# "linux"), from Debian's linux-source-6.12 and linux-source-6.1: only
# three files are extracted from each into each build directory.
# LINUX_SRC= (empty) builds and tests without them.
LINUX_SRC ?= /usr/src/linux-source-6.12.tar.xz;/usr/src/linux-source-6.1.tar.xz
LINUX_CMAKE = -DZSMALLOC_LINUX_SRC="$(LINUX_SRC)"

.PHONY: all deps build demo check check-debug check-asan check-tsan bench soak tour clean help

all: build

help:
	@sed -n '3,14p' Makefile | sed 's/^# \{0,1\}//'

# $(call install_missing,PACKAGES,WHAT-IF-NOT-ROOT): apt-get install the
# Debian packages that are missing (as root); otherwise print the command,
# then run WHAT-IF-NOT-ROOT ("exit 1" to stop, "true" to go on).
install_missing = missing=""; \
	for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing:$$missing"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
		else \
			echo "Missing Debian packages:$$missing"; \
			echo "Run as root:  apt-get update && apt-get install -y$$missing"; \
			$(2); \
		fi; \
	fi

# Install missing Debian packages (as root), or say what to run.
deps:
	@$(call install_missing,$(DEB_REQUIRED),exit 1)
	@$(call install_missing,$(LINUX_PACKAGES),echo "(the kernel's own mm/zsmalloc.c is left out of the build and the suite)")

build: deps
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DZSMALLOC_DEBUG_VM=OFF -DZSMALLOC_VALGRIND=OFF -DZSMALLOC_SANITIZE= \
		-DZSMALLOC_WERROR=OFF
	$(CMAKE) --build build -j $(JOBS)

demo: build
	./build/bin/zsim demo

check-debug: deps
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DZSMALLOC_DEBUG_VM=ON -DZSMALLOC_VALGRIND=ON -DZSMALLOC_SANITIZE= \
		-DZSMALLOC_WERROR=$(WERROR) -DZSMALLOC_CPPCHECK=ON $(LINUX_CMAKE)
	$(CMAKE) --build build -j $(JOBS)
	cd build && $(CTEST) $(CTEST_FLAGS) -j $(JOBS)

check-asan: deps
	$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
		-DZSMALLOC_DEBUG_VM=ON -DZSMALLOC_SANITIZE="address;undefined" \
		-DZSMALLOC_BUILD_BENCH=OFF -DZSMALLOC_WERROR=$(WERROR) -DZSMALLOC_CPPCHECK=OFF \
		$(LINUX_CMAKE)
	$(CMAKE) --build build-asan -j $(JOBS)
	cd build-asan && $(CTEST) $(CTEST_FLAGS) -j $(JOBS)

# The threaded tests, and the kernel variants' tests but their differential
# replays (single-threaded: the other two legs run them).
check-tsan: deps
	$(CMAKE) -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DZSMALLOC_DEBUG_VM=ON -DZSMALLOC_SANITIZE=thread \
		-DZSMALLOC_BUILD_BENCH=OFF -DZSMALLOC_BUILD_EXAMPLES=OFF \
		-DZSMALLOC_WERROR=$(WERROR) -DZSMALLOC_CPPCHECK=OFF $(LINUX_CMAKE)
	$(CMAKE) --build build-tsan -j $(JOBS)
	cd build-tsan && $(CTEST) $(CTEST_FLAGS) -L 'threads|linux' -E differential

# The whole default suite; its last lines are CTest's summary.
check: check-asan check-tsan check-debug

# The benchmark suite (not part of check): bench/run_all.sh runs density,
# speed, compaction and fragmentation benchmarks on build/, writes
# bench/results/ and regenerates docs/BENCHMARKS.md with its plots.
# gnuplot draws the plots; only this target installs it.
BENCH_PACKAGES := gnuplot-nox
bench: build
	@$(call install_missing,$(BENCH_PACKAGES),echo "(no plots without them)")
	BENCH_COMMAND="make bench" sh bench/run_all.sh build

# The long stress (not part of check): worker threads allocate, write,
# verify and free beside zs_compact() and zone compaction, then print
# operations, migrations, compactions and the final accounting; non-zero
# exit on any lost or corrupted object.  `build/bin/zs_soak --help`.
SOAK_THREADS ?= 4
SOAK_SCALE ?= 100
SOAK_SECONDS ?= 600
soak: build
	./build/bin/zs_soak $(SOAK_THREADS) $(SOAK_SCALE) $(SOAK_SECONDS)

# The guided tour: docs/tour.sh runs `zsim map` once and writes
# docs/TOUR.md with its pictures (PNG, by rsvg-convert from librsvg2-bin,
# in DEB_PACKAGES) and the step-through page docs/img/tour-steps.html.
tour: build
	sh docs/tour.sh build/bin/zsim docs

clean:
	rm -rf build build-asan build-tsan
