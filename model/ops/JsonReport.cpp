#include "model/ops/JsonReport.h"

#include <QJsonArray>

namespace mk::model {

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

QJsonObject censusToJson(const CensusResult& census)
{
    QJsonArray keys;
    for (const DataKeyInfo& key : census.dataKeys) {
        keys.append(QJsonObject{
            {QStringLiteral("id"), key.id},
            {QStringLiteral("label"), key.label},
            {QStringLiteral("provider"), key.provider},
            {QStringLiteral("scope"), key.scope},
            {QStringLiteral("active"), key.active},
            {QStringLiteral("created"), key.created},
            {QStringLiteral("updated"), key.updated},
            {QStringLiteral("references"), key.references},
            {QStringLiteral("unwrap"), unwrapStatusName(key.unwrap)},
        });
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
        {QStringLiteral("totals"),
         QJsonObject{{QStringLiteral("values"), census.totals.values},
                     {QStringLiteral("legacy"), census.totals.legacy},
                     {QStringLiteral("envelope"), census.totals.envelope},
                     {QStringLiteral("orphaned"), census.totals.orphaned},
                     {QStringLiteral("malformed"), census.totals.malformed},
                     {QStringLiteral("unusedDataKeys"), census.totals.unusedDataKeys}}},
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
        {QStringLiteral("valuesLost"), failuresToJson(result.valuesLost)},
        {QStringLiteral("refused"), result.refused},
        {QStringLiteral("canceled"), result.canceled},
        {QStringLiteral("notes"), stringsToJson(result.notes)},
        {QStringLiteral("preflight"), preflightToJson(result.preflight)},
        {QStringLiteral("durationMs"), result.durationMs},
    };
    if (result.refused)
        object.insert(QStringLiteral("refusal"), result.refusal);
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
                                                            {QStringLiteral("failed"), result.verifyFailed}});
    return object;
}

} // namespace mk::model
