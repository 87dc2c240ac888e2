# Thin wrapper around CMake: install what is missing, configure, build, and run
# the demo, the tests, the fuzzers or the benchmarks. See README.md.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_SECONDS ?= 600

# Debian 12 packages the build, tests, fuzzers and plots need.
PKGS = cmake make gcc pkg-config libzstd-dev libcsv-dev libinih-dev libcmocka-dev \
       gnuplot-nox zstd clang libclang-rt-14-dev parallel slurm-wlm munge

.PHONY: all deps build test test-asan demo bench fuzz fuzz-build fuzz-smoke format clean

all: build

deps:
	@missing=""; \
	for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing missing packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

# The suite, once normally and once under ASan+UBSan, then a short run of every fuzzer.
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan
	$(MAKE) --no-print-directory fuzz-smoke

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DMMSIM_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

fuzz-build: deps
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DMMSIM_FUZZ=ON -DMMSIM_SANITIZE=ON -DMMSIM_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

# Each harness runs for FUZZ_SMOKE_SECONDS on its seed corpus (tests/fuzz/corpus/<name>).
fuzz-smoke: fuzz-build
	@set -e; for f in $(FUZZ_BUILD)/fuzz_*; do \
	  [ -x "$$f" ] || continue; n=$$(basename $$f); \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$n; \
	  seeds=tests/fuzz/corpus/$$n; [ -d $$seeds ] || seeds=""; \
	  echo "fuzz smoke: $$n ($(FUZZ_SMOKE_SECONDS) s)"; \
	  $$f -max_total_time=$(FUZZ_SMOKE_SECONDS) -print_final_stats=0 $(FUZZ_BUILD)/corpus/$$n $$seeds \
	    > $(FUZZ_BUILD)/$$n.log 2>&1 || { tail -40 $(FUZZ_BUILD)/$$n.log; exit 1; }; \
	done; echo "fuzz smoke: all harnesses ran clean"

# Long fuzzing: make fuzz FUZZ_SECONDS=3600
fuzz: fuzz-build
	@set -e; for f in $(FUZZ_BUILD)/fuzz_*; do \
	  [ -x "$$f" ] || continue; n=$$(basename $$f); mkdir -p fuzz-corpus/$$n; \
	  seeds=tests/fuzz/corpus/$$n; [ -d $$seeds ] || seeds=""; \
	  $$f -max_total_time=$(FUZZ_SECONDS) fuzz-corpus/$$n $$seeds; \
	done

demo: build
	bash analysis/demo.sh $(BUILD)/mmsim demo-out

bench: build
	bash bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
