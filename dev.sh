#!/usr/bin/env bash
# Nocturne's developer entry point. On a fresh Debian bookworm machine:
#   ./dev.sh run    build, then open the bundled dark sample in the editor (with no display,
#                   the CLI enhances it and prints where it wrote the result)
#   ./dev.sh test   build, then run every test (C++ Qt Test suites and the Python model tests)
#   ./dev.sh bench  build, then run the benchmarks
#   ./dev.sh deps   only install the Debian packages the build needs
#   ./dev.sh install-test   build the .deb and test it in a fresh Debian root (slow; root)
# Each command installs missing packages first (apt-get; sudo when not root).
set -euo pipefail
cd "$(dirname "$0")"

build_dir=${NOCTURNE_BUILD_DIR:-build}
jobs=${NOCTURNE_JOBS:-$(nproc)}

deps() { .ci/install-deps; }

build() {
    deps
    if [ ! -f "$build_dir/build.ninja" ]; then
        cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
    fi
    cmake --build "$build_dir" --parallel "$jobs"
}

case "${1:-}" in
    deps) deps ;;
    run) build; app/run-sample.sh "$build_dir" ;;
    test)
        build
        # "slow" tests (e.g. the package install test) have their own command; see README.
        ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "$jobs" -LE slow
        ;;
    bench) build; "$build_dir/tests/bench/nocturne-bench" "${@:2}" ;;
    install-test) build; packaging/linux/install-test.sh "$build_dir" ;;
    *)
        sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
