#include "model/ops/BackupJob.h"

#include "model/ModelLog.h"
#include "model/ops/OpenedDatabase.h"
#include "model/store/Cell.h"
#include "model/store/DataKeyRow.h"
#include "model/store/SecretLocation.h"
#include "model/store/SqliteBackup.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace mk::model {

namespace {

constexpr int kPage = 500;
const char kFormatTag[] = "mosaicoo-keys-backup";

struct BackupCell
{
    QString location;
    QString rowId;
    QByteArray raw;
    bool isBlob = false;
};

struct BackupContents
{
    QList<store::DataKeyRow> dataKeys;
    QList<BackupCell> cells;
};

// Every non-empty cell of every present location.
Result<QList<BackupCell>> readAllCells(store::Database& db, const QString& where, JobContext* context)
{
    QList<BackupCell> cells;
    for (const store::SecretLocation& location : store::secretLocations()) {
        QString after;
        while (true) {
            if (context && context->isCanceled())
                return fail(ErrorKind::Failed, QStringLiteral("canceled"));
            auto page = store::readCells(db, location, after, kPage);
            if (!page)
                return std::unexpected(fromStoreError(page.error(), where));
            for (const store::Cell& cell : std::as_const(*page)) {
                if (!cell.isNull && !cell.raw.isEmpty())
                    cells << BackupCell{location.key, cell.rowId, cell.raw, cell.isBlob};
            }
            if (page->size() < kPage)
                break;
            after = page->last().rowId;
        }
    }
    return cells;
}

Result<void> writeNewPrivateFile(const QString& path, const QByteArray& contents)
{
    if (QFileInfo::exists(path) || QFileInfo(path).isSymLink())
        return fail(ErrorKind::Refused, QStringLiteral("%1 already exists; a backup never overwrites a file").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return fail(ErrorKind::Usage, QStringLiteral("Cannot create %1: %2").arg(path, file.errorString()));
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        file.close();
        QFile::remove(path);
        return fail(ErrorKind::Failed, QStringLiteral("Cannot restrict the permissions of %1").arg(path));
    }
    if (file.write(contents) != contents.size() || !file.flush()) {
        const QString error = file.errorString();
        file.close();
        QFile::remove(path);
        // disk full, quota, I/O error: the surroundings, not the data (exit code 2)
        return fail(ErrorKind::Connection,
                    QStringLiteral("Writing %1 failed: %2; the incomplete file was removed").arg(path, error));
    }
    file.close();
    return {};
}

QJsonObject keyToJson(const store::DataKeyRow& row)
{
    return QJsonObject{
        {QStringLiteral("id"), row.id},
        {QStringLiteral("label"), row.label},
        {QStringLiteral("provider"), row.provider},
        {QStringLiteral("scope"), row.scope},
        {QStringLiteral("active"), row.active},
        {QStringLiteral("created"), row.created},
        {QStringLiteral("updated"), row.updated},
        {QStringLiteral("encryptedData"), QString::fromLatin1(row.encryptedData.toBase64())},
    };
}

Result<BackupContents> readJsonBackup(const QString& path, const QByteArray& bytes)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()
        || doc.object().value(QStringLiteral("format")).toString() != QLatin1String(kFormatTag))
        return fail(ErrorKind::Usage, QStringLiteral("%1 is neither an SQLite database nor a Mosaicoo key "
                                                     "backup (JSON)")
                                          .arg(path));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("version")).toInt() != 1)
        return fail(ErrorKind::Usage, QStringLiteral("%1: unsupported backup version").arg(path));
    BackupContents contents;
    for (const QJsonValue& v : root.value(QStringLiteral("dataKeys")).toArray()) {
        const QJsonObject o = v.toObject();
        store::DataKeyRow row;
        row.id = o.value(QStringLiteral("id")).toString();
        row.label = o.value(QStringLiteral("label")).toString();
        row.provider = o.value(QStringLiteral("provider")).toString();
        row.scope = o.value(QStringLiteral("scope")).toString();
        row.active = o.value(QStringLiteral("active")).toBool();
        row.created = o.value(QStringLiteral("created")).toString();
        row.updated = o.value(QStringLiteral("updated")).toString();
        const auto decoded = QByteArray::fromBase64Encoding(
            o.value(QStringLiteral("encryptedData")).toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (row.id.isEmpty() || !decoded)
            return fail(ErrorKind::Usage, QStringLiteral("%1: a data key entry is damaged").arg(path));
        row.encryptedData = *decoded;
        contents.dataKeys << row;
    }
    for (const QJsonValue& v : root.value(QStringLiteral("cells")).toArray()) {
        const QJsonObject o = v.toObject();
        BackupCell cell;
        cell.location = o.value(QStringLiteral("location")).toString();
        cell.rowId = o.value(QStringLiteral("rowId")).toString();
        cell.isBlob = o.value(QStringLiteral("isBlob")).toBool();
        const auto decoded = QByteArray::fromBase64Encoding(o.value(QStringLiteral("raw")).toString().toLatin1(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (cell.location.isEmpty() || cell.rowId.isEmpty() || !decoded)
            return fail(ErrorKind::Usage, QStringLiteral("%1: a cell entry is damaged").arg(path));
        cell.raw = *decoded;
        contents.cells << cell;
    }
    return contents;
}

Result<BackupContents> readSqliteBackup(const QString& path, JobContext* context)
{
    store::ConnectionSpec spec;
    spec.driver = store::ConnectionSpec::Driver::Sqlite;
    spec.path = path;
    spec.readOnly = true;
    auto db = store::Database::open(spec);
    if (!db)
        return std::unexpected(fromStoreError(db.error(), path));
    auto schema = store::detectSchema(*db);
    if (!schema)
        return std::unexpected(fromStoreError(schema.error(), path));
    BackupContents contents;
    if (schema->hasDataKeys) {
        auto keys = store::loadDataKeys(*db);
        if (!keys)
            return std::unexpected(fromStoreError(keys.error(), path));
        contents.dataKeys = *keys;
    }
    auto cells = readAllCells(*db, path, context);
    if (!cells)
        return std::unexpected(cells.error());
    for (BackupCell& c : *cells)
        contents.cells << std::move(c);
    return contents;
}

} // namespace

Result<QList<store::DataKeyRow>> readBackupDataKeys(const QString& path, QString* format, JobContext* context)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorKind::Usage, QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    const bool sqliteFile = file.peek(16) == QByteArray("SQLite format 3\0", 16);
    if (format)
        *format = sqliteFile ? QStringLiteral("sqlite") : QStringLiteral("json");
    Result<BackupContents> contents = sqliteFile ? readSqliteBackup(path, context)
                                                 : readJsonBackup(path, file.readAll());
    if (!contents)
        return std::unexpected(contents.error());
    return contents->dataKeys;
}

Result<OperationResult> runBackup(const Target& target, const BackupOptions& options, JobContext* context)
{
    QElapsedTimer timer;
    timer.start();
    OperationResult result;
    result.operation = operationName(OperationKind::Backup);
    result.backupFile = options.outPath;
    if (options.outPath.isEmpty())
        return fail(ErrorKind::Usage, QStringLiteral("backup needs --out FILE"));
    if (QFileInfo::exists(options.outPath) || QFileInfo(options.outPath).isSymLink())
        return fail(ErrorKind::Refused, QStringLiteral("%1 already exists; a backup never overwrites a file")
                                            .arg(options.outPath));
    const bool sqlite = target.connection.driver == store::ConnectionSpec::Driver::Sqlite;
    QString format = options.format;
    if (format.isEmpty())
        format = sqlite ? QStringLiteral("sqlite") : QStringLiteral("json");
    if (format != QLatin1String("sqlite") && format != QLatin1String("json"))
        return fail(ErrorKind::Usage, QStringLiteral("backup format must be sqlite or json"));
    if (format == QLatin1String("sqlite") && !sqlite)
        return fail(ErrorKind::Usage, QStringLiteral("an SQLite backup needs an SQLite database; use json"));
    result.backupFormat = format;

    auto opened = openTarget(target, AccessMode::ReadOnly);
    if (!opened)
        return std::unexpected(opened.error());
    const QString where = opened->db.spec().displayName();
    if (context)
        context->setProgress(0, QStringLiteral("backing up to %1").arg(options.outPath));
    if (format == QLatin1String("sqlite")) {
        if (auto copied = store::backupSqlite(opened->db, options.outPath); !copied)
            return fail(isEnvironmentError(copied.error()) ? ErrorKind::Connection : ErrorKind::Failed,
                        QStringLiteral("Backup of %1 failed: %2%3")
                            .arg(where, copied.error().detail,
                                 copied.error().code == store::ErrorCode::DiskFull
                                     ? QStringLiteral(" (the disk is full; the incomplete copy was removed)")
                                     : QString()));
    } else {
        auto cells = readAllCells(opened->db, where, context);
        if (!cells)
            return std::unexpected(cells.error());
        QJsonArray keys;
        for (const store::DataKeyRow& row : std::as_const(opened->dataKeys))
            keys.append(keyToJson(row));
        QJsonArray cellArray;
        for (const BackupCell& cell : std::as_const(*cells))
            cellArray.append(QJsonObject{
                {QStringLiteral("location"), cell.location},
                {QStringLiteral("rowId"), cell.rowId},
                {QStringLiteral("raw"), QString::fromLatin1(cell.raw.toBase64())},
                {QStringLiteral("isBlob"), cell.isBlob},
            });
        const QJsonObject root{
            {QStringLiteral("format"), QLatin1String(kFormatTag)},
            {QStringLiteral("version"), 1},
            {QStringLiteral("created"), QDateTime::currentDateTime().toOffsetFromUtc(
                                            QDateTime::currentDateTime().offsetFromUtc()).toString(Qt::ISODate)},
            {QStringLiteral("source"),
             QJsonObject{{QStringLiteral("driver"), driverName(opened->db.spec())},
                         {QStringLiteral("location"), where},
                         {QStringLiteral("schema"), opened->schema.schemaEra}}},
            {QStringLiteral("dataKeys"), keys},
            {QStringLiteral("cells"), cellArray},
        };
        if (auto written = writeNewPrivateFile(options.outPath, QJsonDocument(root).toJson(QJsonDocument::Compact));
            !written)
            return std::unexpected(written.error());
        result.processed = cells->size();
    }
    result.notes << QStringLiteral("Backup written to %1 (%2, readable by the owner only). It holds "
                                   "the encrypted secrets and data keys: keep it as safe as the "
                                   "database.")
                        .arg(options.outPath, format);
    qCInfo(lcModel).noquote() << "backup of" << where << "written to" << options.outPath;
    result.durationMs = timer.elapsed();
    return result;
}

Result<OperationResult> runRestore(const Target& target, const RestoreOptions& options, JobContext* context)
{
    QElapsedTimer timer;
    timer.start();
    OperationResult result;
    result.operation = operationName(OperationKind::Restore);
    result.dryRun = options.dryRun;
    result.backupFile = options.fromPath;
    if (options.fromPath.isEmpty())
        return fail(ErrorKind::Usage, QStringLiteral("restore needs --from FILE"));
    QFile file(options.fromPath);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorKind::Usage, QStringLiteral("Cannot read %1: %2").arg(options.fromPath, file.errorString()));
    const bool sqliteFile = file.peek(16) == QByteArray("SQLite format 3\0", 16);
    result.backupFormat = sqliteFile ? QStringLiteral("sqlite") : QStringLiteral("json");
    Result<BackupContents> contents = sqliteFile ? readSqliteBackup(options.fromPath, context)
                                                 : readJsonBackup(options.fromPath, file.readAll());
    file.close();
    if (!contents)
        return std::unexpected(contents.error());
    if (QFileInfo(options.fromPath).canonicalFilePath() == QFileInfo(target.connection.path).canonicalFilePath()
        && target.connection.driver == store::ConnectionSpec::Driver::Sqlite)
        return fail(ErrorKind::Usage, QStringLiteral("the backup file is the database itself"));

    auto opened = openTarget(target, options.dryRun ? AccessMode::ReadOnly : AccessMode::ReadWrite);
    if (!opened)
        return std::unexpected(opened.error());
    const QString where = opened->db.spec().displayName();
    QHash<QString, store::DataKeyRow> existingKeys;
    for (const store::DataKeyRow& row : std::as_const(opened->dataKeys))
        existingKeys.insert(row.id, row);
    if (!contents->dataKeys.isEmpty() && !opened->schema.hasDataKeys)
        return fail(ErrorKind::Refused, QStringLiteral("%1 has no data_keys table; the backup's data keys "
                                                       "cannot be restored")
                                            .arg(where));

    // Current cells of every location the backup mentions.
    QHash<QString, QHash<QString, store::Cell>> current;
    for (const store::SecretLocation& location : store::secretLocations()) {
        QString after;
        QHash<QString, store::Cell>& rows = current[location.key];
        while (true) {
            auto page = store::readCells(opened->db, location, after, kPage);
            if (!page)
                return std::unexpected(fromStoreError(page.error(), where));
            for (const store::Cell& cell : std::as_const(*page))
                rows.insert(cell.rowId, cell);
            if (page->size() < kPage)
                break;
            after = page->last().rowId;
        }
    }
    if (context)
        context->setProgressRange(contents->cells.size());

    if (!options.dryRun) {
        if (auto begun = opened->db.begin(); !begun)
            return std::unexpected(fromStoreError(begun.error(), where));
    }
    auto abort = [&](Error error) -> Result<OperationResult> {
        if (!options.dryRun)
            (void)opened->db.rollback();
        return std::unexpected(std::move(error));
    };
    qint64 reactivated = 0;
    for (const store::DataKeyRow& key : std::as_const(contents->dataKeys)) {
        const auto existing = existingKeys.constFind(key.id);
        if (existing == existingKeys.cend()) {
            if (!options.dryRun) {
                if (auto inserted = store::insertDataKey(opened->db, key); !inserted)
                    return abort(fromStoreError(inserted.error(), where));
            }
            result.dataKeysCreated << key.id;
        } else if (existing->encryptedData != key.encryptedData || existing->provider != key.provider
                   || existing->label != key.label) {
            if (!options.dryRun) {
                if (auto updated = store::updateDataKeyWrap(opened->db, key.id, key.provider, key.label,
                                                            key.encryptedData, key.updated);
                    !updated)
                    return abort(fromStoreError(updated.error(), where));
            }
            ++result.dataKeysRewrapped;
        }
        if (existing != existingKeys.cend() && existing->active != key.active) {
            if (!options.dryRun) {
                if (auto flagged = store::setDataKeyActive(opened->db, key.id, key.active); !flagged)
                    return abort(fromStoreError(flagged.error(), where));
            }
            if (key.active)
                ++reactivated;
            else {
                ++result.dataKeysDeactivated;
                result.dataKeysDeactivatedIds << key.id;
            }
        }
    }
    // Keys made after the backup (a rotate, a server write) are kept: values written since may use
    // them. They stop being current so that the server encrypts with the backup's keys again.
    QSet<QString> backupKeyIds;
    for (const store::DataKeyRow& key : std::as_const(contents->dataKeys))
        backupKeyIds.insert(key.id);
    qint64 newerKept = 0;
    for (const store::DataKeyRow& row : std::as_const(opened->dataKeys)) {
        if (backupKeyIds.contains(row.id))
            continue;
        ++newerKept;
        if (!row.active || contents->dataKeys.isEmpty())
            continue;
        if (!options.dryRun) {
            if (auto flagged = store::setDataKeyActive(opened->db, row.id, false); !flagged)
                return abort(fromStoreError(flagged.error(), where));
        }
        ++result.dataKeysDeactivated;
        result.dataKeysDeactivatedIds << row.id;
    }
    qint64 done = 0;
    for (const BackupCell& cell : std::as_const(contents->cells)) {
        ++result.processed;
        const store::SecretLocation* location = store::findSecretLocation(cell.location);
        const auto rows = current.constFind(cell.location);
        const auto now = location && rows != current.cend() ? rows->constFind(cell.rowId)
                                                            : QHash<QString, store::Cell>::const_iterator();
        if (!location || rows == current.cend() || now == rows->cend()) {
            ++result.skipped;
            result.failures << ValueFailure{cell.location.section(QLatin1Char('.'), 0, 0),
                                            cell.location.section(QLatin1Char('.'), 1), cell.rowId, QString(),
                                            FailureReason::Conflict,
                                            QStringLiteral("the row no longer exists; not restored")};
            ++result.failed;
            continue;
        }
        if (!now->isNull && now->raw == cell.raw) {
            ++result.skipped;
            continue;
        }
        if (!options.dryRun) {
            auto written = store::updateCell(opened->db, *location, cell.rowId, now->raw, cell.raw, QString());
            if (!written)
                return abort(fromStoreError(written.error(), where));
            ++result.cellsWritten;
        }
        ++result.changed;
        if (context && ++done % 500 == 0)
            context->setProgress(result.processed, QStringLiteral("%1 cells restored").arg(result.changed));
    }
    if (!options.dryRun) {
        if (auto committed = opened->db.commit(); !committed)
            return abort(fromStoreError(committed.error(), where));
        qCInfo(lcModel).noquote() << "restore of" << where << "from" << options.fromPath << ":" << result.changed
                                  << "cells," << result.dataKeysCreated.size() << "keys inserted";
    }
    if (!contents->dataKeys.isEmpty()) {
        result.notes << QStringLiteral("Data keys' active flags are as in the backup: %1 made active again, %2 "
                                       "made inactive.")
                            .arg(reactivated)
                            .arg(result.dataKeysDeactivated);
    }
    if (newerKept > 0) {
        result.notes << QStringLiteral("%1 data key(s) created after the backup were kept (values written since "
                                       "may use them); active ones were made inactive.")
                            .arg(newerKept);
    }
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace mk::model
