#include "model/config/ValueExpander.h"

#include "model/config/FileReader.h"
#include "model/config/GoText.h"

#include <QList>
#include <QSysInfo>

namespace mk::config {

namespace {

struct Match
{
    QByteArray whole; // match[0]
    QByteArray name;  // match[1]: "" or "__word"
    QByteArray arg;   // match[2]
};

bool isWordByte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Try `{[^}]+}` at position i; returns the end (one past '}') or -1.
qsizetype braceArgEnd(const QByteArray& s, qsizetype i)
{
    if (i >= s.size() || s[i] != '{')
        return -1;
    const qsizetype close = s.indexOf('}', i + 1);
    if (close == -1 || close == i + 1)
        return -1;
    return close + 1;
}

// regexp.FindAllStringSubmatch for `\$(|__\w+){([^}]+)}` (leftmost-first, non-overlapping).
QList<Match> findAll(const QByteArray& s)
{
    QList<Match> out;
    qsizetype i = 0;
    while (i < s.size()) {
        if (s[i] != '$') {
            ++i;
            continue;
        }
        // Alternative 1: empty name.
        qsizetype end = braceArgEnd(s, i + 1);
        if (end != -1) {
            out.append(Match{s.mid(i, end - i), {}, s.mid(i + 2, end - i - 3)});
            i = end;
            continue;
        }
        // Alternative 2: `__\w+` (greedy; '{' is not a word byte so no backtracking needed).
        if (i + 2 < s.size() && s[i + 1] == '_' && s[i + 2] == '_') {
            qsizetype w = i + 3;
            while (w < s.size() && isWordByte(s[w]))
                ++w;
            if (w > i + 3) {
                end = braceArgEnd(s, w);
                if (end != -1) {
                    out.append(Match{s.mid(i, end - i), s.mid(i + 1, w - i - 1),
                                     s.mid(w + 1, end - w - 2)});
                    i = end;
                    continue;
                }
            }
        }
        ++i;
    }
    return out;
}

void replaceFirst(QByteArray& s, const QByteArray& what, const QByteArray& with)
{
    const qsizetype at = s.indexOf(what);
    if (at != -1)
        s.replace(at, what.size(), with);
}

} // namespace

bool ValueExpander::hasExpansions(const QByteArray& value)
{
    return !findAll(value).isEmpty();
}

Result<QByteArray> ValueExpander::expand(const QByteArray& value, const QString& where) const
{
    // Expanders we do not have: refuse rather than hand a literal "$__vault{...}" to the caller.
    for (const auto& m : findAll(value)) {
        if (!m.name.isEmpty() && m.name != "__env" && m.name != "__file")
            return fail(ErrorCode::BadValue,
                        QStringLiteral("%1 uses the $%2{} expander, which is not supported")
                            .arg(where, QString::fromLatin1(m.name)));
    }

    QByteArray s = value;
    // env expander (priority -10)
    for (const auto& m : findAll(s)) {
        if (!m.name.isEmpty() && m.name != "__env")
            continue;
        const QString name = QString::fromUtf8(m.arg);
        QByteArray repl = m_env.value(name).toUtf8();
        if (name == QLatin1String("HOSTNAME") && repl.isEmpty())
            repl = QSysInfo::machineHostName().toUtf8();
        replaceFirst(s, m.whole, repl);
    }
    // file expander (priority -5)
    for (const auto& m : findAll(s)) {
        if (m.name != "__file")
            continue;
        const QString path = QString::fromUtf8(m.arg);
        const auto content = readUserFile(path, QStringLiteral("file"));
        if (!content)
            return fail(ErrorCode::ExpansionFailed,
                        QStringLiteral("%1: $__file{}: %2").arg(where, content.error().detail));
        replaceFirst(s, m.whole, gotext::trimSpace(*content).toByteArray());
    }
    return s;
}

} // namespace mk::config
