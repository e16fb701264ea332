#include "model/ops/JsonReport.h"

#include <QJsonArray>

namespace mk::model {

QJsonObject livenessToJson(const Liveness& liveness)
{
    QJsonArray evidence;
    for (const LivenessEvidence& e : liveness.evidence) {
        evidence.append(QJsonObject{
            {QStringLiteral("source"), e.source},
            {QStringLiteral("detail"), e.detail},
            {QStringLiteral("secondsAgo"), e.secondsAgo},
            {QStringLiteral("lastWrite"), e.lastWrite},
        });
    }
    QJsonObject object{
        {QStringLiteral("checked"), liveness.checked},
        {QStringLiteral("suspected"), liveness.suspected},
        {QStringLiteral("lastWriteSecondsAgo"),
         liveness.lastWriteSecondsAgo < 0 ? QJsonValue() : QJsonValue(liveness.lastWriteSecondsAgo)},
        {QStringLiteral("windowSeconds"), liveness.windowSeconds},
        {QStringLiteral("evidence"), evidence},
    };
    if (!liveness.message.isEmpty()) {
        object.insert(QStringLiteral("refused"), liveness.refused);
        object.insert(QStringLiteral("overridden"), liveness.overridden);
        object.insert(QStringLiteral("message"), liveness.message);
    }
    return object;
}

QJsonArray failuresToJson(const QList<ValueFailure>& failures)
{
    QJsonArray array;
    for (const ValueFailure& failure : failures) {
        array.append(QJsonObject{
            {QStringLiteral("table"), failure.table},
            {QStringLiteral("column"), failure.column},
            {QStringLiteral("rowId"), failure.rowId},
            {QStringLiteral("field"), failure.field},
            {QStringLiteral("reason"), reasonName(failure.reason)},
            {QStringLiteral("class"), fixtureClass(failure.reason)},
        });
    }
    return array;
}

QJsonObject secretsManagerToJson(const GsmCensus& gsm)
{
    QJsonObject namespaces;
    for (auto it = gsm.valuesPerNamespace.cbegin(); it != gsm.valuesPerNamespace.cend(); ++it)
        namespaces.insert(it.key(), it.value());
    QJsonObject providers;
    for (auto it = gsm.dataKeysPerProvider.cbegin(); it != gsm.dataKeysPerProvider.cend(); ++it)
        providers.insert(it.key(), it.value());
    return QJsonObject{
        {QStringLiteral("present"), gsm.present},
        {QStringLiteral("layout"), gsm.dataKeyIdColumn ? QStringLiteral("data_key_id") : QStringLiteral("id-prefix")},
        {QStringLiteral("encryptionProvider"), gsm.encryptionProvider},
        {QStringLiteral("currentProviderConfigured"), gsm.currentProviderConfigured},
        {QStringLiteral("values"), gsm.values},
        {QStringLiteral("legacyLayoutValues"), gsm.legacyLayoutValues},
        {QStringLiteral("externalValues"), gsm.externalValues},
        {QStringLiteral("orphaned"), gsm.orphaned},
        {QStringLiteral("malformed"), gsm.malformed},
        {QStringLiteral("valuesPerNamespace"), namespaces},
        {QStringLiteral("dataKeysPerProvider"), providers},
    };
}

QJsonObject censusToJson(const CensusResult& census)
{
    QJsonArray keys;
    for (const DataKeyInfo& key : census.dataKeys) {
        QJsonObject object{
            {QStringLiteral("id"), key.id},
            {QStringLiteral("label"), key.label},
            {QStringLiteral("provider"), key.provider},
            {QStringLiteral("scope"), key.scope},
            {QStringLiteral("active"), key.active},
            {QStringLiteral("created"), key.created},
            {QStringLiteral("updated"), key.updated},
            {QStringLiteral("references"), key.references},
            {QStringLiteral("unwrap"), unwrapStatusName(key.unwrap)},
            {QStringLiteral("store"), key.store},
        };
        if (key.store == kGsmStoreName)
            object.insert(QStringLiteral("namespace"), key.nameSpace);
        keys.append(object);
    }
    QJsonArray locations;
    for (const LocationCensus& l : census.locations) {
        locations.append(QJsonObject{
            {QStringLiteral("table"), l.table},
            {QStringLiteral("column"), l.column},
            {QStringLiteral("present"), l.present},
            {QStringLiteral("migratedUpstream"), l.migratedUpstream},
            {QStringLiteral("rows"), l.rows},
            {QStringLiteral("values"), l.values},
            {QStringLiteral("empty"), l.empty},
            {QStringLiteral("legacy"), l.legacy},
            {QStringLiteral("envelope"), l.envelope},
            {QStringLiteral("aesCfb"), l.aesCfb},
            {QStringLiteral("aesGcm"), l.aesGcm},
            {QStringLiteral("orphaned"), l.orphaned},
            {QStringLiteral("malformed"), l.malformed},
        });
    }
    return QJsonObject{
        {QStringLiteral("database"),
         QJsonObject{{QStringLiteral("driver"), census.driver},
                     {QStringLiteral("location"), census.location},
                     {QStringLiteral("schema"), census.schema}}},
        {QStringLiteral("config"),
         QJsonObject{{QStringLiteral("encryptionProvider"), census.encryptionProvider},
                     {QStringLiteral("algorithm"), census.algorithm},
                     {QStringLiteral("envelopeEncryption"), census.envelopeEncryption},
                     {QStringLiteral("dataKeysCacheTtlSeconds"), census.dataKeysCacheTtlSeconds},
                     {QStringLiteral("defaultSecretKey"), census.defaultSecretKey}}},
        {QStringLiteral("dataKeys"), keys},
        {QStringLiteral("locations"), locations},
        {QStringLiteral("secretsManager"), secretsManagerToJson(census.secretsManager)},
        {QStringLiteral("totals"),
         QJsonObject{{QStringLiteral("values"), census.totals.values},
                     {QStringLiteral("legacy"), census.totals.legacy},
                     {QStringLiteral("envelope"), census.totals.envelope},
                     {QStringLiteral("orphaned"), census.totals.orphaned},
                     {QStringLiteral("malformed"), census.totals.malformed},
                     {QStringLiteral("unusedDataKeys"), census.totals.unusedDataKeys}}},
        {QStringLiteral("liveness"), livenessToJson(census.liveness)},
    };
}

QJsonObject verifyToJson(const VerifyResult& verify)
{
    QJsonArray locations;
    for (const LocationVerify& l : verify.locations) {
        locations.append(QJsonObject{
            {QStringLiteral("table"), l.table},
            {QStringLiteral("column"), l.column},
            {QStringLiteral("checked"), l.checked},
            {QStringLiteral("ok"), l.ok},
            {QStringLiteral("failed"), l.failed},
        });
    }
    return QJsonObject{
        {QStringLiteral("checked"), verify.checked},
        {QStringLiteral("ok"), verify.ok},
        {QStringLiteral("failed"), verify.failed},
        {QStringLiteral("failures"), failuresToJson(verify.failures)},
        {QStringLiteral("unverifiable"), verify.unverifiable},
        {QStringLiteral("unverifiableValues"), failuresToJson(verify.unverifiableValues)},
        {QStringLiteral("locations"), locations},
        {QStringLiteral("canceled"), verify.canceled},
        {QStringLiteral("durationMs"), verify.durationMs},
    };
}

namespace {

QJsonArray stringsToJson(const QStringList& list)
{
    QJsonArray array;
    for (const QString& s : list)
        array.append(s);
    return array;
}

QJsonArray dataKeyPlansToJson(const QList<DataKeyPlan>& keys)
{
    QJsonArray array;
    for (const DataKeyPlan& key : keys) {
        array.append(QJsonObject{
            {QStringLiteral("id"), key.id},
            {QStringLiteral("label"), key.label},
            {QStringLiteral("provider"), key.provider},
            {QStringLiteral("active"), key.active},
            {QStringLiteral("references"), key.references},
            {QStringLiteral("health"), key.health},
            {QStringLiteral("action"), key.action},
        });
    }
    return array;
}

} // namespace

QJsonObject preflightToJson(const Preflight& preflight)
{
    QJsonArray locations;
    for (const LocationPlan& l : preflight.locations) {
        locations.append(QJsonObject{
            {QStringLiteral("table"), l.table},
            {QStringLiteral("column"), l.column},
            {QStringLiteral("touched"), l.touched},
            {QStringLiteral("rows"), l.rows},
            {QStringLiteral("values"), l.values},
            {QStringLiteral("toChange"), l.toChange},
            {QStringLiteral("unchanged"), l.unchanged},
            {QStringLiteral("willFail"), l.willFail},
            {QStringLiteral("envelope"), l.envelope},
            {QStringLiteral("legacy"), l.legacy},
        });
    }
    return QJsonObject{
        {QStringLiteral("operation"), preflight.operation},
        {QStringLiteral("values"), preflight.values},
        {QStringLiteral("toChange"), preflight.toChange},
        {QStringLiteral("unchanged"), preflight.unchanged},
        {QStringLiteral("willFail"), preflight.willFail},
        {QStringLiteral("knownFailures"), failuresToJson(preflight.knownFailures)},
        {QStringLiteral("locations"), locations},
        {QStringLiteral("dataKeys"), dataKeyPlansToJson(preflight.dataKeys)},
        {QStringLiteral("createsDataKey"), preflight.createsDataKey},
        {QStringLiteral("newDataKeyLabel"), preflight.newDataKeyLabel},
        {QStringLiteral("irreversible"), stringsToJson(preflight.irreversible)},
        {QStringLiteral("warnings"), stringsToJson(preflight.warnings)},
        {QStringLiteral("keyCheck"),
         QJsonObject{{QStringLiteral("sampled"), preflight.keyCheck.sampled},
                     {QStringLiteral("ok"), preflight.keyCheck.ok},
                     {QStringLiteral("keyFailures"), preflight.keyCheck.keyFailures},
                     {QStringLiteral("unverifiable"), preflight.keyCheck.unverifiable},
                     {QStringLiteral("wrongKeySuspected"), preflight.keyCheck.wrongKeySuspected},
                     {QStringLiteral("detail"), preflight.keyCheck.detail}}},
        {QStringLiteral("refused"), preflight.refused},
        {QStringLiteral("refusal"), preflight.refusal},
        {QStringLiteral("liveness"), livenessToJson(preflight.liveness)},
    };
}

QJsonObject operationToJson(const OperationResult& result)
{
    QJsonArray kept;
    for (const DataKeyLoss& loss : result.dataKeysKept) {
        kept.append(QJsonObject{
            {QStringLiteral("id"), loss.id},
            {QStringLiteral("references"), loss.references},
            {QStringLiteral("locations"), stringsToJson(loss.locations)},
            {QStringLiteral("onlyFailedValues"), loss.onlyFailedValues},
        });
    }
    QJsonObject object{
        {QStringLiteral("operation"), result.operation},
        {QStringLiteral("dryRun"), result.dryRun},
        {QStringLiteral("processed"), result.processed},
        {QStringLiteral("changed"), result.changed},
        {QStringLiteral("skipped"), result.skipped},
        {QStringLiteral("blocked"), result.blocked},
        {QStringLiteral("failed"), result.failed},
        {QStringLiteral("conflicts"), result.conflicts},
        {QStringLiteral("rereads"), result.rereads},
        {QStringLiteral("cellsWritten"), result.cellsWritten},
        {QStringLiteral("failures"), failuresToJson(result.failures)},
        {QStringLiteral("dataKeysCreated"), stringsToJson(result.dataKeysCreated)},
        {QStringLiteral("dataKeysDeleted"), result.dataKeysDeleted},
        {QStringLiteral("dataKeysDeletedIds"), stringsToJson(result.dataKeysDeletedIds)},
        {QStringLiteral("dataKeysRewrapped"), result.dataKeysRewrapped},
        {QStringLiteral("dataKeysDeactivated"), result.dataKeysDeactivated},
        {QStringLiteral("dataKeysDeactivatedIds"), stringsToJson(result.dataKeysDeactivatedIds)},
        {QStringLiteral("dataKeyFailures"), dataKeyPlansToJson(result.dataKeyFailures)},
        {QStringLiteral("dataKeysKept"), kept},
        {QStringLiteral("dataKeysKeptForCache"), qint64(result.dataKeysKeptForCacheIds.size())},
        {QStringLiteral("dataKeysKeptForCacheIds"), stringsToJson(result.dataKeysKeptForCacheIds)},
        {QStringLiteral("valuesLost"), failuresToJson(result.valuesLost)},
        {QStringLiteral("refused"), result.refused},
        {QStringLiteral("canceled"), result.canceled},
        {QStringLiteral("notes"), stringsToJson(result.notes)},
        {QStringLiteral("preflight"), preflightToJson(result.preflight)},
        {QStringLiteral("durationMs"), result.durationMs},
    };
    if (result.refused)
        object.insert(QStringLiteral("refusal"), result.refusal);
    if (!result.dataKeysDeletableAfter.isEmpty())
        object.insert(QStringLiteral("dataKeysDeletableAfter"), result.dataKeysDeletableAfter);
    if (!result.unfinished.isEmpty())
        object.insert(QStringLiteral("unfinished"), result.unfinished);
    if (!result.configChange.isEmpty())
        object.insert(QStringLiteral("configChange"), result.configChange);
    if (!result.encryptUntil.isEmpty()) {
        object.insert(QStringLiteral("encryptUntil"), result.encryptUntil);
        object.insert(QStringLiteral("dataKeysCacheTtlSeconds"), result.dataKeysCacheTtlSeconds);
    }
    if (!result.backupFile.isEmpty()) {
        object.insert(QStringLiteral("backupFile"), result.backupFile);
        object.insert(QStringLiteral("backupFormat"), result.backupFormat);
    }
    if (result.verifyChecked >= 0)
        object.insert(QStringLiteral("verify"), QJsonObject{{QStringLiteral("checked"), result.verifyChecked},
                                                            {QStringLiteral("failed"), result.verifyFailed},
                                                            {QStringLiteral("canceled"), result.verifyCanceled}});
    if (!result.instanceCalls.isEmpty()) {
        QJsonArray calls;
        for (const InstanceCall& call : result.instanceCalls) {
            calls.append(QJsonObject{{QStringLiteral("url"), call.url},
                                     {QStringLiteral("state"), instanceStateName(call.state)},
                                     {QStringLiteral("httpStatus"), call.httpStatus},
                                     {QStringLiteral("detail"), call.detail},
                                     {QStringLiteral("rotated"), call.state == InstanceState::Ok}});
        }
        object.insert(QStringLiteral("instances"), calls);
        object.insert(QStringLiteral("instancesNotReached"), stringsToJson(result.instancesNotReached));
        object.insert(QStringLiteral("apiRotationConfirmed"), result.apiRotationConfirmed);
        object.insert(QStringLiteral("apiRotationConfirmation"), result.apiRotationConfirmation);
    }
    return object;
}

QJsonObject instancesToJson(const QList<InstanceStatus>& statuses)
{
    QJsonArray array;
    for (const InstanceStatus& s : statuses) {
        array.append(QJsonObject{
            {QStringLiteral("url"), s.url},
            {QStringLiteral("state"), instanceStateName(s.state)},
            {QStringLiteral("httpStatus"), s.httpStatus},
            {QStringLiteral("detail"), s.detail},
            {QStringLiteral("version"), s.version},
            {QStringLiteral("commit"), s.commit},
            {QStringLiteral("edition"), s.edition},
            {QStringLiteral("database"), s.databaseHealth},
            {QStringLiteral("sameDatabase"), s.sameDatabase ? QJsonValue(*s.sameDatabase) : QJsonValue()},
            {QStringLiteral("sameDatabaseDetail"), s.sameDatabaseDetail},
        });
    }
    return QJsonObject{{QStringLiteral("instances"), array}};
}

} // namespace mk::model
