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
        {QStringLiteral("locations"), locations},
        {QStringLiteral("canceled"), verify.canceled},
        {QStringLiteral("durationMs"), verify.durationMs},
    };
}

} // namespace mk::model
