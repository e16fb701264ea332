#pragma once

#include <QList>
#include <QString>

class QSettings;

namespace mk::model {
struct OpenRequest;
}

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

    // Where the database is, and where the key comes from when not automatic.
    QString label() const;
    QString where() const;
    // Same database (kind, file or server, user), whatever the key source.
    bool sameDatabase(const RecentConnection& other) const;
    bool operator==(const RecentConnection&) const = default;

    // What a command line (--db / --config / --secret-key-file) opened; never a password.
    static RecentConnection fromRequest(const model::OpenRequest& request);

    static QList<RecentConnection> load(QSettings& settings);
    static void save(QSettings& settings, const QList<RecentConnection>& list);
    // Puts `entry` first, drops other entries of the same database, keeps kMax entries.
    static void remember(QSettings& settings, const RecentConnection& entry);
    static constexpr int kMax = 8;
};

} // namespace mk::ui
