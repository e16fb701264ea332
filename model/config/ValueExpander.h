#pragma once

#include "model/config/ConfigError.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>

namespace mk::config {

// Grafana's setting expanders (pkg/setting/expanders.go), applied to one value.
//
// Pattern (Go regexp) `\$(|__\w+){([^}]+)}`; expanders run in priority order over the whole value:
//  1. env  (-10): `$__env{NAME}` and `${NAME}` -> the environment value (empty if unset; NAME
//                 HOSTNAME falls back to the machine's host name). Bare `$NAME` is NOT expanded.
//  2. file (-5):  `$__file{PATH}` -> file contents with leading AND trailing whitespace trimmed
//                 (strings.TrimSpace). A relative PATH is relative to the current directory, as for
//                 the server process. Missing/unreadable file -> ExpansionFailed.
// Each match is replaced with strings.Replace(s, match, repl, 1) semantics, so expansions do not
// nest. Any other `$__name{...}` (e.g. `$__vault{...}`, an Enterprise expander) cannot be resolved
// here and is reported as BadValue naming `where` (OSS Grafana would leave it literally).
class ValueExpander
{
public:
    explicit ValueExpander(QProcessEnvironment env)
        : m_env(std::move(env))
    {
    }

    // `where` names the setting for error details ("security.secret_key"); the value itself is
    // never put into an error.
    [[nodiscard]] Result<QByteArray> expand(const QByteArray& value, const QString& where) const;

    // True if the value contains anything the expanders would touch.
    static bool hasExpansions(const QByteArray& value);

private:
    QProcessEnvironment m_env;
};

} // namespace mk::config
