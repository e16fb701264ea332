#!/usr/bin/env bash
# Installs the built packages into a throw-away root (dpkg -x, no maintainer scripts, no root
# needed) and runs the installed programs from there: the CLI's --version, demo + verify (compared
# with the build tree's CLI) and status, the GUI's --version; checks the control fields (computed
# Depends, the run-time Qt plugins, no QtGui for the CLI package) and that every file is where the
# FHS and Debian put it.
#   test-package-install.sh BUILD_DIR VERSION SOURCE_DIR BUILT_CLI
set -uo pipefail
build=$1 version=$2 source=$3 built_cli=$4
arch=$(dpkg --print-architecture)
cli_deb=$build/mosaicoo-keys-cli_${version}_${arch}.deb
gui_deb=$build/mosaicoo-keys_${version}_${arch}.deb

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAILED: $*" >&2; }
check() { # description, command...
    local what=$1
    shift
    if "$@"; then ok "$what"; else fail "$what"; fi
}
has() { grep -qE -- "$2" <<<"$1"; } # text, extended regex

for deb in "$cli_deb" "$gui_deb"; do
    [ -f "$deb" ] || { echo "FAILED: $deb is missing (the package_build test makes it)" >&2; exit 1; }
done

# --- Control fields.
cli_depends=$(dpkg-deb -f "$cli_deb" Depends)
gui_depends=$(dpkg-deb -f "$gui_deb" Depends)
echo "mosaicoo-keys-cli Depends: $cli_depends"
echo "mosaicoo-keys Depends: $gui_depends"
check "package names and version" test "$(dpkg-deb -f "$cli_deb" Package Version | tr '\n' ' ')$(dpkg-deb -f "$gui_deb" Package Version | tr '\n' ' ')" \
    = "Package: mosaicoo-keys-cli Version: $version Package: mosaicoo-keys Version: $version "
check "section admin" test "$(dpkg-deb -f "$cli_deb" Section)$(dpkg-deb -f "$gui_deb" Section)" = adminadmin
check "maintainer" has "$(dpkg-deb -f "$cli_deb" Maintainer)" '^[^<>]+ <[^<>@]+@[^<>]+>$'
for dep in 'libqt6core6 \(>=' 'libqt6sql6 \(>=' 'libssl3 \(>=' 'libc6 \(>=' \
           'libqt6sql6-sqlite' 'libqt6sql6-psql' 'libqt6sql6-mysql'; do
    check "CLI depends on $dep" has "$cli_depends" "(^|, )$dep"
done
check "CLI package without QtGui/QtWidgets" bash -c "! grep -qE 'libqt6(gui|widgets|svg)6' <<<'$cli_depends'"
for dep in "mosaicoo-keys-cli \\(= $version\\)" 'libqt6widgets6 \(>=' 'libqt6gui6 \(>=' 'libqt6svg6'; do
    check "GUI depends on $dep" has "$gui_depends" "(^|, )$dep"
done

# --- The files, unpacked into a throw-away root.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg -x "$cli_deb" "$root" && dpkg -x "$gui_deb" "$root" || { echo "FAILED: dpkg -x" >&2; exit 1; }
for f in usr/bin/mosaicoo-keys-cli usr/share/man/man1/mosaicoo-keys-cli.1.gz \
         usr/share/bash-completion/completions/mosaicoo-keys-cli \
         usr/share/doc/mosaicoo-keys-cli/copyright usr/share/doc/mosaicoo-keys-cli/changelog.gz \
         usr/bin/mosaicoo-keys usr/share/man/man1/mosaicoo-keys.1.gz \
         usr/share/bash-completion/completions/mosaicoo-keys \
         usr/share/applications/mosaicoo-keys.desktop usr/share/icons/hicolor/scalable/apps/mosaicoo-keys.svg \
         usr/share/doc/mosaicoo-keys/copyright usr/share/doc/mosaicoo-keys/changelog.gz; do
    check "installs /$f" test -s "$root/$f"
done
if [ -f "$source/resources/help/user-guide.md" ]; then
    check "installs the user guide" cmp -s "$source/resources/help/user-guide.md" "$root/usr/share/doc/mosaicoo-keys/user-guide.md"
else
    echo "skip: no resources/help/user-guide.md in this source tree"
fi
check "nothing outside /usr" test "$(ls "$root")" = usr
check "programs are stripped" bash -c "! readelf -S '$root/usr/bin/mosaicoo-keys-cli' '$root/usr/bin/mosaicoo-keys' | grep -q debug_info"
check "CLI does not link QtGui or QtWidgets" bash -c "! readelf -d '$root/usr/bin/mosaicoo-keys-cli' | grep -qE 'libQt6(Gui|Widgets)'"
check "man pages are gzip -9n" bash -c "gzip -t '$root'/usr/share/man/man1/*.gz"
if command -v man >/dev/null; then
    for page in "$root"/usr/share/man/man1/*.1.gz; do
        warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
        check "man -l $(basename "$page") renders without warnings" test -z "$warnings"
        [ -z "$warnings" ] || echo "$warnings" >&2
    done
fi
if [ -r /usr/share/bash-completion/bash_completion ]; then
    check "the installed completion registers" bash -c "source /usr/share/bash-completion/bash_completion
        source '$root/usr/share/bash-completion/completions/mosaicoo-keys-cli'
        source '$root/usr/share/bash-completion/completions/mosaicoo-keys'
        complete -p mosaicoo-keys-cli mosaicoo-keys >/dev/null"
fi

# --- The installed programs, run from the throw-away root.
cli=$root/usr/bin/mosaicoo-keys-cli
work=$root/work
mkdir -p "$work"
check "mosaicoo-keys-cli --version" test "$("$cli" --version)" = "mosaicoo-keys-cli $version"
check "mosaicoo-keys --version" has "$("$root/usr/bin/mosaicoo-keys" --version 2>/dev/null)" "^mosaicoo-keys $version\$"
check "demo --out" "$cli" demo --out "$work/demo.db"
"$cli" --db "$work/demo.db" verify --json --jobs 1 >"$work/verify.json" 2>"$work/verify.err"
code=$?
check "verify finds the demo's damaged values (exit 1)" test "$code" = 1
"$built_cli" --db "$work/demo.db" verify --json --jobs 1 >"$work/verify-built.json" 2>/dev/null
check "verify reports what the build tree's CLI reports" \
    diff <(grep -v durationMs "$work/verify.json") <(grep -v durationMs "$work/verify-built.json")
check "verify checked values" has "$(cat "$work/verify.json")" '"checked": [1-9][0-9]*'
check "status --json" has "$("$cli" --db "$work/demo.db" status --json 2>/dev/null)" '"driver": "sqlite"'
check "no secret key on the command line" test "$("$cli" --secret-key x status >/dev/null 2>&1; echo $?)" = 2

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
