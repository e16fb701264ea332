#include "ui/main/RecentConnection.h"

#include "model/Target.h"

#include <QFileInfo>
#include <QSettings>
#include <QUrl>
#include <QUrlQuery>

namespace mk::ui {

namespace {
const auto kGroup = QStringLiteral("recentConnections");
}

QString RecentConnection::label() const
{
    switch (keySource) {
    case KeySource::Automatic:
        return where();
    case KeySource::KeyFile:
        return where() + QStringLiteral(" (key file %1)").arg(QFileInfo(keyFile).fileName());
    case KeySource::Typed:
        return where() + QStringLiteral(" (key typed in)");
    }
    return where();
}

bool RecentConnection::sameDatabase(const RecentConnection& other) const
{
    return kind == other.kind && path == other.path && host == other.host && port == other.port
           && database == other.database && user == other.user;
}

QString RecentConnection::where() const
{
    switch (kind) {
    case Kind::Sqlite:
        return QFileInfo(path).fileName() + QStringLiteral(" — ") + path;
    case Kind::Config:
        return QStringLiteral("config: ") + path;
    case Kind::Postgres:
    case Kind::Mysql: {
        const QString scheme = kind == Kind::Postgres ? QStringLiteral("postgres")
                                                      : QStringLiteral("mysql");
        QString text = scheme + QStringLiteral("://");
        if (!user.isEmpty())
            text += user + QLatin1Char('@');
        text += host;
        if (port > 0)
            text += QLatin1Char(':') + QString::number(port);
        return text + QLatin1Char('/') + database;
    }
    }
    return path;
}

RecentConnection RecentConnection::fromRequest(const model::OpenRequest& request)
{
    RecentConnection c;
    if (!request.secretKeyFile.isEmpty()) {
        c.keySource = KeySource::KeyFile;
        c.keyFile = QFileInfo(request.secretKeyFile).absoluteFilePath();
    }
    const QUrl url(request.dbUrl);
    const QString scheme = url.scheme().toLower();
    if (request.dbUrl.isEmpty() && !request.configFile.isEmpty()) {
        c.kind = Kind::Config;
        c.path = QFileInfo(request.configFile).absoluteFilePath();
    } else if (scheme == QLatin1String("postgres") || scheme == QLatin1String("postgresql")
               || scheme == QLatin1String("mysql")) {
        c.kind = scheme == QLatin1String("mysql") ? Kind::Mysql : Kind::Postgres;
        c.host = url.host();
        c.port = url.port(0);
        c.database = url.path().mid(1);
        c.user = url.userName(); // the password is never kept
        const QUrlQuery query(url);
        c.tlsMode = query.queryItemValue(QStringLiteral("sslmode"));
        c.caFile = query.queryItemValue(QStringLiteral("sslrootcert"));
    } else {
        c.kind = Kind::Sqlite;
        QString path = request.dbUrl;
        if (path.startsWith(QLatin1String("sqlite:")))
            path = path.mid(7);
        if (path.startsWith(QLatin1String("file:")))
            path = QUrl(path).toLocalFile();
        c.path = QFileInfo(path).absoluteFilePath();
    }
    return c;
}

QList<RecentConnection> RecentConnection::load(QSettings& settings)
{
    QList<RecentConnection> list;
    const int n = settings.beginReadArray(kGroup);
    for (int i = 0; i < n && i < kMax; ++i) {
        settings.setArrayIndex(i);
        RecentConnection c;
        c.kind = Kind(std::clamp(settings.value(QStringLiteral("kind")).toInt(), 0, 3));
        c.path = settings.value(QStringLiteral("path")).toString();
        c.host = settings.value(QStringLiteral("host")).toString();
        c.port = settings.value(QStringLiteral("port")).toInt();
        c.database = settings.value(QStringLiteral("database")).toString();
        c.user = settings.value(QStringLiteral("user")).toString();
        c.tlsMode = settings.value(QStringLiteral("tlsMode")).toString();
        c.caFile = settings.value(QStringLiteral("caFile")).toString();
        c.keySource = KeySource(std::clamp(settings.value(QStringLiteral("keySource")).toInt(), 0, 2));
        c.keyFile = settings.value(QStringLiteral("keyFile")).toString();
        list.append(c);
    }
    settings.endArray();
    return list;
}

void RecentConnection::save(QSettings& settings, const QList<RecentConnection>& list)
{
    settings.remove(kGroup);
    settings.beginWriteArray(kGroup, int(std::min<qsizetype>(list.size(), kMax)));
    for (int i = 0; i < list.size() && i < kMax; ++i) {
        const RecentConnection& c = list.at(i);
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("kind"), int(c.kind));
        settings.setValue(QStringLiteral("path"), c.path);
        settings.setValue(QStringLiteral("host"), c.host);
        settings.setValue(QStringLiteral("port"), c.port);
        settings.setValue(QStringLiteral("database"), c.database);
        settings.setValue(QStringLiteral("user"), c.user);
        settings.setValue(QStringLiteral("tlsMode"), c.tlsMode);
        settings.setValue(QStringLiteral("caFile"), c.caFile);
        settings.setValue(QStringLiteral("keySource"), int(c.keySource));
        settings.setValue(QStringLiteral("keyFile"), c.keyFile);
    }
    settings.endArray();
}

void RecentConnection::remember(QSettings& settings, const RecentConnection& entry)
{
    QList<RecentConnection> list = load(settings);
    list.removeIf([&entry](const RecentConnection& c) { return c.sameDatabase(entry); });
    list.prepend(entry);
    while (list.size() > kMax)
        list.removeLast();
    save(settings, list);
}

} // namespace mk::ui
