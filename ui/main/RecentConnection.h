#pragma once

#include <QList>
#include <QString>

class QSettings;

namespace mk::ui {

// One entry of the recent-connections list. Never holds a password or a secret key: only where
// the database is and where the key comes from.
struct RecentConnection
{
    enum class Kind
    {
        Sqlite,
        Postgres,
        Mysql,
        Config,
    };
    enum class KeySource
    {
        Automatic, // environment, config file, or the public default
        KeyFile,
        Typed,     // the user types it again next time
    };

    Kind kind = Kind::Sqlite;
    QString path; // SQLite file or config file
    QString host;
    int port = 0;
    QString database;
    QString user;
    QString tlsMode;
    QString caFile; // CA certificate for TLS (a path, not a secret)
    KeySource keySource = KeySource::Automatic;
    QString keyFile;

    QString label() const;
    bool operator==(const RecentConnection&) const = default;

    static QList<RecentConnection> load(QSettings& settings);
    static void save(QSettings& settings, const QList<RecentConnection>& list);
    // Puts `entry` first, drops duplicates, keeps kMax entries.
    static void remember(QSettings& settings, const RecentConnection& entry);
    static constexpr int kMax = 8;
};

} // namespace mk::ui
