#include "model/store/DemoSchema.h"

#include "model/store/SqlSupport.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace mk::store {

namespace {

// Grafana 11.5's DDL as recorded in real databases (sqlite_master), plus `user` for owners.
const char* const kDemoDdl[] = {
R"sql(CREATE TABLE `data_keys` (
"name" TEXT PRIMARY KEY NOT NULL
, `active` INTEGER NOT NULL
, `scope` TEXT NOT NULL
, `provider` TEXT NOT NULL
, `encrypted_data` BLOB NOT NULL
, `created` DATETIME NOT NULL
, `updated` DATETIME NOT NULL
, "label" TEXT NOT NULL DEFAULT ''))sql",
R"sql(CREATE TABLE `secrets` (
`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL
, `org_id` INTEGER NOT NULL
, `namespace` TEXT NOT NULL
, `type` TEXT NOT NULL
, `value` TEXT NULL
, `created` DATETIME NOT NULL
, `updated` DATETIME NOT NULL
))sql",
R"sql(CREATE TABLE `data_source` (
`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL
, `org_id` INTEGER NOT NULL
, `version` INTEGER NOT NULL
, `type` TEXT NOT NULL
, `name` TEXT NOT NULL
, `access` TEXT NOT NULL
, `url` TEXT NOT NULL
, `password` TEXT NULL
, `user` TEXT NULL
, `database` TEXT NULL
, `basic_auth` INTEGER NOT NULL
, `basic_auth_user` TEXT NULL
, `basic_auth_password` TEXT NULL
, `is_default` INTEGER NOT NULL
, `json_data` TEXT NULL
, `created` DATETIME NOT NULL
, `updated` DATETIME NOT NULL
, `with_credentials` INTEGER NOT NULL DEFAULT 0, `secure_json_data` TEXT NULL, `read_only` INTEGER NULL, `uid` TEXT NOT NULL DEFAULT 0, `is_prunable` INTEGER NULL DEFAULT 0, `api_version` TEXT NULL))sql",
R"sql(CREATE TABLE "plugin_setting" (
			"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
			"org_id" INTEGER NOT NULL DEFAULT 1,
			"plugin_id" TEXT NOT NULL,
			"enabled" INTEGER NOT NULL,
			"pinned" INTEGER NOT NULL,
			"json_data" TEXT NULL,
			"secure_json_data" TEXT NULL,
			"created" DATETIME NOT NULL,
			"updated" DATETIME NOT NULL,
			"plugin_version" TEXT NULL))sql",
R"sql(CREATE TABLE `alert_notification` (
`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL
, `org_id` INTEGER NOT NULL
, `name` TEXT NOT NULL
, `type` TEXT NOT NULL
, `settings` TEXT NOT NULL
, `created` DATETIME NOT NULL
, `updated` DATETIME NOT NULL
, `is_default` INTEGER NOT NULL DEFAULT 0, `frequency` INTEGER NULL, `send_reminder` INTEGER NULL DEFAULT 0, `disable_resolve_message` INTEGER NOT NULL DEFAULT 0, `uid` TEXT NULL, `secure_settings` TEXT NULL))sql",
R"sql(CREATE TABLE `user_auth` (
`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL
, `user_id` INTEGER NOT NULL
, `auth_module` TEXT NOT NULL
, `auth_id` TEXT NOT NULL
, `created` DATETIME NOT NULL
, `o_auth_access_token` TEXT NULL, `o_auth_refresh_token` TEXT NULL, `o_auth_token_type` TEXT NULL, `o_auth_expiry` DATETIME NULL, `o_auth_id_token` TEXT NULL))sql",
R"sql(CREATE TABLE `alert_configuration` (
`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL
, `alertmanager_configuration` TEXT NOT NULL
, `configuration_version` TEXT NOT NULL
, `created_at` INTEGER NOT NULL
, `default` INTEGER NOT NULL DEFAULT 0, `org_id` INTEGER NOT NULL DEFAULT 0, `configuration_hash` TEXT NOT NULL DEFAULT 'not-yet-calculated'))sql",
R"sql(CREATE TABLE `signing_key` (
`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL
, `key_id` TEXT NOT NULL
, `private_key` TEXT NOT NULL
, `added_at` DATETIME NOT NULL
, `expires_at` DATETIME NULL
, `alg` TEXT NOT NULL
))sql",
R"sql(CREATE TABLE `dashboard_snapshot` (
`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL
, `name` TEXT NOT NULL
, `key` TEXT NOT NULL
, `delete_key` TEXT NOT NULL
, `org_id` INTEGER NOT NULL
, `user_id` INTEGER NOT NULL
, `external` INTEGER NOT NULL
, `external_url` TEXT NOT NULL
, `dashboard` TEXT NOT NULL
, `expires` DATETIME NOT NULL
, `created` DATETIME NOT NULL
, `updated` DATETIME NOT NULL
, `external_delete_url` TEXT NULL, `dashboard_encrypted` BLOB NULL))sql",
R"sql(CREATE TABLE `sso_setting` (
`id` TEXT PRIMARY KEY NOT NULL
, `provider` TEXT NOT NULL
, `settings` TEXT NOT NULL
, `created` DATETIME NOT NULL
, `updated` DATETIME NOT NULL
, `is_deleted` INTEGER NOT NULL DEFAULT 0
))sql",
R"sql(CREATE TABLE `user_external_session` (
`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL
, `user_auth_id` INTEGER NOT NULL
, `user_id` INTEGER NOT NULL
, `auth_module` TEXT NOT NULL
, `access_token` TEXT NULL
, `id_token` TEXT NULL
, `refresh_token` TEXT NULL
, `session_id` TEXT NULL
, `session_id_hash` TEXT NULL
, `name_id` TEXT NULL
, `name_id_hash` TEXT NULL
, `expires_at` DATETIME NULL
, `created_at` DATETIME NOT NULL
))sql",
R"sql(CREATE TABLE `user` (
`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL
, `version` INTEGER NOT NULL DEFAULT 0
, `login` TEXT NOT NULL
, `email` TEXT NOT NULL
, `name` TEXT NULL
, `org_id` INTEGER NOT NULL
, `is_admin` INTEGER NOT NULL DEFAULT 0
, `created` DATETIME NOT NULL
, `updated` DATETIME NOT NULL
))sql",
};

QSet<QString> demoTables()
{
    return {QStringLiteral("data_keys"), QStringLiteral("secrets"), QStringLiteral("data_source"),
            QStringLiteral("plugin_setting"), QStringLiteral("alert_notification"), QStringLiteral("user_auth"),
            QStringLiteral("alert_configuration"), QStringLiteral("signing_key"),
            QStringLiteral("dashboard_snapshot"), QStringLiteral("sso_setting"),
            QStringLiteral("user_external_session"), QStringLiteral("user")};
}

} // namespace

Result<Database> createDemoSqliteDatabase(const QString& path)
{
    if (QFileInfo::exists(path))
        return fail(ErrorCode::Io, QStringLiteral("%1 already exists").arg(path));
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return fail(ErrorCode::Io, QStringLiteral("cannot create %1: %2").arg(path, file.errorString()));
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    }
    ConnectionSpec spec;
    spec.driver = ConnectionSpec::Driver::Sqlite;
    spec.path = path;
    spec.readOnly = false;
    auto db = Database::open(spec);
    if (!db)
        return std::unexpected(db.error());
    QSqlDatabase sql = QSqlDatabase::database(db->connectionName(), false);
    for (const char* ddl : kDemoDdl) {
        QSqlQuery query(sql);
        if (!query.exec(QString::fromUtf8(ddl)))
            return std::unexpected(SqlSupport::queryError(spec.driver, query.lastError(),
                                                          QStringLiteral("creating the demo schema")));
    }
    return std::move(*db);
}

namespace {

Result<QString> demoInsertStatement(Database& db, const QString& table, const QStringList& columns)
{
    if (!demoTables().contains(table))
        return fail(ErrorCode::QueryFailed, QStringLiteral("%1 is not a demo table").arg(table));
    const QSqlRecord record = QSqlDatabase::database(db.connectionName(), false).record(table);
    QStringList names;
    QStringList marks;
    for (const QString& column : columns) {
        if (!record.contains(column))
            return fail(ErrorCode::QueryFailed, QStringLiteral("%1 has no column %2").arg(table, column));
        names << SqlSupport::quote(db.driver(), column);
        marks << QStringLiteral("?");
    }
    return QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
        .arg(SqlSupport::quote(db.driver(), table), names.join(QLatin1Char(',')), marks.join(QLatin1Char(',')));
}

} // namespace

Result<void> insertDemoRow(Database& db, const QString& table, const QList<QPair<QString, QVariant>>& values)
{
    QStringList columns;
    QVariantList row;
    for (const auto& [column, value] : values) {
        columns << column;
        row << value;
    }
    return insertDemoRows(db, table, columns, {row});
}

Result<void> insertDemoRows(Database& db, const QString& table, const QStringList& columns,
                            const QList<QVariantList>& rows)
{
    const auto statement = demoInsertStatement(db, table, columns);
    if (!statement)
        return std::unexpected(statement.error());
    QSqlQuery query(QSqlDatabase::database(db.connectionName(), false));
    if (!query.prepare(*statement))
        return std::unexpected(SqlSupport::queryError(db.driver(), query.lastError(), table));
    for (const QVariantList& row : rows) {
        for (int i = 0; i < row.size(); ++i)
            query.bindValue(i, row.at(i));
        if (!query.exec())
            return std::unexpected(SqlSupport::queryError(db.driver(), query.lastError(), table));
    }
    return {};
}

} // namespace mk::store
