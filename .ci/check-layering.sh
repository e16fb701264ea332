#!/usr/bin/env bash
# Include-layering check (house-style.md "Who may include whom"). Exit 1 on any violation.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
check() { # description, grep pattern, paths...
    local what="$1" pattern="$2"; shift 2
    local hits
    hits=$(grep -rnE --include="*.h" --include="*.cpp" "$pattern" "$@" 2>/dev/null || true)
    if [ -n "$hits" ]; then
        echo "layering violation: $what" >&2
        echo "$hits" >&2
        status=1
    fi
}
check "widgets below ui/" '#include <(QtWidgets/)?Q(Widget|Dialog|MainWindow|Wizard|Application)\b|QtWidgets' crypto model
check "QObject/QtSql/QtGui in crypto/" '#include <(QObject|QSql[A-Za-z]*|QtSql/|QtGui/|QImage|QColor|QIcon)' crypto
check "OpenSSL in a crypto header" '#include <openssl/' crypto/*.h
check "OpenSSL outside crypto/" '#include <openssl/' model ui app
check "QtSql outside model/store/*.cpp" '#include <(QtSql/)?QSql' model/*.h model/*.cpp model/ops model/items model/config model/store/*.h ui app
check "store includes crypto" '#include "crypto/' model/store
check "ui includes store or crypto internals" '#include "(model/store|crypto)/' ui
[ "$status" -eq 0 ] && echo "layering: ok"
exit "$status"
