#!/usr/bin/env bash
# Mosaicoo Key Console developer driver: installs what is missing, builds, then runs.
#
#   bash cmake/dev.sh gui     build, create the demo database, launch the GUI on it
#   bash cmake/dev.sh test    build, start the test database servers, run the whole test suite
#   bash cmake/dev.sh build   install packages and build only
#
# Environment: MK_BUILD_DIR (default ./build), MK_BUILD_TYPE (default RelWithDebInfo),
# MK_CTEST_ARGS (extra ctest arguments, e.g. "-L crypto").
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

case "${1:-}" in
    gui)   install_packages; configure_and_build; run_gui ;;
    test)  install_packages; configure_and_build; run_tests ;;
    build) install_packages; configure_and_build ;;
    *) echo "usage: $0 gui|test|build" >&2; exit 2 ;;
esac
