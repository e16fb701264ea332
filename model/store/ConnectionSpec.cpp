#include "model/store/ConnectionSpec.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace mk::store {

Result<ConnectionSpec> ConnectionSpec::fromUrl(const QString& url)
{
    const QString s = url.trimmed();
    if (s.isEmpty())
        return fail(ErrorCode::BadUrl, QStringLiteral("empty database URL"));

    ConnectionSpec spec;
    const qsizetype colon = s.indexOf(QLatin1Char(':'));
    const QString scheme = colon > 0 ? s.left(colon).toLower() : QString();

    if (scheme == QLatin1String("sqlite") || scheme == QLatin1String("sqlite3")
        || scheme == QLatin1String("file")) {
        QString rest = s.mid(colon + 1);
        if (rest.startsWith(QLatin1String("//")))
            rest = rest.mid(2);
        if (scheme == QLatin1String("file"))
            rest = QUrl::fromPercentEncoding(rest.toUtf8());
        if (rest.isEmpty())
            return fail(ErrorCode::BadUrl, QStringLiteral("sqlite URL without a path"));
        spec.driver = Driver::Sqlite;
        spec.path = rest;
        return spec;
    }

    const bool isPg = scheme == QLatin1String("postgres") || scheme == QLatin1String("postgresql");
    const bool isMy = scheme == QLatin1String("mysql") || scheme == QLatin1String("mariadb");
    if (!isPg && !isMy) {
        // A bare path (also "C:\..." drive letters and relative names without a scheme).
        if (s.contains(QLatin1String("://")))
            return fail(ErrorCode::BadUrl, QStringLiteral("unknown URL scheme '%1'").arg(scheme));
        spec.driver = Driver::Sqlite;
        spec.path = s;
        return spec;
    }

    const QUrl u(s, QUrl::StrictMode);
    if (!u.isValid()) {
        // QUrl's message goes on with "; source was <the URL>; ..., userinfo = <user:password>"
        QString why = u.errorString();
        if (const qsizetype source = why.indexOf(QLatin1String("; source was")); source >= 0)
            why.truncate(source);
        return fail(ErrorCode::BadUrl, QStringLiteral("invalid URL: %1").arg(maskCredentials(why)));
    }
    spec.driver = isPg ? Driver::Postgres : Driver::Mysql;
    spec.host = u.host(QUrl::FullyDecoded);
    if (spec.host.isEmpty())
        return fail(ErrorCode::BadUrl, QStringLiteral("URL without a host"));
    spec.port = u.port(0);
    if (spec.port < 0 || spec.port > 65535)
        return fail(ErrorCode::BadUrl, QStringLiteral("bad port"));
    spec.user = u.userName(QUrl::FullyDecoded);
    spec.password = u.password(QUrl::FullyDecoded);
    QString db = u.path(QUrl::FullyDecoded);
    if (db.startsWith(QLatin1Char('/')))
        db = db.mid(1);
    if (db.isEmpty() || db.contains(QLatin1Char('/')))
        return fail(ErrorCode::BadUrl, QStringLiteral("URL without a database name"));
    spec.database = db;
    const QUrlQuery query(u);
    for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded)) {
        const QString k = key.toLower();
        // The values end up in the driver's ';'-separated connect options (QMYSQL's SSL_CA is
        // passed unquoted): a ';' would smuggle in another option.
        if (value.contains(QLatin1Char(';')))
            return fail(ErrorCode::BadUrl, QStringLiteral("URL parameter '%1' must not contain ';'").arg(key));
        if (k == QLatin1String("sslmode") || k == QLatin1String("ssl-mode")) {
            const auto mode = parseTlsMode(value);
            if (!mode)
                return std::unexpected(mode.error());
            spec.sslMode = tlsModeName(*mode);
        } else if (k == QLatin1String("sslrootcert") || k == QLatin1String("ssl-ca"))
            spec.sslRootCert = value;
        else
            return fail(ErrorCode::BadUrl, QStringLiteral("unknown URL parameter '%1'").arg(key));
    }
    return spec;
}

Result<ConnectionSpec::TlsMode> ConnectionSpec::parseTlsMode(const QString& value)
{
    const QString v = value.trimmed().toLower();
    if (v.isEmpty())
        return TlsMode::Default;
    static const struct
    {
        const char* name;
        TlsMode mode;
    } names[] = {
        {"disable", TlsMode::Disable},        {"disabled", TlsMode::Disable},
        {"false", TlsMode::Disable},          {"allow", TlsMode::Allow},
        {"prefer", TlsMode::Prefer},          {"preferred", TlsMode::Prefer},
        {"require", TlsMode::Require},        {"required", TlsMode::Require},
        {"skip-verify", TlsMode::Require},    {"verify-ca", TlsMode::VerifyCa},
        {"verify_ca", TlsMode::VerifyCa},     {"verify-full", TlsMode::VerifyFull},
        {"verify_identity", TlsMode::VerifyFull}, {"true", TlsMode::VerifyFull},
    };
    for (const auto& n : names) {
        if (v == QLatin1String(n.name))
            return n.mode;
    }
    return fail(ErrorCode::BadUrl, QStringLiteral("unknown sslmode '%1' (use disable, prefer, require, "
                                                  "verify-ca or verify-full)")
                                       .arg(value.trimmed().left(40)));
}

Result<ConnectionSpec::TlsMode> ConnectionSpec::tlsMode() const
{
    const auto mode = parseTlsMode(sslMode);
    if (mode && *mode == TlsMode::Default && !sslRootCert.isEmpty())
        return TlsMode::VerifyCa;
    return mode;
}

QString ConnectionSpec::tlsModeName(TlsMode mode)
{
    switch (mode) {
    case TlsMode::Default: return {};
    case TlsMode::Disable: return QStringLiteral("disable");
    case TlsMode::Allow: return QStringLiteral("allow");
    case TlsMode::Prefer: return QStringLiteral("prefer");
    case TlsMode::Require: return QStringLiteral("require");
    case TlsMode::VerifyCa: return QStringLiteral("verify-ca");
    case TlsMode::VerifyFull: return QStringLiteral("verify-full");
    }
    return {};
}

int ConnectionSpec::effectivePort() const
{
    if (port > 0)
        return port;
    switch (driver) {
    case Driver::Postgres: return 5432;
    case Driver::Mysql: return 3306;
    case Driver::Sqlite: return 0;
    }
    return 0;
}

QString ConnectionSpec::maskCredentials(const QString& text)
{
    // scheme://user:password@ (a password may hold a raw '@' or '/' when the URL is malformed:
    // everything up to the last '@' of the word is masked)
    static const QRegularExpression credentials(
        QStringLiteral(R"(([A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*):\S*@)"));
    QString masked = text;
    masked.replace(credentials, QStringLiteral("\\1:***@"));
    return masked;
}

QString ConnectionSpec::displayName() const
{
    if (driver == Driver::Sqlite)
        return QStringLiteral("sqlite:") + path;
    QString out = driver == Driver::Postgres ? QStringLiteral("postgres://") : QStringLiteral("mysql://");
    if (!user.isEmpty())
        out += user + QLatin1Char('@');
    out += host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    out += QLatin1Char(':') + QString::number(effectivePort()) + QLatin1Char('/') + database;
    const auto mode = tlsMode();
    const QString tls = mode ? tlsModeName(*mode) : sslMode.left(40);
    if (!tls.isEmpty())
        out += QStringLiteral("?sslmode=") + tls;
    return out;
}

} // namespace mk::store
