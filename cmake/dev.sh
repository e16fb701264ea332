#!/usr/bin/env bash
# Mosaicoo Key Console developer driver: installs what is missing, builds, then runs.
#
#   bash cmake/dev.sh gui     build, create the demo database, launch the GUI on it
#   bash cmake/dev.sh test    build, start the test database servers, run the whole test suite
#   bash cmake/dev.sh build   install packages and build only
#   bash cmake/dev.sh sanitize  build the asan-ubsan preset (build-asan) and run the crypto, config,
#                             store and fuzz-smoke tests under ASan/UBSan (what CI runs after test)
#
# Environment: MK_BUILD_DIR (default ./build), MK_BUILD_TYPE (default RelWithDebInfo),
# MK_CTEST_ARGS (extra ctest arguments, e.g. "-L crypto"); for sanitize: MK_SANITIZE_LABELS
# (ctest label regex, default "crypto|config|store|fuzz"; "crypto|config|store|ops|fuzz" adds the
# operations and the CLI: about twice the build).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MK_BUILD_DIR:-$root/build}"
build_type="${MK_BUILD_TYPE:-RelWithDebInfo}"
jobs="$(nproc 2>/dev/null || echo 2)"

packages=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev qt6-base-dev-tools libgl-dev
    libqt6sql6-sqlite libqt6sql6-psql libqt6sql6-mysql
    libssl-dev sqlite3
    xvfb xauth fonts-dejavu-core
    postgresql mariadb-server softhsm2 libp11-kit-dev
)

log() { printf '\033[1m[dev.sh]\033[0m %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing: ${missing[*]}"
        as_root apt-get update -qq
        # Installing postgresql/mariadb must not start system services we do not use.
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# ccache: hit across clone folders (CI builds a fresh clone in another path) despite -g.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1

configure_and_build() {
    log "configuring $build ($build_type)"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DMK_WERROR=ON >/dev/null
    log "building with $jobs jobs"
    local start=$SECONDS
    cmake --build "$build" -j "$jobs"
    log "build took $((SECONDS - start)) s"
}

run_gui() {
    local demo="$build/demo/mosaicoo-demo.db"
    if [ ! -f "$demo" ]; then
        mkdir -p "$build/demo"
        "$build/bin/mosaicoo-keys-cli" demo --out "$demo"
    fi
    log "launching the GUI on $demo"
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != "offscreen" ]; then
        log "no display found: running under xvfb-run (set DISPLAY to see the window)"
        exec xvfb-run -a -s "-screen 0 1440x900x24" "$build/bin/mosaicoo-keys" --db "$demo"
    fi
    exec "$build/bin/mosaicoo-keys" --db "$demo"
}

run_tests() {
    log "running the test suite"
    local start=$SECONDS
    # shellcheck disable=SC2086
    ctest --test-dir "$build" --output-on-failure -LE bench -j "$jobs" ${MK_CTEST_ARGS:-}
    log "tests took $((SECONDS - start)) s"
}

# ASan/UBSan run of the non-GUI tests (CMakePresets.json `asan-ubsan`, suppressions in
# tests/sanitizers/). Builds only the selected tests (and the CLI when a test needs it), never the
# GUI. The database-server tests (same code over QPSQL/QMYSQL, covered by `test`) and the HSM
# tests (kms) are left out to keep CI short.
run_sanitize() {
    local dir="$root/build-asan"
    local labels="${MK_SANITIZE_LABELS:-crypto|config|store|fuzz}"
    local skip_labels='bench|gui|kms' skip_names='server'
    local start=$SECONDS
    log "configuring $dir (asan-ubsan)"
    (cd "$root" && cmake --preset asan-ubsan >/dev/null)
    local targets
    mapfile -t targets < <(ctest --test-dir "$dir" -N -L "$labels" -LE "$skip_labels" -E "$skip_names" \
        | sed -n 's/^ *Test *#[0-9]*: *//p')
    if [[ "$labels" == *ops* ]]; then targets+=(mosaicoo-keys-cli); fi
    log "building ${#targets[@]} targets with $jobs jobs"
    cmake --build "$dir" -j "$jobs" --target "${targets[@]}"
    log "sanitizer build took $((SECONDS - start)) s"
    local tests=$SECONDS
    # Same options as the asan-ubsan test preset (whose label filter the command line cannot narrow).
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1" \
    LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/sanitizers/ubsan.supp" \
        ctest --test-dir "$dir" --output-on-failure -L "$labels" -LE "$skip_labels" -E "$skip_names" -j "$jobs"
    log "sanitizer tests took $((SECONDS - tests)) s (total $((SECONDS - start)) s)"
}

case "${1:-}" in
    gui)   install_packages; configure_and_build; run_gui ;;
    test)  install_packages; configure_and_build; run_tests ;;
    build) install_packages; configure_and_build ;;
    sanitize) install_packages; run_sanitize ;;
    *) echo "usage: $0 gui|test|build|sanitize" >&2; exit 2 ;;
esac
