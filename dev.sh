#!/usr/bin/env bash
# Nocturne's developer entry point. On a fresh Debian bookworm machine:
#   ./dev.sh run    build, then open the bundled dark sample in the editor (with no display,
#                   the CLI enhances it and prints where it wrote the result)
#   ./dev.sh test   build, then run every test (C++ Qt Test suites and the Python model tests)
#   ./dev.sh bench  build, then run the benchmarks
#   ./dev.sh deps   only install the Debian packages the build needs
#   ./dev.sh install-test   build the .deb and test it in a fresh Debian root (slow; root)
#   ./dev.sh sanitize   build core and its tests with ASan + UBSan (build-asan/) and run them
#   ./dev.sh fuzz [SECONDS] [HARNESS...]   build the libFuzzer harnesses with clang
#                   (build-fuzz/) and run each for SECONDS (default 60); findings in
#                   build-fuzz/fuzz/findings/<harness>/, corpora kept in build-fuzz/fuzz/corpus/
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

sanitize() {
    deps
    local dir=${NOCTURNE_ASAN_DIR:-build-asan}
    if [ ! -f "$dir/build.ninja" ]; then
        cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
            -DNOCTURNE_CORE_ONLY=ON -DNOCTURNE_SANITIZE=ON
    fi
    cmake --build "$dir" --parallel "$jobs"
    # Leaks in our code fail the run; the suppressions name third-party code only.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
    LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$PWD/tests/sanitizers/ubsan.supp \
        ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$jobs" -L core
}

fuzz() {
    deps
    local need=()
    command -v clang++ >/dev/null || need+=(clang)
    dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed" \
        || need+=(libclang-rt-14-dev)
    if [ ${#need[@]} -gt 0 ]; then
        local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
        $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
    fi
    local dir=${NOCTURNE_FUZZ_DIR:-build-fuzz}
    local seconds=${1:-60}
    local harnesses=("${@:2}")
    [ ${#harnesses[@]} -eq 0 ] && harnesses=(raw raster metadata manifest params)
    if [ ! -f "$dir/build.ninja" ]; then
        cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DNOCTURNE_FUZZ=ON
    fi
    cmake --build "$dir" --parallel "$jobs"
    "$dir/tests/fuzz/nocturne-fuzz-seeds" "$dir/fuzz/seeds"
    local failed=0
    for h in "${harnesses[@]}"; do
        mkdir -p "$dir/fuzz/corpus/$h" "$dir/fuzz/findings/$h"
        echo "== $h: ${seconds} s" >&2
        # OSS-Fuzz's memory cap; inputs up to 1 MB (the seeds are a few KB to 50 KB).
        "$dir/tests/fuzz/nocturne-fuzz-$h" "$dir/fuzz/corpus/$h" "$dir/fuzz/seeds/$h" \
            -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=1048576 -timeout=25 \
            -print_final_stats=1 -artifact_prefix="$dir/fuzz/findings/$h/" || failed=1
    done
    return $failed
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
    sanitize) sanitize ;;
    fuzz) fuzz "${@:2}" ;;
    *)
        sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
