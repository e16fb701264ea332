#include "model/ops/SecretsManagerBackup.h"

#include "crypto/GsmCipher.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretsManager.h"
#include "model/store/Database.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>

namespace mk::model {

namespace {

const QString kColumn = QStringLiteral("encrypted_data");

QString valueKey(const QString& nameSpace, const QString& name, qint64 version)
{
    return nameSpace + QChar(0x1f) + name + QChar(0x1f) + QString::number(version);
}

QString valueKey(const store::GsmValueRow& row)
{
    return valueKey(row.nameSpace, row.name, row.version);
}

QString base64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

std::optional<QByteArray> fromBase64(const QJsonValue& value)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        value.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

// Values that prove a key ring right (GCM authenticates: a decrypted value is proof) or wrong.
struct Evidence
{
    int proving = 0;
    int failing = 0;
};

Evidence judge(const QList<store::GsmValueRow>& values, const GsmKeyRing& ring, int limit)
{
    Evidence evidence;
    int tried = 0;
    for (const store::GsmValueRow& value : values) {
        if (splitGsmValue(value).problem)
            continue;
        if (tried++ >= limit)
            break;
        auto plaintext = decryptGsmValue(value, ring);
        if (plaintext) {
            ++evidence.proving;
            plaintext->fill('\0');
            continue;
        }
        const FailureReason reason = plaintext.error().reason;
        if (reason == FailureReason::AuthenticationFailed
            || reason == FailureReason::DataKeyUnwrapFailed)
            ++evidence.failing;
    }
    return evidence;
}

QString now()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

ValueFailure failureOf(const store::GsmValueRow& row, FailureReason reason, const QString& detail)
{
    return ValueFailure {kGsmValuesTable, kColumn, row.rowId(), QString(), reason, detail};
}

} // namespace

Result<GsmBackupContents> readGsmBackupContents(store::Database& db, const QString& where)
{
    GsmBackupContents contents;
    auto layout = store::detectGsmLayout(db);
    if (!layout)
        return std::unexpected(fromStoreError(layout.error(), where));
    if (!layout->present)
        return contents;
    auto keys = store::loadGsmDataKeys(db);
    if (!keys)
        return std::unexpected(fromStoreError(keys.error(), where));
    auto values = store::loadGsmValues(db);
    if (!values)
        return std::unexpected(fromStoreError(values.error(), where));
    contents.present = true;
    contents.dataKeys = std::move(*keys);
    contents.values = std::move(*values);
    return contents;
}

QJsonObject gsmBackupToJson(const GsmBackupContents& contents)
{
    QJsonArray keys;
    for (const store::GsmDataKeyRow& k : contents.dataKeys) {
        keys.append(QJsonObject {
            {QStringLiteral("uid"), k.uid},
            {QStringLiteral("namespace"), k.nameSpace},
            {QStringLiteral("label"), k.label},
            {QStringLiteral("active"), k.active},
            {QStringLiteral("provider"), k.provider},
            {QStringLiteral("created"), k.created},
            {QStringLiteral("updated"), k.updated},
            {QStringLiteral("encryptedData"), base64(k.encryptedData)},
        });
    }
    QJsonArray values;
    for (const store::GsmValueRow& v : contents.values) {
        QJsonObject o {
            {QStringLiteral("namespace"), v.nameSpace},
            {QStringLiteral("name"), v.name},
            {QStringLiteral("version"), v.version},
            {QStringLiteral("dataKeyId"), v.dataKeyId},
            {QStringLiteral("created"), v.created},
            {QStringLiteral("updated"), v.updated},
            {QStringLiteral("encryptedData"), base64(v.encryptedData)},
        };
        if (v.hasOwner)
            o.insert(QStringLiteral("owner"),
                QJsonObject {
                    {QStringLiteral("guid"), v.guid},
                    {QStringLiteral("description"), v.description},
                    {QStringLiteral("keeper"), v.keeper},
                    {QStringLiteral("decrypters"), v.decrypters},
                    {QStringLiteral("active"), v.ownerActive},
                });
        values.append(o);
    }
    return QJsonObject {
        {QStringLiteral("present"), contents.present},
        {QStringLiteral("dataKeys"), keys},
        {QStringLiteral("values"), values},
    };
}

Result<GsmBackupContents> gsmBackupFromJson(const QJsonValue& value, const QString& path)
{
    GsmBackupContents contents;
    if (value.isUndefined() || value.isNull())
        return contents; // a backup made before the store was exported, or without it
    const QJsonObject root = value.toObject();
    contents.present = root.value(QStringLiteral("present")).toBool();
    for (const QJsonValue& v : root.value(QStringLiteral("dataKeys")).toArray()) {
        const QJsonObject o = v.toObject();
        store::GsmDataKeyRow row;
        row.uid = o.value(QStringLiteral("uid")).toString();
        row.nameSpace = o.value(QStringLiteral("namespace")).toString();
        row.label = o.value(QStringLiteral("label")).toString();
        row.active = o.value(QStringLiteral("active")).toBool();
        row.provider = o.value(QStringLiteral("provider")).toString();
        row.created = o.value(QStringLiteral("created")).toString();
        row.updated = o.value(QStringLiteral("updated")).toString();
        const auto wrapped = fromBase64(o.value(QStringLiteral("encryptedData")));
        if (row.uid.isEmpty() || !wrapped)
            return fail(ErrorKind::Usage,
                QStringLiteral("%1: a secrets-manager data key entry is damaged").arg(path));
        row.encryptedData = *wrapped;
        contents.dataKeys << row;
    }
    for (const QJsonValue& v : root.value(QStringLiteral("values")).toArray()) {
        const QJsonObject o = v.toObject();
        store::GsmValueRow row;
        row.nameSpace = o.value(QStringLiteral("namespace")).toString();
        row.name = o.value(QStringLiteral("name")).toString();
        row.version = o.value(QStringLiteral("version")).toInteger();
        row.dataKeyId = o.value(QStringLiteral("dataKeyId")).toString();
        row.created = o.value(QStringLiteral("created")).toInteger();
        row.updated = o.value(QStringLiteral("updated")).toInteger();
        const auto bytes = fromBase64(o.value(QStringLiteral("encryptedData")));
        if (row.nameSpace.isEmpty() || row.name.isEmpty() || !bytes)
            return fail(ErrorKind::Usage,
                QStringLiteral("%1: a secrets-manager value entry is damaged").arg(path));
        row.encryptedData = *bytes;
        const QJsonObject owner = o.value(QStringLiteral("owner")).toObject();
        row.hasOwner = !owner.isEmpty();
        row.guid = owner.value(QStringLiteral("guid")).toString();
        row.description = owner.value(QStringLiteral("description")).toString();
        row.keeper = owner.value(QStringLiteral("keeper")).toString();
        row.decrypters = owner.value(QStringLiteral("decrypters")).toString();
        row.ownerActive = owner.value(QStringLiteral("active")).toBool();
        contents.values << row;
    }
    return contents;
}

Result<GsmRestorePlan> planGsmRestore(const Target& target,
    store::Database& db,
    const GsmBackupContents& backup,
    const QString& backupPath,
    bool replaceDataKeys,
    bool force)
{
    GsmRestorePlan plan;
    if (backup.dataKeys.isEmpty() && backup.values.isEmpty())
        return plan;
    plan.active = true;
    const QString where = db.spec().displayName();
    auto layout = store::detectGsmLayout(db);
    if (!layout)
        return std::unexpected(fromStoreError(layout.error(), where));
    if (!layout->present)
        return fail(ErrorKind::Refused,
            QStringLiteral("%1 has no secret_data_key / secret_encrypted_value tables; the "
                           "backup's secrets-manager store cannot be restored. Nothing "
                           "was written.")
                .arg(where));
    auto hereKeys = store::loadGsmDataKeys(db);
    if (!hereKeys)
        return std::unexpected(fromStoreError(hereKeys.error(), where));
    auto hereValues = store::loadGsmValues(db);
    if (!hereValues)
        return std::unexpected(fromStoreError(hereValues.error(), where));

    QHash<QString, store::GsmDataKeyRow> backupKeys;
    for (const store::GsmDataKeyRow& k : backup.dataKeys)
        backupKeys.insert(k.uid, k);
    QHash<QString, store::GsmDataKeyRow> existing;
    QList<store::GsmDataKeyRow> combined = backup.dataKeys; // the backup's keys, then newer ones
    for (const store::GsmDataKeyRow& k : std::as_const(*hereKeys)) {
        existing.insert(k.uid, k);
        if (!backupKeys.contains(k.uid))
            combined << k;
    }
    const GsmKeyRing backupRing(target.config.secretsManager, combined);
    const GsmKeyRing hereRing(target.config.secretsManager, *hereKeys);

    // 1. The backup's values decrypt with this installation's [secrets_manager] keys.
    {
        QList<store::GsmValueRow> sample;
        const qsizetype stride = qMax<qsizetype>(1, backup.values.size() / 60);
        for (qsizetype i = 0; i < backup.values.size(); i += stride)
            sample << backup.values.at(i);
        const Evidence evidence = judge(sample, backupRing, 60);
        const int decisive = evidence.proving + evidence.failing;
        if (decisive > 0 && evidence.failing * 2 > decisive)
            return fail(ErrorKind::Refused,
                QStringLiteral(
                    "%1 of %2 sampled secrets-manager values of the backup %3 do not decrypt with "
                    "this installation's [secrets_manager] keys: it is a backup of another "
                    "installation, or the provider sections changed since. Nothing was "
                    "written.")
                    .arg(evidence.failing)
                    .arg(decisive)
                    .arg(backupPath));
    }

    // 2. The same uid with other bytes here: re-wrapped since (same key), broken here (the values
    // here need the backup's copy), or other key material (refuse unless told to replace).
    QHash<QString, QList<store::GsmValueRow>> hereByKey;
    QHash<QString, store::GsmValueRow> hereByValue;
    for (const store::GsmValueRow& v : std::as_const(*hereValues)) {
        hereByValue.insert(valueKey(v), v);
        const GsmValueParts parts = splitGsmValue(v);
        if (!parts.problem && backupKeys.contains(parts.dataKeyId)
            && hereByKey[parts.dataKeyId].size() < 12)
            hereByKey[parts.dataKeyId] << v;
    }
    QStringList conflicting;
    QSet<QString> sameMaterial;
    for (const store::GsmDataKeyRow& key : backup.dataKeys) {
        const auto here = existing.constFind(key.uid);
        if (here == existing.cend()
            || (here->encryptedData == key.encryptedData && here->provider == key.provider))
            continue;
        const auto fromBackup = backupRing.dataKey(key.uid);
        const auto fromHere = hereRing.dataKey(key.uid);
        if (fromBackup && fromHere && fromBackup->view() == fromHere->view()) {
            sameMaterial.insert(key.uid);
            continue;
        }
        const QList<store::GsmValueRow>& values = hereByKey.value(key.uid);
        const Evidence withBackup = judge(values, backupRing, 12);
        const Evidence withHere = judge(values, hereRing, 12);
        if (withBackup.proving > 0 && withHere.proving == 0)
            continue; // the copy here is broken; the values need the backup's
        conflicting << (withHere.proving > 0
                ? QStringLiteral(
                    "%1 (the values here decrypt with this database's copy, not with the "
                    "backup's)")
                      .arg(key.uid)
                : QStringLiteral("%1 (different key material; no value here shows which is right)")
                      .arg(key.uid));
    }
    if (!conflicting.isEmpty() && !replaceDataKeys)
        return fail(ErrorKind::Refused,
            QStringLiteral(
                "the backup %1 holds other key material than this database under the same "
                "secrets-manager data key uid: %2. Restoring it would make this database's "
                "values unreadable. Nothing was written. Only if you are sure this backup is of "
                "this database, run again with --replace-data-keys.")
                .arg(backupPath, conflicting.join(QStringLiteral("; "))));
    plan.sameMaterial = sameMaterial.size();
    plan.replacedConflicting = conflicting.size();

    // 3. The values the backup names belong to the same secure values here (their guid).
    QSet<QString> ownerMismatch;
    qint64 compared = 0;
    QString example;
    for (const store::GsmValueRow& v : backup.values) {
        const auto here = hereByValue.constFind(valueKey(v));
        if (here == hereByValue.cend() || v.guid.isEmpty() || here->guid.isEmpty())
            continue;
        ++compared;
        if (here->guid != v.guid) {
            ownerMismatch.insert(valueKey(v));
            if (example.isEmpty())
                example = QStringLiteral("%1 belongs to secure value %2 in the backup, %3 here")
                              .arg(v.rowId(), v.guid, here->guid);
        }
    }
    if (compared > 0 && ownerMismatch.size() * 2 > compared)
        return fail(ErrorKind::Refused,
            QStringLiteral(
                "%1 of %2 secrets-manager values the backup %3 names belong to other secure values "
                "in this database (%4): it is a backup of another database. Nothing was "
                "written.")
                .arg(ownerMismatch.size())
                .arg(compared)
                .arg(backupPath, example));

    // The plan: keys first.
    for (const store::GsmDataKeyRow& key : backup.dataKeys) {
        const auto here = existing.constFind(key.uid);
        if (here == existing.cend()) {
            plan.insertKeys << key;
            continue;
        }
        if (!sameMaterial.contains(key.uid)
            && (here->encryptedData != key.encryptedData || here->provider != key.provider
                || here->label != key.label))
            plan.restoreKeys << key;
        if (here->active != key.active)
            plan.activeFlags << qMakePair(key.uid, key.active);
    }
    for (const store::GsmDataKeyRow& k : std::as_const(*hereKeys)) {
        if (backupKeys.contains(k.uid))
            continue;
        ++plan.newerKept;
        if (k.active && !backup.dataKeys.isEmpty())
            plan.deactivateNewer << k.uid;
    }
    // Then the values, in the layout of this database.
    for (const store::GsmValueRow& v : backup.values) {
        const auto here = hereByValue.constFind(valueKey(v));
        if (here == hereByValue.cend()) {
            plan.failures << failureOf(v, FailureReason::RowGone,
                QStringLiteral("the value does not exist in this database; not restored"));
            continue;
        }
        store::GsmValueRow back = v;
        if (!layout->hasDataKeyIdColumn && !back.dataKeyId.isEmpty()) {
            back.encryptedData
                = crypto::gsm::joinLegacyLayout(back.dataKeyId.toUtf8(), back.encryptedData);
            back.dataKeyId.clear();
        }
        if (here->encryptedData == back.encryptedData && here->dataKeyId == back.dataKeyId) {
            ++plan.unchanged;
            continue;
        }
        if (ownerMismatch.contains(valueKey(v)) && !force) {
            plan.failures << failureOf(v, FailureReason::OwnerMismatch,
                QStringLiteral("the value belongs to secure value %1 here but to %2 in the "
                               "backup; not restored (--force restores it anyway)")
                    .arg(here->guid, v.guid));
            continue;
        }
        plan.rewrite << GsmRestorePlan::Value {*here, back};
    }
    return plan;
}

Result<void> applyGsmRestore(
    store::Database& db, const GsmRestorePlan& plan, bool dryRun, OperationResult& result)
{
    if (!plan.active)
        return {};
    const QString where = db.spec().displayName();
    const QString stamp = now();
    const auto check = [&](const store::Result<void>& done) -> Result<void> {
        if (!done)
            return std::unexpected(fromStoreError(done.error(), where));
        return {};
    };
    for (const store::GsmDataKeyRow& key : plan.insertKeys) {
        if (!dryRun) {
            if (auto done = check(store::insertGsmDataKey(db, key)); !done)
                return done;
        }
        result.dataKeysCreated << key.uid;
    }
    for (const store::GsmDataKeyRow& key : plan.restoreKeys) {
        if (!dryRun) {
            if (auto done = check(store::restoreGsmDataKey(db, key)); !done)
                return done;
        }
        ++result.dataKeysRewrapped;
    }
    qint64 reactivated = 0;
    qint64 deactivated = 0;
    for (const auto& [uid, active] : plan.activeFlags) {
        if (!dryRun) {
            if (auto done = check(store::setGsmDataKeyActive(db, uid, active, stamp)); !done)
                return done;
        }
        if (active) {
            ++reactivated;
        } else {
            ++deactivated;
            ++result.dataKeysDeactivated;
            result.dataKeysDeactivatedIds << uid;
        }
    }
    for (const QString& uid : plan.deactivateNewer) {
        if (!dryRun) {
            if (auto done = check(store::setGsmDataKeyActive(db, uid, false, stamp)); !done)
                return done;
        }
        ++result.dataKeysDeactivated;
        result.dataKeysDeactivatedIds << uid;
    }
    result.processed += plan.rewrite.size() + plan.unchanged + plan.failures.size();
    result.skipped += plan.unchanged;
    result.failed += plan.failures.size();
    result.failures << plan.failures;
    for (const GsmRestorePlan::Value& value : plan.rewrite) {
        if (!dryRun) {
            auto replaced = store::replaceGsmValue(db, value.here, value.backup.encryptedData,
                value.backup.dataKeyId, value.backup.updated);
            if (!replaced)
                return std::unexpected(fromStoreError(replaced.error(), where));
            if (!*replaced) {
                ++result.failed;
                ++result.conflicts;
                result.failures << failureOf(value.here, FailureReason::Conflict,
                    QStringLiteral("changed while the restore ran; not restored"));
                continue;
            }
            ++result.cellsWritten;
        }
        ++result.changed;
    }
    if (reactivated > 0 || deactivated > 0)
        result.notes << QStringLiteral(
            "Secrets-manager data keys' active flags are as in the backup: %1 made active "
            "again, %2 made inactive.")
                            .arg(reactivated)
                            .arg(deactivated);
    if (plan.sameMaterial > 0)
        result.notes << QStringLiteral(
            "Secrets-manager data keys re-wrapped since the backup but holding the same key, "
            "left as they are: %1.")
                            .arg(plan.sameMaterial);
    if (plan.replacedConflicting > 0)
        result.notes << QStringLiteral(
            "--replace-data-keys: secrets-manager data keys replaced by the backup's copy: "
            "%1.")
                            .arg(plan.replacedConflicting);
    if (plan.newerKept > 0)
        result.notes << QStringLiteral(
            "Secrets-manager data keys created after the backup, kept (values written since "
            "may use them): %1; of these, active ones %3 made inactive: %2.")
                            .arg(plan.newerKept)
                            .arg(plan.deactivateNewer.size())
                            .arg(dryRun ? QStringLiteral("would be") : QStringLiteral("were"));
    return {};
}

} // namespace mk::model
