# loopviz: the two commands of the README, and their helpers. CMake does the real work.

PACKAGES := build-essential cmake pkg-config libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev \
            libfontconfig-dev libcmocka-dev fonts-dejavu-core python3 xvfb xauth xdotool ffmpeg \
            librsvg2-bin clang libclang-rt-14-dev valgrind libpng-dev time
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
JOBS := 2

# What runs under ThreadSanitizer (build-tsan/): everything that writes a trace through the
# trace's writer thread (the streaming tests, the CLI's, the golden traces), the layout,
# which makes the queue index on a second thread, and the frame export's PNG encoder threads.
TSAN_TESTS := ^unit\.test_trace_text$$|^unit\.test_cli$$|^golden/|^unit\.test_layout$$|^unit\.test_export$$

# The libFuzzer targets (tests/fuzz): each runs FUZZ_SECONDS into its corpus in build-fuzz/.
FUZZ_SECONDS := 60
FUZZ_TARGETS := parse compile run

.PHONY: deps build run test bench clean fuzz fuzz-build valgrind

# Installs only the Debian packages that are missing; with all present it changes nothing.
deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q '^install ok installed$$' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build -j$(JOBS)

run: build
	./build/loopviz gather

test: build
	ctest --test-dir build --output-on-failure -j$(JOBS)
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLOOPVIZ_SANITIZE=ON
	cmake --build build-asan -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir build-asan --output-on-failure -j$(JOBS)
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DLOOPVIZ_TSAN=ON
	cmake --build build-tsan --target loopviz test_trace_text test_cli test_layout test_export -j$(JOBS)
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 ctest --test-dir build-tsan --output-on-failure \
	  -j$(JOBS) -R '$(TSAN_TESTS)'
	$(MAKE) fuzz-build
	ctest --test-dir build-fuzz -L fuzz --output-on-failure -j$(JOBS)

# The fuzz targets and their seed corpus, built by clang in a tree of their own.
fuzz-build: deps
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOOPVIZ_FUZZ=ON
	cmake --build build-fuzz --target fuzz_targets -j$(JOBS)

# Each fuzz target for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=3600); stops at the first crash.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  sh tests/fuzz/fuzz.sh build-fuzz/fuzz/fuzz_$$t $(FUZZ_SECONDS) build-fuzz/fuzz/corpus/$$t \
	    build-fuzz/fuzz/seed || exit 1; \
	done

# The unit tests and `loopviz run` of every bundled scenario under valgrind's memcheck.
valgrind: build
	sh tests/robust/valgrind.sh build

# loopviz against CPython on bench/workloads/, and export speed; writes docs/performance.md.
bench: build
	python3 bench/bench.py build/loopviz 3

clean:
	rm -rf build build-asan build-tsan build-fuzz
