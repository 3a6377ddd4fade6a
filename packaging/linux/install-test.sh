#!/usr/bin/env bash
# Nocturne's Debian install test: builds the .deb from a build folder, installs it with apt into
# a fresh Debian bookworm root (debootstrap), runs the CLI and the editor there, purges the
# package and checks that nothing it installed is left.
#
#   sudo packaging/linux/install-test.sh [BUILD_DIR]      (default: build)
#
# Needs root (debootstrap, chroot, mount) and network access to the Debian mirror this machine
# uses. Takes a few minutes and a few hundred MB of downloads, cached for the next run.
# Environment:
#   NOCTURNE_TEST_CACHE   downloaded .debs, kept between runs (default /tmp/nocturne-install-test-cache)
#   NOCTURNE_TEST_OUT     where the results go: log, screenshots (default BUILD_DIR/install-test)
#   NOCTURNE_TEST_KEEP=1  keep the chroot afterwards (its path is printed)
#   NOCTURNE_TEST_MIRROR  Debian mirror URL (default: the one in this machine's apt sources)
# Exit: 0 passed, 1 failed, 77 skipped (not root), 2 usage. ctest: packaging.debian_install
# (label "slow").
set -euo pipefail

readonly kSkip=77
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$(realpath "${1:-$source_dir/build}")
cache=${NOCTURNE_TEST_CACHE:-/tmp/nocturne-install-test-cache}
out=${NOCTURNE_TEST_OUT:-$build_dir/install-test}
jobs=${NOCTURNE_JOBS:-$(nproc)}
start=$SECONDS
step_start=$SECONDS
timings=()

say() { printf '== [%4ds] %s\n' "$((SECONDS - start))" "$*"; }
fail() { printf 'install-test: FAILED: %s\n' "$*" >&2; exit 1; }
# Closes the current step's timer and names the next one.
step() {
    if [ -n "${step_name:-}" ]; then timings+=("$(printf '%5ds  %s' "$((SECONDS - step_start))" "$step_name")"); fi
    step_name=$1
    step_start=$SECONDS
    say "$1"
}

[ -f "$build_dir/CMakeCache.txt" ] || { echo "install-test: $build_dir is not a configured build folder" >&2; exit 2; }
if [ "$(id -u)" -ne 0 ]; then
    echo "install-test: SKIPPED: needs root for debootstrap/chroot; run: sudo $0 $build_dir" >&2
    exit $kSkip
fi
for tool in cpack dpkg-deb dpkg-shlibdeps debootstrap; do
    if ! command -v "$tool" >/dev/null; then
        say "installing the host tools (debootstrap, dpkg-dev)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap dpkg-dev >/dev/null
        break
    fi
done

# The Debian mirror this machine's apt uses (deb822 .sources or one-line .list), so the test
# pulls the same archive (and snapshot) the build's libraries came from.
host_uris() {
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | sed -n -E 's/^URIs:[[:space:]]*//p; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' \
        | tr ' ' '\n'
}
mirror=${NOCTURNE_TEST_MIRROR:-$(host_uris | grep -E '/debian/?$' | head -n1 || true)}
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}
security=$(host_uris | grep -E '/debian-security/?$' | head -n1 || true)
security=${security%/}

mkdir -p "$out" "$cache/debootstrap" "$cache/apt/partial"
rm -rf "${out:?}"/*
work=$(mktemp -d /tmp/nocturne-install-test.XXXXXX)
root=$work/root
mounts=()

cleanup() {
    local rc=$? i
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        umount -R "${mounts[$i]}" 2>/dev/null || umount -l -R "${mounts[$i]}" 2>/dev/null || true
    done
    if grep -q " $work/" /proc/mounts; then
        # Never rm -rf through a bind mount of the host's /dev or the cache.
        echo "install-test: mounts remain under $work; not removing it" >&2
    elif [ "${NOCTURNE_TEST_KEEP:-0}" = 1 ]; then
        echo "install-test: chroot kept at $root" >&2
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a command inside the chroot with a clean environment.
in_root() {
    chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# --- 1. package -----------------------------------------------------------------------------------
step "build and package ($build_dir)"
targets=(nocturne-cli)
if cmake --build "$build_dir" --target help 2>/dev/null | grep -qE '^(\.\.\. )?nocturne(:|$)' \
    && ! grep -q '^NOCTURNE_PACKAGE_EDITOR:BOOL=OFF' "$build_dir/CMakeCache.txt"; then
    targets+=(nocturne)
fi
cmake --build "$build_dir" --target "${targets[@]}" --parallel "$jobs"
mkdir -p "$work/pkg"
(cd "$work/pkg" && cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/pkg" >"$out/cpack.log" 2>&1) \
    || { cat "$out/cpack.log" >&2; fail "cpack -G DEB"; }
deb=$(find "$work/pkg" -maxdepth 1 -name 'nocturne_*.deb' | head -n1)
[ -n "$deb" ] || fail "cpack made no nocturne_*.deb (see $out/cpack.log)"
cp "$deb" "$out/"
version=$(dpkg-deb -f "$deb" Version)
upstream_version=${version%-*}
say "$(basename "$deb"): $(du -h "$deb" | cut -f1), Depends: $(dpkg-deb -f "$deb" Depends)"

# --- 2. a clean bookworm --------------------------------------------------------------------------
step "debootstrap bookworm from $mirror"
debootstrap --variant=minbase --cache-dir="$cache/debootstrap" bookworm "$root" "$mirror" \
    >"$out/debootstrap.log" 2>&1 || { tail -n 30 "$out/debootstrap.log" >&2; fail "debootstrap"; }
{
    echo "deb $mirror bookworm main"
    echo "deb $mirror bookworm-updates main"
    [ -n "$security" ] && echo "deb $security bookworm-security main"
} >"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"    # start no services
chmod +x "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc" && mounts+=("$root/proc")
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" && mounts+=("$root/dev")
mount --bind "$cache/apt" "$root/var/cache/apt/archives" && mounts+=("$root/var/cache/apt/archives")

# --- 3. install with apt (it resolves the dependencies) --------------------------------------------
step "apt-get install ./$(basename "$deb")"
mkdir -p "$root/tmp/pkg"
cp "$deb" "$root/tmp/pkg/"
in_root apt-get update -qq >"$out/apt.log" 2>&1 || { cat "$out/apt.log" >&2; fail "apt-get update in the chroot"; }
in_root apt-get install -y --no-install-recommends "/tmp/pkg/$(basename "$deb")" >>"$out/apt.log" 2>&1 \
    || { tail -n 40 "$out/apt.log" >&2; fail "apt-get install of the package"; }
in_root dpkg-query -L nocturne | grep -v '^/\.$' >"$out/files.txt"
# Remember what each listed path is before the purge (dpkg -L also lists shared folders).
while read -r path; do
    if [ -d "$root$path" ] && [ ! -L "$root$path" ]; then echo "d $path"; else echo "f $path"; fi
done <"$out/files.txt" >"$work/kinds.txt"
say "installed $(grep -c '^f' "$work/kinds.txt") files"

# --- 4. run it -------------------------------------------------------------------------------------
step "nocturne-cli --version / --list-methods"
got=$(in_root nocturne-cli --version)
[ "$got" = "nocturne-cli $upstream_version" ] || fail "nocturne-cli --version printed '$got', expected 'nocturne-cli $upstream_version'"
in_root nocturne-cli --list-methods -v | tee "$out/list-methods.txt"
grep -q '^  /usr/share/nocturne/models/\?$' "$out/list-methods.txt" \
    || fail "nocturne-cli does not search /usr/share/nocturne/models"

step "enhance the installed sample"
sample=/usr/share/nocturne/samples/night-interior.dng
[ -f "$root$sample" ] || fail "$sample is not installed"
models=()
for manifest in "$root"/usr/share/nocturne/models/*.json; do
    [ -e "$manifest" ] && models+=("$(basename "$manifest" .json)")
done
methods=(retinex)
if [ ${#models[@]} -gt 0 ]; then
    methods+=("${models[0]}")
else
    say "no trained model is installed (models/ has none): enhancing with a baseline only"
fi
for method in "${methods[@]}"; do
    in_root nocturne-cli --experimental --method "$method" -o "/tmp/out-$method" "$sample" | tee -a "$out/enhance.txt" \
        || fail "nocturne-cli --method $method on the sample"
    result=$root/tmp/out-$method/night-interior_nocturne.jpg
    [ -s "$result" ] || fail "--method $method wrote no $result"
    [ "$(od -An -tx1 -N3 "$result" | tr -d ' ')" = "ffd8ff" ] || fail "$result is not a JPEG"
    cp "$result" "$out/night-interior_$method.jpg"
    say "--method $method: $(du -h "$result" | cut -f1) JPEG"
done

if [ -x "$root/usr/bin/nocturne" ]; then
    step "editor under Xvfb (--screenshot)"
    # Test tools, installed after the package's file list was taken.
    in_root apt-get install -y --no-install-recommends xvfb xauth >>"$out/apt.log" 2>&1 \
        || { tail -n 20 "$out/apt.log" >&2; fail "installing xvfb in the chroot"; }
    got=$(in_root nocturne --version)
    [ "$got" = "nocturne $upstream_version" ] || fail "nocturne --version printed '$got'"
    in_root xvfb-run -a -s "-screen 0 1600x1000x24" timeout 300 nocturne --screenshot /tmp/shots \
        >"$out/editor.log" 2>&1 || { cat "$out/editor.log" >&2; fail "the editor under Xvfb (see $out/editor.log)"; }
    shots=("$root"/tmp/shots/*.png)
    [ -e "${shots[0]}" ] || fail "the editor wrote no screenshot"
    cp "${shots[@]}" "$out/"
    say "screenshots: $(cd "$root/tmp/shots" && echo *.png)"
else
    say "no editor in the package (the nocturne target is not built): GUI check skipped"
fi

# --- 5. purge and look for leftovers --------------------------------------------------------------
step "apt-get purge nocturne"
in_root apt-get purge -y nocturne >>"$out/apt.log" 2>&1 || fail "apt-get purge nocturne"
# shellcheck disable=SC2016  # ${Status} is dpkg-query's field, not a shell variable
status=$(in_root dpkg-query -W -f='${Status}' nocturne 2>/dev/null || true)
case $status in
    *" installed"|*config-files*) fail "dpkg still has nocturne after the purge: $status" ;;
esac
left=()
while read -r kind path; do
    # Shared folders (/usr/bin, /usr/share/icons/...) stay; ours must go.
    if [ "$kind" = f ] && { [ -e "$root$path" ] || [ -L "$root$path" ]; }; then left+=("$path"); fi
    if [ "$kind" = d ] && [[ $path == *nocturne* ]] && [ -e "$root$path" ]; then left+=("$path/"); fi
done <"$work/kinds.txt"
[ ${#left[@]} -eq 0 ] || fail "left after the purge: ${left[*]}"
say "purge left nothing behind ($(wc -l <"$out/files.txt") paths checked)"

step "done"
echo
echo "install-test: PASSED in $((SECONDS - start)) s ($(basename "$deb"); results in $out)"
printf '%s\n' "${timings[@]}"
