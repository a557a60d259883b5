# loopviz: the two commands of the README, and their helpers. CMake does the real work.

PACKAGES := build-essential cmake pkg-config libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev \
            libfontconfig-dev libcmocka-dev fonts-dejavu-core python3 xvfb xauth xdotool ffmpeg \
            librsvg2-bin
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
JOBS := 2

.PHONY: deps build run test bench clean

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

# loopviz against CPython on bench/workloads/, and export speed; writes docs/performance.md.
bench: build
	python3 bench/bench.py build/loopviz 3

clean:
	rm -rf build build-asan
