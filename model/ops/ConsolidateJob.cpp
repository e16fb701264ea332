#include "model/ops/ConsolidateJob.h"

#include "crypto/DataKey.h"
#include "crypto/KekProvider.h"
#include "model/ModelLog.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretsManager.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/SecretsManagerStore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QThreadPool>
#include <QTimeZone>
#include <QUuid>
#include <QtConcurrent/QtConcurrentMap>

namespace mk::model {

namespace {

const QString kColumn = QStringLiteral("encrypted_data");

QString now()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

ValueFailure failureOf(const QString& rowId, const GsmFailure& failure)
{
    return ValueFailure{kGsmValuesTable, kColumn, rowId, QString(), failure.reason, failure.detail};
}

// The new form of one value under `key`, checked by decrypting it back.
std::expected<GsmEncrypted, GsmFailure> reencrypt(const store::GsmValueRow& row,
                                                  const GsmKeyRing& ring,
                                                  const QString& newKeyId,
                                                  QByteArrayView newKey,
                                                  bool dataKeyIdColumn)
{
    auto plaintext = decryptGsmValue(row, ring);
    if (!plaintext)
        return std::unexpected(plaintext.error());
    auto encrypted = encryptGsmValue(*plaintext, newKeyId, newKey, dataKeyIdColumn);
    if (!encrypted) {
        wipe(*plaintext);
        return std::unexpected(GsmFailure{FailureReason::Other, encrypted.error().detail});
    }
    store::GsmValueRow check = row;
    check.encryptedData = encrypted->encryptedData;
    check.dataKeyId = encrypted->dataKeyIdColumn;
    auto back = decryptGsmValue(check, ring);
    const bool same = back && *back == *plaintext;
    wipe(*plaintext);
    if (back)
        wipe(*back);
    if (!same)
        return std::unexpected(GsmFailure{FailureReason::Other, QStringLiteral("round trip of the new value failed")});
    return *encrypted;
}

Result<OperationResult> consolidate(const Target& target, const OperationOptions& options, JobContext* context,
                                    bool preflightOnly)
{
    QElapsedTimer timer;
    timer.start();
    OperationResult result;
    result.operation = kConsolidateOperation;
    result.dryRun = options.dryRun || preflightOnly;
    result.preflight.operation = result.operation;
    result.preflight.dryRun = result.dryRun;
    result.dataKeysCacheTtlSeconds = target.config.secretsManager.dataKeysCacheTtlSeconds;

    auto opened = openTarget(target, result.dryRun ? AccessMode::ReadOnly : AccessMode::ReadWrite);
    if (!opened)
        return std::unexpected(opened.error());
    store::Database& db = opened->db;
    const QString where = db.spec().displayName();
    auto layout = store::detectGsmLayout(db);
    if (!layout)
        return std::unexpected(fromStoreError(layout.error(), where));
    if (!layout->present)
        return fail(ErrorKind::Refused,
                    QStringLiteral("%1 has no secrets-manager tables (secret_data_key, secret_encrypted_value): "
                                   "nothing to consolidate")
                        .arg(where));
    auto keys = store::loadGsmDataKeys(db);
    if (!keys)
        return std::unexpected(fromStoreError(keys.error(), where));
    GsmKeyRing ring(target.config.secretsManager, *keys);
    const QString providerId = ring.currentProviderId();
    const crypto::KekProvider* provider = ring.currentProvider();
    if (!provider)
        return fail(ErrorKind::Refused,
                    QStringLiteral("[secrets_manager] encryption_provider %1 has no [secrets_manager.encryption.%1] "
                                   "section with a secret_key: refusing to consolidate")
                        .arg(providerId));
    {
        const crypto::SecretBytes probe = crypto::generateDataKey();
        const auto wrapped = provider->wrap(probe.view());
        const bool works = wrapped && [&] {
            const auto back = provider->unwrap(*wrapped);
            return back && back->view() == probe.view();
        }();
        if (!works)
            return fail(ErrorKind::Refused, QStringLiteral("provider %1 cannot wrap data keys").arg(providerId));
    }
    auto values = store::loadGsmValues(db);
    if (!values)
        return std::unexpected(fromStoreError(values.error(), where));

    // Preflight: decrypt every value (GCM proves each key), in parallel.
    if (context)
        context->setProgressRange(values->size() * 2);
    QThreadPool pool;
    pool.setMaxThreadCount(effectiveJobs(options.jobs));
    const QList<std::optional<GsmFailure>> checks = QtConcurrent::blockingMapped(
        &pool, *values, [&ring](const store::GsmValueRow& row) -> std::optional<GsmFailure> {
            auto plaintext = decryptGsmValue(row, ring);
            if (!plaintext)
                return plaintext.error();
            wipe(*plaintext);
            return std::nullopt;
        });
    Preflight& pre = result.preflight;
    LocationPlan plan;
    plan.table = kGsmValuesTable;
    plan.column = kColumn;
    plan.present = true;
    plan.touched = true;
    plan.rows = values->size();
    plan.values = values->size();
    plan.envelope = values->size();
    QSet<QString> namespaces;
    QSet<qsizetype> failedIndexes;
    for (qsizetype i = 0; i < values->size(); ++i) {
        namespaces.insert(values->at(i).nameSpace);
        if (checks.at(i)) {
            ++plan.willFail;
            failedIndexes.insert(i);
            pre.knownFailures << failureOf(values->at(i).rowId(), *checks.at(i));
        } else {
            ++plan.toChange;
        }
    }
    pre.locations << plan;
    pre.values = plan.values;
    pre.toChange = plan.toChange;
    pre.willFail = plan.willFail;
    pre.keyCheck.sampled = int(values->size());
    pre.keyCheck.ok = int(plan.toChange);
    pre.keyCheck.keyFailures = int(plan.willFail);
    pre.keyCheck.wrongKeySuspected = plan.willFail > 0;
    pre.keyCheck.detail = QStringLiteral("%1 of %2 secrets-manager values decrypt").arg(plan.toChange).arg(plan.values);
    pre.newDataKeyLabel = gsmDataKeyLabel(providerId);
    pre.createsDataKey = !namespaces.isEmpty();
    for (const store::GsmDataKeyRow& row : ring.rows()) {
        DataKeyPlan k;
        k.id = row.uid;
        k.label = row.label;
        k.provider = row.provider;
        k.active = row.active;
        const auto unwrapped = ring.dataKey(row.uid);
        k.health = unwrapped ? QStringLiteral("ok")
                             : (unwrapped.error().code == crypto::ErrorCode::ProviderUnavailable
                                    ? QStringLiteral("provider-unavailable")
                                    : QStringLiteral("failed"));
        k.action = QStringLiteral("deactivate; delete once unreferenced and past data_keys_cache_ttl");
        pre.dataKeys << k;
    }
    if (plan.willFail > 0) {
        pre.refused = !options.force;
        pre.refusal = QStringLiteral("%1 of %2 secrets-manager values do not decrypt with the configured "
                                     "[secrets_manager] keys (wrong secret_key?); nothing was written. "
                                     "--force skips them.")
                          .arg(plan.willFail)
                          .arg(plan.values);
    }
    pre.warnings << QStringLiteral("Other Grafana instances may keep encrypting with a cached data key for up to "
                                   "data_keys_cache_ttl (%1 s); restart them after consolidating.")
                        .arg(result.dataKeysCacheTtlSeconds);
    result.processed = values->size();
    result.failures = pre.knownFailures;
    result.failed = plan.willFail;
    if (pre.refused) {
        result.refused = true;
        result.refusal = pre.refusal;
        result.durationMs = timer.elapsed();
        return result;
    }
    if (result.dryRun) {
        result.changed = plan.toChange;
        result.dataKeysDeactivated = 0;
        for (const store::GsmDataKeyRow& row : ring.rows())
            result.dataKeysDeactivated += row.active ? 1 : 0;
        result.durationMs = timer.elapsed();
        return result;
    }
    if (context && context->isCanceled()) {
        result.canceled = true;
        return result;
    }

    // 2. Deactivate every key and create today's key per namespace, committed before use.
    QMap<QString, QString> newKeyOf; // namespace -> uid
    {
        if (auto begun = db.begin(); !begun)
            return std::unexpected(fromStoreError(begun.error(), where));
        const QString stamp = now();
        auto deactivated = store::deactivateAllGsmDataKeys(db, stamp);
        if (!deactivated) {
            (void)db.rollback();
            return std::unexpected(fromStoreError(deactivated.error(), where));
        }
        QList<store::GsmDataKeyRow> created;
        QList<QString> sortedNamespaces(namespaces.cbegin(), namespaces.cend());
        std::sort(sortedNamespaces.begin(), sortedNamespaces.end());
        for (const QString& ns : std::as_const(sortedNamespaces)) {
            const crypto::SecretBytes dek = crypto::generateDataKey();
            auto wrapped = provider->wrap(dek.view());
            if (!wrapped) {
                (void)db.rollback();
                return fail(ErrorKind::Failed, QStringLiteral("provider %1: %2").arg(providerId, wrapped.error().detail));
            }
            store::GsmDataKeyRow row{newGsmDataKeyUid(), ns, gsmDataKeyLabel(providerId), true, providerId,
                                     *wrapped, stamp, stamp};
            if (auto inserted = store::insertGsmDataKey(db, row); !inserted) {
                (void)db.rollback();
                return std::unexpected(fromStoreError(inserted.error(), where));
            }
            created << row;
        }
        if (auto committed = db.commit(); !committed) {
            (void)db.rollback();
            return std::unexpected(fromStoreError(committed.error(), where));
        }
        result.dataKeysDeactivated = *deactivated;
        for (const store::GsmDataKeyRow& row : std::as_const(created)) {
            ring.addRow(row);
            newKeyOf.insert(row.nameSpace, row.uid);
            result.dataKeysCreated << row.uid;
        }
        qCInfo(lcModel).noquote() << "consolidate: deactivated" << *deactivated << "data keys, created"
                                  << created.size();
    }

    // 3. Re-encrypt in batches, one transaction each.
    const int batchSize = qMax(1, options.batchSize);
    qint64 done = 0;
    for (qsizetype start = 0; start < values->size(); start += batchSize) {
        if (context && context->isCanceled()) {
            result.canceled = true;
            break;
        }
        const qsizetype end = qMin<qsizetype>(start + batchSize, values->size());
        if (options.beforeBatchWrite) {
            QStringList rowIds;
            for (qsizetype i = start; i < end; ++i)
                rowIds << values->at(i).rowId();
            options.beforeBatchWrite(kGsmValuesTable + QLatin1Char('.') + kColumn, rowIds);
        }
        if (auto begun = db.begin(); !begun)
            return std::unexpected(fromStoreError(begun.error(), where));
        for (qsizetype i = start; i < end; ++i) {
            if (failedIndexes.contains(i)) {
                ++result.skipped;
                continue;
            }
            store::GsmValueRow row = values->at(i);
            const QString newKeyId = newKeyOf.value(row.nameSpace);
            auto newKey = ring.dataKey(newKeyId);
            if (!newKey) {
                (void)db.rollback();
                return fail(ErrorKind::Failed, QStringLiteral("new data key %1: %2").arg(newKeyId, newKey.error().detail));
            }
            bool written = false;
            for (int attempt = 0; attempt < 2 && !written; ++attempt) {
                auto encrypted = reencrypt(row, ring, newKeyId, newKey->view(), layout->hasDataKeyIdColumn);
                if (!encrypted) {
                    result.failures << failureOf(row.rowId(), encrypted.error());
                    ++result.failed;
                    break;
                }
                auto replaced = store::replaceGsmValue(db, row, encrypted->encryptedData, encrypted->dataKeyIdColumn,
                                                       QDateTime::currentSecsSinceEpoch());
                if (!replaced) {
                    (void)db.rollback();
                    return std::unexpected(fromStoreError(replaced.error(), where));
                }
                if (*replaced) {
                    written = true;
                    ++result.changed;
                    ++result.cellsWritten;
                    break;
                }
                // Changed meanwhile: read it again and re-encrypt its new bytes.
                auto again = store::loadGsmValue(db, row.nameSpace, row.name, row.version);
                if (!again) {
                    (void)db.rollback();
                    return std::unexpected(fromStoreError(again.error(), where));
                }
                ++result.rereads;
                if (again->isEmpty()) {
                    ++result.skipped; // deleted meanwhile
                    break;
                }
                row = again->first();
                if (attempt == 1) {
                    ++result.conflicts;
                    result.failures << ValueFailure{kGsmValuesTable, kColumn, row.rowId(), QString(),
                                                    FailureReason::Conflict, QStringLiteral("row kept changing")};
                }
            }
        }
        if (auto committed = db.commit(); !committed) {
            (void)db.rollback();
            return std::unexpected(fromStoreError(committed.error(), where));
        }
        done += end - start;
        if (context)
            context->setProgress(values->size() + done,
                                 QStringLiteral("%1 of %2 secrets-manager values re-encrypted").arg(done).arg(values->size()));
    }

    // 4. Delete the inactive keys nothing references any more (fresh read, one transaction).
    if (!result.canceled) {
        if (auto begun = db.begin(); !begun)
            return std::unexpected(fromStoreError(begun.error(), where));
        auto fresh = store::loadGsmValues(db);
        auto freshKeys = store::loadGsmDataKeys(db);
        if (!fresh || !freshKeys) {
            (void)db.rollback();
            return std::unexpected(fromStoreError(!fresh ? fresh.error() : freshKeys.error(), where));
        }
        QSet<QString> referenced;
        bool unreadable = false;
        for (const store::GsmValueRow& v : std::as_const(*fresh)) {
            const GsmValueParts parts = splitGsmValue(v);
            if (parts.problem)
                unreadable = true; // cannot tell which key it needs: keep every key
            else
                referenced.insert(parts.dataKeyId);
        }
        // Another instance may have cached a key before it was deactivated and keep writing new
        // values under it until data_keys_cache_ttl has passed: such keys stay (a later consolidate
        // deletes them).
        const QDateTime checkedAt = QDateTime::currentDateTimeUtc();
        const qint64 ttl = result.dataKeysCacheTtlSeconds;
        QStringList unused;
        QStringList recent;
        QDateTime deletableAfter;
        for (const store::GsmDataKeyRow& k : std::as_const(*freshKeys)) {
            if (k.active || referenced.contains(k.uid))
                continue;
            if (gsmDataKeyOutlivedCache(k.updated, checkedAt, ttl)) {
                unused << k.uid;
                continue;
            }
            recent << k.uid;
            const QDateTime expiry = gsmDataKeyCacheExpiry(k.updated, ttl);
            if (!expiry.isValid() || !deletableAfter.isValid() || expiry > deletableAfter)
                deletableAfter = expiry.isValid() ? expiry : checkedAt.addSecs(12 * 3600 + ttl);
        }
        if (unreadable) {
            unused.clear();
            recent.clear();
        }
        auto deleted = store::deleteGsmDataKeys(db, unused);
        if (!deleted) {
            (void)db.rollback();
            return std::unexpected(fromStoreError(deleted.error(), where));
        }
        if (auto committed = db.commit(); !committed) {
            (void)db.rollback();
            return std::unexpected(fromStoreError(committed.error(), where));
        }
        result.dataKeysDeleted = *deleted;
        result.dataKeysDeletedIds = unused;
        result.dataKeysKeptForCacheIds = recent;
        if (!recent.isEmpty()) {
            result.dataKeysDeletableAfter = deletableAfter.toString(Qt::ISODate);
            result.notes << QStringLiteral("Old data keys that no value references, kept because they were "
                                           "deactivated less than data_keys_cache_ttl (%2 s) ago and another "
                                           "Grafana instance may still encrypt new values with a cached copy: %1 "
                                           "(secret_data_key.updated has no time zone, so the console allows for "
                                           "any). A consolidate after %3 deletes them if nothing references them "
                                           "then.")
                                .arg(recent.size())
                                .arg(ttl)
                                .arg(result.dataKeysDeletableAfter);
        }
    }
    result.notes << QStringLiteral("Restart the Grafana instances (or wait data_keys_cache_ttl, %1 s) so that "
                                   "none keeps encrypting with a cached old data key.")
                        .arg(result.dataKeysCacheTtlSeconds);
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace

QDateTime gsmDataKeyCacheExpiry(const QString& updated, qint64 ttlSeconds)
{
    const QString text = updated.trimmed();
    QString stamp = text.left(19);
    stamp.replace(QLatin1Char('T'), QLatin1Char(' '));
    QDateTime wall = QDateTime::fromString(stamp, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (!wall.isValid())
        return {};
    // An explicit offset after the seconds (and fraction): "+02:00", "-0500", "Z".
    static const QRegularExpression offset(QStringLiteral("(Z|[+-]\\d\\d:?\\d\\d)$"));
    const QRegularExpressionMatch match = offset.match(text.mid(19));
    const qint64 ttl = qMax<qint64>(0, ttlSeconds);
    if (match.hasMatch()) {
        const QString o = match.captured(1);
        int seconds = 0;
        if (o != QLatin1String("Z")) {
            const QString digits = QString(o).remove(QLatin1Char(':'));
            seconds = (digits.mid(1, 2).toInt() * 3600 + digits.mid(3, 2).toInt() * 60) * (o.startsWith(u'-') ? -1 : 1);
        }
        wall.setTimeZone(QTimeZone(seconds));
        return wall.toUTC().addSecs(ttl);
    }
    // No zone: the writer's clock may run in any zone from UTC-12 to UTC+14, so the deactivation
    // happened at the latest at this wall time read as UTC-12.
    wall.setTimeZone(QTimeZone::utc());
    return wall.addSecs(12 * 3600 + ttl);
}

bool gsmDataKeyOutlivedCache(const QString& updated, const QDateTime& now, qint64 ttlSeconds)
{
    if (ttlSeconds <= 0)
        return true; // no cache: nothing can still hold the key
    const QDateTime expiry = gsmDataKeyCacheExpiry(updated, ttlSeconds);
    // The stored time is truncated to the second, so the expiry must be passed, not just reached.
    return expiry.isValid() && now.toUTC() > expiry;
}

QString gsmDataKeyLabel(const QString& providerId)
{
    return QDate::currentDate().toString(QStringLiteral("yyyy-MM-dd")) + QLatin1Char('@') + providerId;
}

QString newGsmDataKeyUid()
{
    QString uid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QChar first = uid.at(0);
    if (first.isDigit())
        uid[0] = QChar(u'a' + (first.unicode() - u'0') % 6);
    return uid;
}

Result<Preflight> preflightConsolidate(const Target& target, const OperationOptions& options, JobContext* context)
{
    auto result = consolidate(target, options, context, true);
    if (!result)
        return std::unexpected(result.error());
    return result->preflight;
}

Result<OperationResult> runConsolidate(const Target& target, const OperationOptions& options, JobContext* context)
{
    return consolidate(target, options, context, false);
}

} // namespace mk::model
