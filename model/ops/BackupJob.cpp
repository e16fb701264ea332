#include "model/ops/BackupJob.h"

#include "model/ModelLog.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretScanner.h"
#include "model/ops/SecretsManagerBackup.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/CellExpansion.h"
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
    QString owner; // who the row belonged to (data source name, login, ...): empty in old backups
};

struct BackupContents
{
    QList<store::DataKeyRow> dataKeys;
    QList<BackupCell> cells;
    GsmBackupContents secretsManager; // secret_data_key and secret_encrypted_value
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
                    cells << BackupCell{location.key, cell.rowId, cell.raw, cell.isBlob, cell.owner};
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
        cell.owner = o.value(QStringLiteral("owner")).toString();
        const auto decoded = QByteArray::fromBase64Encoding(o.value(QStringLiteral("raw")).toString().toLatin1(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (cell.location.isEmpty() || cell.rowId.isEmpty() || !decoded)
            return fail(ErrorKind::Usage, QStringLiteral("%1: a cell entry is damaged").arg(path));
        cell.raw = *decoded;
        contents.cells << cell;
    }
    auto gsm = gsmBackupFromJson(root.value(QStringLiteral("secretsManager")), path);
    if (!gsm)
        return std::unexpected(gsm.error());
    contents.secretsManager = std::move(*gsm);
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
    auto gsm = readGsmBackupContents(*db, path);
    if (!gsm)
        return std::unexpected(gsm.error());
    contents.secretsManager = std::move(*gsm);
    return contents;
}


int locationIndexOf(const QString& key)
{
    const QList<store::SecretLocation>& catalog = store::secretLocations();
    for (int i = 0; i < catalog.size(); ++i) {
        if (catalog.at(i).key == key)
            return i;
    }
    return -1;
}

QList<ValueRecord> recordsOf(const QString& locationKey, const store::Cell& cell, const QSet<QString>& keyIds)
{
    const int index = locationIndexOf(locationKey);
    if (index < 0 || cell.isNull || cell.raw.isEmpty())
        return {};
    return recordsOfCell(index, cell,
                         store::expandCell(store::secretLocations().at(index), cell.raw, false), keyIds);
}

// What decrypting some values says about the keys used: values that prove them (plausible and long
// enough to tell from random bytes, or GCM) and values that say they are wrong.
struct KeyEvidence
{
    int proving = 0;
    int failing = 0;
};

KeyEvidence judgeRecords(const QList<ValueRecord>& records, const KeyRing& ring, int limit)
{
    KeyEvidence evidence;
    int tried = 0;
    for (const ValueRecord& record : records) {
        if (record.problem || record.format == ValueFormat::Malformed)
            continue;
        if (tried++ >= limit)
            break;
        auto plaintext = decryptValue(record, ring, UnverifiablePolicy::Accept);
        if (!plaintext) {
            const FailureReason reason = plaintext.error().reason;
            if (reason == FailureReason::ImplausiblePlaintext || reason == FailureReason::AuthenticationFailed
                || reason == FailureReason::DataKeyUnwrapFailed)
                ++evidence.failing;
            continue;
        }
        const ValueFormat asLegacy = isGcm(record.format) ? ValueFormat::LegacyGcm : ValueFormat::LegacyCfb;
        if (judgePlaintext(store::secretLocations().at(record.locationIndex), asLegacy, QByteArrayView(*plaintext))
                .verdict
            == Plausibility::Plausible)
            ++evidence.proving;
        wipe(*plaintext);
    }
    return evidence;
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
    // A folder that is not there or not writable is a wrong --out (exit 2), found before anything
    // is opened.
    if (const QFileInfo folder(QFileInfo(options.outPath).absolutePath()); !folder.isDir())
        return fail(ErrorKind::Usage, QStringLiteral("cannot create %1: the folder %2 does not exist")
                                          .arg(options.outPath, folder.filePath()));
    else if (!folder.isWritable())
        return fail(ErrorKind::Usage, QStringLiteral("cannot create %1: the folder %2 is not writable")
                                          .arg(options.outPath, folder.filePath()));
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
        auto gsm = readGsmBackupContents(opened->db, where);
        if (!gsm)
            return std::unexpected(gsm.error());
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
                {QStringLiteral("owner"), cell.owner},
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
            {QStringLiteral("secretsManager"), gsmBackupToJson(*gsm)},
        };
        if (auto written = writeNewPrivateFile(options.outPath, QJsonDocument(root).toJson(QJsonDocument::Compact));
            !written)
            return std::unexpected(written.error());
        result.processed = cells->size() + gsm->values.size();
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
    // ---- Does the backup belong here? Everything below is decided before anything is written,
    // and a dry run refuses exactly like a real run.
    QHash<QString, store::DataKeyRow> backupKeys;
    for (const store::DataKeyRow& key : std::as_const(contents->dataKeys))
        backupKeys.insert(key.id, key);
    QList<store::DataKeyRow> combinedRows = contents->dataKeys; // the backup's keys, then newer ones
    for (const store::DataKeyRow& row : std::as_const(opened->dataKeys)) {
        if (!backupKeys.contains(row.id))
            combinedRows << row;
    }
    const KeyRing backupRing(target, combinedRows);
    const KeyRing hereRing(target, opened->dataKeys);
    QSet<QString> allIds = backupRing.ids();

    // 1. The backup's values decrypt with this installation's secret key (a spread-out sample).
    {
        QList<ValueRecord> sample;
        const qsizetype stride = qMax<qsizetype>(1, contents->cells.size() / 120);
        for (qsizetype i = 0; i < contents->cells.size(); i += stride) {
            const BackupCell& cell = contents->cells.at(i);
            if (cell.location == QLatin1String("cache_data.data"))
                continue; // binary: says nothing about the key
            store::Cell c;
            c.rowId = cell.rowId;
            c.raw = cell.raw;
            c.isBlob = cell.isBlob;
            sample << recordsOf(cell.location, c, allIds);
        }
        const KeyEvidence evidence = judgeRecords(sample, backupRing, 150);
        const int decisive = evidence.proving + evidence.failing;
        if (decisive > 0 && evidence.failing * 2 > decisive)
            return fail(ErrorKind::Refused,
                        QStringLiteral("%1 of %2 sampled values of the backup %3 do not decrypt with this "
                                       "installation's secret key: it is a backup of another installation, or "
                                       "of this one before a change of the secret key (then run restore with "
                                       "that key, --secret-key-file). Nothing was written.")
                            .arg(evidence.failing)
                            .arg(decisive)
                            .arg(options.fromPath));
    }

    // 2. A data key the backup and this database both have, with different bytes: re-wrapped since
    // (the same key material: nothing to restore), broken here (the values here decrypt only with
    // the backup's copy: restore it), or another key under the same id (refuse).
    QHash<QString, QList<ValueRecord>> hereValuesByKey; // data key id -> a few values naming it here
    for (auto loc = current.cbegin(); loc != current.cend(); ++loc) {
        for (const store::Cell& cell : loc.value()) {
            for (const ValueRecord& record : recordsOf(loc.key(), cell, allIds)) {
                if (!record.dataKeyId.isEmpty() && backupKeys.contains(record.dataKeyId)
                    && hereValuesByKey[record.dataKeyId].size() < 12)
                    hereValuesByKey[record.dataKeyId] << record;
            }
        }
    }
    QSet<QString> sameMaterial;  // differing rows that wrap the same key: left as they are
    QStringList conflicting;     // "id (why)"
    for (const store::DataKeyRow& key : std::as_const(contents->dataKeys)) {
        const auto existing = existingKeys.constFind(key.id);
        if (existing == existingKeys.cend()
            || (existing->encryptedData == key.encryptedData && existing->provider == key.provider))
            continue;
        const auto fromBackup = backupRing.dataKey(key.id.toUtf8());
        const auto fromHere = hereRing.dataKey(key.id.toUtf8());
        if (fromBackup && fromHere && fromBackup->view() == fromHere->view()) {
            sameMaterial.insert(key.id);
            continue;
        }
        const QList<ValueRecord>& values = hereValuesByKey.value(key.id);
        const KeyEvidence withBackup = judgeRecords(values, backupRing, 12);
        const KeyEvidence withHere = judgeRecords(values, hereRing, 12);
        if (withBackup.proving > 0 && withHere.proving == 0)
            continue; // the copy here is broken; the backup's is the one the values need
        conflicting << (withHere.proving > 0
                            ? QStringLiteral("%1 (the values here decrypt with this database's copy, not with "
                                             "the backup's)")
                                  .arg(key.id)
                            : QStringLiteral("%1 (different key material; no value here shows which is right)")
                                  .arg(key.id));
    }
    if (!conflicting.isEmpty() && !options.replaceDataKeys)
        return fail(ErrorKind::Refused,
                    QStringLiteral("the backup %1 holds other key material than this database under the same data "
                                   "key id: %2. Restoring it would make this database's values unreadable: it "
                                   "is a backup of another installation, or these keys were replaced since. "
                                   "Nothing was written. Only if you are sure this backup is of this database "
                                   "(for example to undo a change of the secret key, restoring with the old "
                                   "key), run again with --replace-data-keys.")
                        .arg(options.fromPath, conflicting.join(QStringLiteral("; "))));

    // 3. The rows the backup names belong to the same owners here (data source name, login, ...).
    QSet<QString> ownerMismatch; // "location/rowId"
    qint64 ownersCompared = 0;
    QString example;
    for (const BackupCell& cell : std::as_const(contents->cells)) {
        const auto rows = current.constFind(cell.location);
        if (cell.owner.isEmpty() || rows == current.cend())
            continue;
        const auto now = rows->constFind(cell.rowId);
        if (now == rows->cend() || now->owner.isEmpty())
            continue;
        ++ownersCompared;
        if (now->owner != cell.owner) {
            ownerMismatch.insert(cell.location + QLatin1Char('/') + cell.rowId);
            if (example.isEmpty())
                example = QStringLiteral("%1 row %2 is \"%3\" in the backup, \"%4\" here")
                              .arg(cell.location, cell.rowId, cell.owner, now->owner);
        }
    }
    if (ownersCompared > 0 && ownerMismatch.size() * 2 > ownersCompared)
        return fail(ErrorKind::Refused,
                    QStringLiteral("%1 of %2 rows the backup %3 names belong to other owners in this database (%4): "
                                   "it is a backup of another database. Nothing was written.")
                        .arg(ownerMismatch.size())
                        .arg(ownersCompared)
                        .arg(options.fromPath, example));

    // 4. The secrets-manager store: the same three checks on its own keys and values.
    auto gsmPlan = planGsmRestore(target, opened->db, contents->secretsManager, options.fromPath,
                                  options.replaceDataKeys, options.force);
    if (!gsmPlan)
        return std::unexpected(gsmPlan.error());

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
        } else if (!sameMaterial.contains(key.id)
                   && (existing->encryptedData != key.encryptedData || existing->provider != key.provider
                       || existing->label != key.label)) {
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
    qint64 newerKept = 0;
    qint64 newerDeactivated = 0;
    for (const store::DataKeyRow& row : std::as_const(opened->dataKeys)) {
        if (backupKeys.contains(row.id))
            continue;
        ++newerKept;
        if (!row.active || contents->dataKeys.isEmpty())
            continue;
        if (!options.dryRun) {
            if (auto flagged = store::setDataKeyActive(opened->db, row.id, false); !flagged)
                return abort(fromStoreError(flagged.error(), where));
        }
        ++newerDeactivated;
        ++result.dataKeysDeactivated;
        result.dataKeysDeactivatedIds << row.id;
    }
    qint64 done = 0;
    for (const BackupCell& cell : std::as_const(contents->cells)) {
        ++result.processed;
        const store::SecretLocation* location = store::findSecretLocation(cell.location);
        const QString table = location ? location->table : cell.location.section(QLatin1Char('.'), 0, 0);
        const QString column = location ? location->column : cell.location.section(QLatin1Char('.'), 1);
        const auto rows = current.constFind(cell.location);
        const auto now = location && rows != current.cend() ? rows->constFind(cell.rowId)
                                                            : QHash<QString, store::Cell>::const_iterator();
        if (!location || rows == current.cend() || now == rows->cend()) {
            ++result.failed;
            result.failures << ValueFailure{table, column, cell.rowId, QString(), FailureReason::RowGone,
                                            location ? QStringLiteral("the row does not exist in this database; "
                                                                      "not restored")
                                                     : QStringLiteral("the backup names a location this "
                                                                      "version does not know; not restored")};
            continue;
        }
        if (!now->isNull && now->raw == cell.raw) {
            ++result.skipped;
            continue;
        }
        if (ownerMismatch.contains(cell.location + QLatin1Char('/') + cell.rowId) && !options.force) {
            ++result.failed;
            result.failures << ValueFailure{table, column, cell.rowId, QString(), FailureReason::OwnerMismatch,
                                            QStringLiteral("the row belongs to \"%1\" here but to \"%2\" in the "
                                                           "backup; not restored (--force restores it anyway)")
                                                .arg(now->owner, cell.owner)};
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
    if (auto gsm = applyGsmRestore(opened->db, *gsmPlan, options.dryRun, result); !gsm)
        return abort(gsm.error());
    if (!options.dryRun) {
        if (auto committed = opened->db.commit(); !committed)
            return abort(fromStoreError(committed.error(), where));
        qCInfo(lcModel).noquote() << "restore of" << where << "from" << options.fromPath << ":" << result.changed
                                  << "cells," << result.dataKeysCreated.size() << "keys inserted";
    }
    if (!contents->dataKeys.isEmpty() && (reactivated > 0 || result.dataKeysDeactivated > newerDeactivated)) {
        result.notes << QStringLiteral("Data keys' active flags are as in the backup: %1 made active again, %2 "
                                       "made inactive.")
                            .arg(reactivated)
                            .arg(result.dataKeysDeactivated - newerDeactivated);
    }
    if (!sameMaterial.isEmpty())
        result.notes << QStringLiteral("Data keys re-wrapped since the backup but holding the same key, left "
                                       "as they are: %1.")
                            .arg(sameMaterial.size());
    if (!conflicting.isEmpty())
        result.notes << QStringLiteral("--replace-data-keys: data keys replaced by the backup's copy: %1.")
                            .arg(conflicting.size());
    if (newerKept > 0) {
        result.notes << (newerDeactivated > 0
                             ? QStringLiteral("Data keys created after the backup, kept (values written since may "
                                              "use them): %1; of these, active ones %3 made inactive: %2.")
                                   .arg(newerKept)
                                   .arg(newerDeactivated)
                                   .arg(options.dryRun ? QStringLiteral("would be") : QStringLiteral("were"))
                             : QStringLiteral("Data keys created after the backup, kept (values written since may "
                                              "use them): %1.")
                                   .arg(newerKept));
    }
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace mk::model
