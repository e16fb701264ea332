#include "model/ops/CensusJob.h"

#include "crypto/KekProvider.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretScanner.h"
#include "model/store/SecretLocation.h"
#include "model/store/ServerFacts.h"

#include <QHash>
#include <QMap>

namespace mk::model {

QString unwrapStatusName(UnwrapStatus status)
{
    switch (status) {
    case UnwrapStatus::Ok:
        return QStringLiteral("ok");
    case UnwrapStatus::Failed:
        return QStringLiteral("failed");
    case UnwrapStatus::ProviderUnavailable:
        return QStringLiteral("provider-unavailable");
    }
    return {};
}

namespace {

QList<DataKeyInfo> unwrapAll(const KeyRing& ring)
{
    QList<DataKeyInfo> keys;
    for (const store::DataKeyRow& row : ring.rows()) {
        DataKeyInfo info;
        info.id = row.id;
        info.label = row.label;
        info.provider = row.provider;
        info.scope = row.scope;
        info.active = row.active;
        info.created = row.created;
        info.updated = row.updated;
        const auto unwrapped = ring.dataKey(row.id.toUtf8());
        if (unwrapped) {
            info.unwrap = UnwrapStatus::Ok;
        } else {
            info.unwrap = unwrapped.error().code == crypto::ErrorCode::ProviderUnavailable
                              ? UnwrapStatus::ProviderUnavailable
                              : UnwrapStatus::Failed;
            info.unwrapDetail = unwrapped.error().detail;
        }
        keys << info;
    }
    return keys;
}

void count(LocationCensus& location, const ValueRecord& record)
{
    ++location.values;
    if (record.problem && *record.problem != FailureReason::MissingDataKey) {
        ++location.malformed;
        return;
    }
    if (isEnvelope(record.format))
        ++location.envelope;
    else
        ++location.legacy;
    if (isGcm(record.format))
        ++location.aesGcm;
    else
        ++location.aesCfb;
    if (record.problem == FailureReason::MissingDataKey)
        ++location.orphaned;
}

// The secret_* store: its data keys join dataKeys[], its values one more location.
Result<void> addSecretsManager(store::Database& db, const Target& target, CensusResult& result)
{
    auto gsm = gsmCensus(db, target);
    if (!gsm)
        return std::unexpected(gsm.error());
    if (!gsm->present)
        return {};
    for (const GsmDataKeyInfo& key : gsm->dataKeys) {
        DataKeyInfo info;
        info.id = key.row.uid;
        info.label = key.row.label;
        info.provider = key.row.provider;
        info.active = key.row.active;
        info.created = key.row.created;
        info.updated = key.row.updated;
        info.references = key.references;
        info.unwrap = key.unwrapOk ? UnwrapStatus::Ok
                                   : (key.providerMissing ? UnwrapStatus::ProviderUnavailable : UnwrapStatus::Failed);
        info.unwrapDetail = key.unwrapDetail;
        info.store = kGsmStoreName;
        info.nameSpace = key.row.nameSpace;
        if (info.references == 0)
            ++result.totals.unusedDataKeys;
        result.dataKeys << info;
    }
    LocationCensus location;
    location.table = kGsmValuesTable;
    location.column = QStringLiteral("encrypted_data");
    location.present = true;
    location.rows = gsm->values;
    location.values = gsm->values;
    location.envelope = gsm->values - gsm->malformed;
    location.aesGcm = location.envelope;
    location.orphaned = gsm->orphaned;
    location.malformed = gsm->malformed;
    result.locations << location;
    result.totals.values += location.values;
    result.totals.envelope += location.envelope;
    result.totals.orphaned += location.orphaned;
    result.totals.malformed += location.malformed;
    result.secretsManager = std::move(*gsm);
    return {};
}

} // namespace

Result<CensusResult> runCensus(const Target& target, JobContext* context)
{
    auto opened = openTarget(target, AccessMode::ReadOnly);
    if (!opened)
        return std::unexpected(opened.error());

    CensusResult result;
    result.driver = driverName(target.connection);
    result.location = target.connection.displayName();
    result.schema = opened->schema.schemaEra;
    result.encryptionProvider = target.config.security.encryptionProvider;
    result.algorithm = target.config.security.algorithm;
    result.envelopeEncryption = !target.config.envelopeEncryptionDisabled;
    result.dataKeysCacheTtlSeconds = target.config.security.dataKeysCacheTtlSeconds;
    result.defaultSecretKey = target.usesPublicDefaultKey();
    result.liveness = checkLiveness(opened->db, LivenessPolicy::Warn, false);
    if (auto uids = store::readDataSourceUids(opened->db); uids)
        result.dataSourceUids = *uids;

    const KeyRing ring(target, opened->dataKeys);
    result.dataKeys = unwrapAll(ring);

    const QList<store::SecretLocation>& catalog = store::secretLocations();
    QList<LocationCensus> locations(catalog.size());
    QHash<QString, qint64> references;
    QMap<QString, qint64> perFormat;

    SecretScanner scanner(opened->db, ring.ids());
    const auto scans = scanner.scan(
        [&](const QList<ValueRecord>& batch) {
            for (const ValueRecord& record : batch) {
                count(locations[record.locationIndex], record);
                if (!record.dataKeyId.isEmpty())
                    ++references[record.dataKeyId];
                ++perFormat[formatToken(record.format)];
            }
        },
        context);
    if (!scans)
        return std::unexpected(scans.error());

    for (const LocationScan& scan : *scans) {
        LocationCensus& location = locations[scan.locationIndex];
        const store::SecretLocation& catalogEntry = catalog.at(scan.locationIndex);
        location.table = catalogEntry.table;
        location.column = catalogEntry.column;
        location.migratedUpstream = catalogEntry.migratedUpstream;
        location.present = scan.present;
        location.rows = scan.rows;
        location.empty = scan.empty;
    }
    for (const LocationCensus& location : std::as_const(locations)) {
        result.totals.values += location.values;
        result.totals.legacy += location.legacy;
        result.totals.envelope += location.envelope;
        result.totals.orphaned += location.orphaned;
        result.totals.malformed += location.malformed;
    }
    for (DataKeyInfo& key : result.dataKeys) {
        key.references = references.value(key.id);
        if (key.references == 0)
            ++result.totals.unusedDataKeys;
    }
    result.locations = std::move(locations);
    if (auto ok = addSecretsManager(opened->db, target, result); !ok)
        return std::unexpected(ok.error());
    for (auto it = perFormat.cbegin(); it != perFormat.cend(); ++it)
        result.valuesPerFormat << qMakePair(it.key(), it.value());
    return result;
}

} // namespace mk::model
