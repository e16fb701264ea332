#include "model/store/CellExpansion.h"

#include "model/store/Base64Flavour.h"
#include "model/store/JsonScanner.h"

#include <QStringList>

#include <algorithm>

namespace mk::store {

namespace {

using Encoding = SecretLocation::Encoding;
using Node = JsonScanner::Node;
using Type = JsonScanner::Type;

// Decodes stored base64 text of the location's flavour into a CellValue; false on bad base64.
bool decodeInto(Encoding flavour, const QByteArray& text, CellValue& out)
{
    std::optional<QByteArray> decoded;
    switch (flavour) {
    case Encoding::StdBase64:
        decoded = Base64Flavour::decodePadded(text);
        out.encodingUsed = Encoding::StdBase64;
        out.padded = true;
        break;
    case Encoding::RawBase64:
        decoded = Base64Flavour::decodeUnpadded(text);
        out.encodingUsed = Encoding::RawBase64;
        out.padded = false;
        break;
    case Encoding::AnyBase64:
        if (text.contains('=')) {
            decoded = Base64Flavour::decodePadded(text);
            out.encodingUsed = Encoding::StdBase64;
            out.padded = true;
        } else {
            // Also the ambiguous case (length % 4 == 0, no '='): record unpadded, Grafana's
            // current writer; re-encoding an equal-length payload gives the same text either way.
            decoded = Base64Flavour::decodeUnpadded(text);
            out.encodingUsed = Encoding::RawBase64;
            out.padded = false;
        }
        break;
    case Encoding::RawBytes:
        decoded = text;
        out.encodingUsed = Encoding::RawBytes;
        out.padded = false;
        break;
    }
    if (!decoded)
        return false;
    out.payload = *decoded;
    return true;
}

QString flavourName(Encoding e)
{
    switch (e) {
    case Encoding::StdBase64: return QStringLiteral("padded standard base64");
    case Encoding::RawBase64: return QStringLiteral("unpadded standard base64");
    case Encoding::AnyBase64: return QStringLiteral("standard base64");
    case Encoding::RawBytes: return QStringLiteral("raw bytes");
    }
    return {};
}

class Expander
{
public:
    Expander(const SecretLocation& location, CellExpansion& out)
        : m_loc(location)
        , m_out(out)
    {
    }

    void badJson(const QString& field, const QString& detail)
    {
        m_out.problems.append({field, CellProblem::BadJson, detail});
    }

    // A JSON string node that should hold one encrypted value.
    void stringValue(const QString& field, const Node& node, Encoding flavour)
    {
        if (node.type == Type::Null)
            return;
        if (node.type != Type::String) {
            badJson(field, QStringLiteral("secure value is not a string"));
            return;
        }
        if (node.text.isEmpty())
            return;
        CellValue v;
        v.field = field;
        v.spanStart = node.start;
        v.spanLength = node.length;
        if (!decodeInto(flavour, node.text, v)) {
            m_out.problems.append({field, CellProblem::BadBase64,
                                   QStringLiteral("not %1").arg(flavourName(flavour))});
            return;
        }
        m_out.values.append(std::move(v));
    }

    void jsonMap(const Node& root)
    {
        if (root.type == Type::Null)
            return;
        if (root.type != Type::Object) {
            badJson(m_loc.column, QStringLiteral("container is not a JSON object"));
            return;
        }
        for (const auto& [key, value] : root.members)
            stringValue(key, value, m_loc.encoding);
    }

    void alertmanager(const Node& root)
    {
        if (root.type == Type::Null)
            return;
        if (root.type != Type::Object) {
            badJson(m_loc.column, QStringLiteral("container is not a JSON object"));
            return;
        }
        const Node* config = root.member(QStringLiteral("alertmanager_config"));
        if (!config || config->type == Type::Null)
            return;
        if (config->type != Type::Object) {
            badJson(m_loc.column, QStringLiteral("alertmanager_config is not an object"));
            return;
        }
        const Node* receivers = config->member(QStringLiteral("receivers"));
        if (!receivers || receivers->type == Type::Null)
            return;
        if (receivers->type != Type::Array) {
            badJson(m_loc.column, QStringLiteral("receivers is not an array"));
            return;
        }
        for (qsizetype i = 0; i < receivers->items.size(); ++i) {
            const Node& receiver = receivers->items.at(i);
            if (receiver.type != Type::Object) {
                badJson(m_loc.column, QStringLiteral("receiver is not an object"));
                continue;
            }
            const Node* configs = receiver.member(QStringLiteral("grafana_managed_receiver_configs"));
            if (!configs || configs->type == Type::Null)
                continue;
            if (configs->type != Type::Array) {
                badJson(m_loc.column, QStringLiteral("grafana_managed_receiver_configs is not an array"));
                continue;
            }
            for (qsizetype j = 0; j < configs->items.size(); ++j) {
                const Node& cfg = configs->items.at(j);
                if (cfg.type != Type::Object) {
                    badJson(m_loc.column, QStringLiteral("receiver config is not an object"));
                    continue;
                }
                const Node* secure = cfg.member(QStringLiteral("secureSettings"));
                if (!secure || secure->type == Type::Null)
                    continue;
                const QString prefix = QStringLiteral("receivers[%1].grafana_managed_receiver_configs[%2].secureSettings")
                                           .arg(i)
                                           .arg(j);
                if (secure->type != Type::Object) {
                    badJson(prefix, QStringLiteral("secureSettings is not an object"));
                    continue;
                }
                for (const auto& [key, value] : secure->members)
                    stringValue(prefix + QLatin1Char('.') + key, value, Encoding::StdBase64);
            }
        }
    }

    static bool isSsoSecretKey(const QString& key)
    {
        static const QStringList patterns = {QStringLiteral("secret"), QStringLiteral("private"),
                                             QStringLiteral("certificate"),
                                             QStringLiteral("password"),
                                             QStringLiteral("client_key")};
        for (const QString& p : patterns) {
            if (key.contains(p, Qt::CaseInsensitive))
                return true;
        }
        return false;
    }

    void ssoWalk(const Node& node, const QString& path, bool secretKey)
    {
        switch (node.type) {
        case Type::String:
            if (secretKey && !node.text.isEmpty())
                stringValue(path, node, Encoding::RawBase64);
            break;
        case Type::Object:
            for (const auto& [key, value] : node.members)
                ssoWalk(value, path + QLatin1Char('.') + key, isSsoSecretKey(key));
            break;
        case Type::Array:
            for (qsizetype i = 0; i < node.items.size(); ++i)
                ssoWalk(node.items.at(i), path + QStringLiteral("[%1]").arg(i), secretKey);
            break;
        default:
            break;
        }
    }

    void ssoSettings(const Node& root)
    {
        if (root.type == Type::Null)
            return;
        if (root.type != Type::Object) {
            badJson(m_loc.column, QStringLiteral("container is not a JSON object"));
            return;
        }
        ssoWalk(root, QStringLiteral("settings"), false);
    }

    void provisioning(const Node& root)
    {
        if (root.type == Type::Null)
            return;
        if (root.type != Type::Object) {
            badJson(m_loc.column, QStringLiteral("container is not a JSON object"));
            return;
        }
        const struct
        {
            const char* outer;
            const char* inner;
            const char* leaf;
        } paths[] = {{"spec", "github", "encryptedToken"}, {"status", "webhook", "encryptedSecret"}};
        for (const auto& p : paths) {
            const Node* a = root.member(QLatin1String(p.outer));
            if (!a || a->type != Type::Object)
                continue;
            const Node* b = a->member(QLatin1String(p.inner));
            if (!b || b->type != Type::Object)
                continue;
            const Node* c = b->member(QLatin1String(p.leaf));
            if (!c)
                continue;
            stringValue(QStringLiteral("%1.%2.%3")
                            .arg(QLatin1String(p.outer), QLatin1String(p.inner), QLatin1String(p.leaf)),
                        *c, Encoding::StdBase64);
        }
    }

private:
    const SecretLocation& m_loc;
    CellExpansion& m_out;
};

} // namespace

CellExpansion expandCell(const SecretLocation& location, const QByteArray& raw, bool isNull)
{
    CellExpansion out;
    if (isNull || raw.isEmpty()) {
        out.empty = true;
        return out;
    }
    Expander ex(location, out);
    if (location.container == SecretLocation::Container::Single) {
        if (location.envelopeOnly && !raw.startsWith('#')) {
            out.empty = true;
            return out;
        }
        CellValue v;
        v.field = location.column;
        v.spanStart = 0;
        v.spanLength = raw.size();
        if (decodeInto(location.encoding, raw, v))
            out.values.append(std::move(v));
        else
            out.problems.append({location.column, CellProblem::BadBase64,
                                 QStringLiteral("not %1").arg(flavourName(location.encoding))});
        return out;
    }

    const JsonScanner scanner(raw);
    if (!scanner.ok()) {
        ex.badJson(location.column, scanner.error());
        return out;
    }
    switch (location.container) {
    case SecretLocation::Container::JsonMap: ex.jsonMap(scanner.root()); break;
    case SecretLocation::Container::Alertmanager: ex.alertmanager(scanner.root()); break;
    case SecretLocation::Container::SsoSettings: ex.ssoSettings(scanner.root()); break;
    case SecretLocation::Container::Provisioning: ex.provisioning(scanner.root()); break;
    case SecretLocation::Container::Single: break;
    }
    out.empty = out.values.isEmpty() && out.problems.isEmpty();
    return out;
}

QByteArray replaceValues(const SecretLocation& location,
                         const QByteArray& raw,
                         const QList<std::pair<QString, QByteArray>>& replacements)
{
    const CellExpansion current = expandCell(location, raw, false);
    struct Splice
    {
        qsizetype start;
        qsizetype length;
        QByteArray text;
    };
    QList<Splice> splices;
    // A field can occur more than once (duplicate JSON keys): the n-th replacement for a field
    // goes to its n-th occurrence, never twice to the first one.
    QList<bool> used(current.values.size(), false);
    for (const auto& [field, payload] : replacements) {
        qsizetype index = 0;
        while (index < current.values.size()
               && (used.at(index) || current.values.at(index).field != field))
            ++index;
        if (index == current.values.size())
            continue;
        used[index] = true;
        const auto it = current.values.cbegin() + index;
        const QByteArray encoded = it->encodingUsed == Encoding::RawBytes
                                       ? payload
                                       : Base64Flavour::encode(payload, it->padded);
        const QByteArray stored = raw.mid(it->spanStart, it->spanLength);
        if (encoded == stored)
            continue;
        if (payload == it->payload)
            continue; // same value, stored with JSON escapes: keep the original bytes
        splices.append({it->spanStart, it->spanLength, encoded});
    }
    if (location.container == SecretLocation::Container::Single && current.values.isEmpty()) {
        // Empty / undecodable cell: a Single replacement writes the whole value.
        for (const auto& [field, payload] : replacements) {
            if (field != location.column)
                continue;
            Encoding e = location.encoding;
            bool padded = e == Encoding::StdBase64;
            if (e == Encoding::AnyBase64) {
                e = Encoding::RawBase64;
                padded = false;
            }
            return e == Encoding::RawBytes ? payload : Base64Flavour::encode(payload, padded);
        }
    }
    std::sort(splices.begin(), splices.end(),
              [](const Splice& a, const Splice& b) { return a.start > b.start; });
    QByteArray result = raw;
    for (const Splice& s : splices)
        result.replace(s.start, s.length, s.text);
    return result;
}

namespace {

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Start of the string token that ends (closing quote) at `close`, or -1.
qsizetype stringStart(const QByteArray& raw, qsizetype close)
{
    for (qsizetype i = close - 1; i >= 0; --i) {
        if (raw.at(i) != '"')
            continue;
        qsizetype slashes = 0;
        for (qsizetype j = i - 1; j >= 0 && raw.at(j) == '\\'; --j)
            ++slashes;
        if (slashes % 2 == 0)
            return i;
    }
    return -1;
}

} // namespace

std::optional<QByteArray> removeValue(const SecretLocation& location,
                                      const QByteArray& raw,
                                      const QString& field,
                                      const QByteArray& payload)
{
    const CellExpansion before = expandCell(location, raw, false);
    qsizetype index = 0;
    while (index < before.values.size()
           && (before.values.at(index).field != field || before.values.at(index).payload != payload))
        ++index;
    if (index == before.values.size())
        return std::nullopt;
    if (location.container == SecretLocation::Container::Single)
        return QByteArray();
    const CellValue& value = before.values.at(index);
    // The value's string token: quote, content, quote.
    const qsizetype valueStart = value.spanStart - 1;
    const qsizetype valueEnd = value.spanStart + value.spanLength + 1;
    if (valueStart < 0 || valueEnd > raw.size() || raw.at(valueStart) != '"' || raw.at(valueEnd - 1) != '"')
        return std::nullopt;
    qsizetype i = valueStart - 1;
    while (i >= 0 && isJsonSpace(raw.at(i)))
        --i;
    if (i < 0 || raw.at(i) != ':')
        return std::nullopt;
    --i;
    while (i >= 0 && isJsonSpace(raw.at(i)))
        --i;
    if (i < 0 || raw.at(i) != '"')
        return std::nullopt;
    const qsizetype keyStart = stringStart(raw, i);
    if (keyStart < 0)
        return std::nullopt;
    qsizetype before1 = keyStart - 1;
    while (before1 >= 0 && isJsonSpace(raw.at(before1)))
        --before1;
    if (before1 < 0)
        return std::nullopt;
    qsizetype cutStart = keyStart;
    qsizetype cutEnd = valueEnd;
    if (raw.at(before1) == ',') {
        cutStart = before1; // "…, "key": "value"" -> "…"
    } else if (raw.at(before1) == '{') {
        qsizetype after = valueEnd;
        while (after < raw.size() && isJsonSpace(raw.at(after)))
            ++after;
        if (after < raw.size() && raw.at(after) == ',') {
            ++after;
            while (after < raw.size() && isJsonSpace(raw.at(after)))
                ++after;
            cutEnd = after; // "{"key": "value", next" -> "{next"
        }
    } else {
        return std::nullopt;
    }
    QByteArray result = raw;
    result.remove(cutStart, cutEnd - cutStart);
    // The result must hold exactly the other values, in order, and parse as well as before.
    const CellExpansion after = expandCell(location, result, false);
    if (after.problems.size() != before.problems.size() || after.values.size() != before.values.size() - 1)
        return std::nullopt;
    for (qsizetype k = 0, m = 0; k < before.values.size(); ++k) {
        if (k == index)
            continue;
        if (after.values.at(m).field != before.values.at(k).field
            || after.values.at(m).payload != before.values.at(k).payload)
            return std::nullopt;
        ++m;
    }
    return result;
}

} // namespace mk::store
