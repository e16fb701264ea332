#include "tests/unit/ops/RepairTestSupport.h"

#include "crypto/Payload.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/DataKeyRow.h"
#include "model/store/SecretLocation.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"

namespace mk::test {

QString repairFixture()
{
    return syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db");
}

int locationIndex(const QString& key)
{
    const QList<store::SecretLocation>& catalog = store::secretLocations();
    for (int i = 0; i < catalog.size(); ++i) {
        if (catalog.at(i).key == key)
            return i;
    }
    return -1;
}

// The expected lines without those of (table, row, field) in `removed`.
QStringList expectedWithout(const QStringList& removed)
{
    QStringList lines = expectedLines(repairFixture());
    lines.removeIf([&removed](const QString& line) {
        const QStringList parts = line.split(QLatin1Char('\t'));
        return removed.contains(parts.at(0) + QLatin1Char('/') + parts.at(1) + QLatin1Char('/') + parts.at(2));
    });
    return lines;
}

QString mismatch(const model::Target& target, const QStringList& expected)
{
    QString error;
    const QStringList actual = verifyLines(target, 0, &error);
    if (!error.isEmpty())
        return error;
    return actual == expected ? QString() : describeDifference(expected, actual);
}

// A legacy payload of `plaintext` under `key` that neither the fixture key nor kOtherKey opens
// (checked here with the product's own judgement, so the outcome never depends on chance).
QByteArray undecryptablePayload(const model::Target& target, const QByteArray& plaintext, crypto::Algorithm algorithm)
{
    crypto::EncryptOptions options;
    options.algorithm = algorithm;
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto payload = crypto::encryptPayload(plaintext, kUnknownKey, options);
        if (!payload)
            return {};
        model::ValueRecord record;
        record.locationIndex = locationIndex(QStringLiteral("data_source.secure_json_data"));
        record.payload = *payload;
        record.format = algorithm == crypto::Algorithm::AesGcm ? model::ValueFormat::LegacyGcm
                                                                : model::ValueFormat::LegacyCfbPrefixed;
        bool opens = false;
        for (const QByteArray& key : {target.secretKey, kOtherKey}) {
            const model::KeyRing ring(withSecretKey(target, key), {});
            opens = opens || model::decryptValue(record, ring).has_value();
        }
        if (!opens)
            return *payload;
    }
    return {};
}

// Replaces one value of one cell with `payload` (the rest of the cell keeps its bytes).
bool replaceValue(const model::Target& target, const QString& locationKey, const QString& rowId,
                  const QString& field, const QByteArray& payload)
{
    auto opened = model::openTarget(target, model::AccessMode::ReadWrite);
    if (!opened)
        return false;
    const store::SecretLocation& location = store::secretLocations().at(locationIndex(locationKey));
    auto cell = store::readCell(opened->db, location, rowId);
    if (!cell || !*cell)
        return false;
    const QByteArray next = store::replaceValues(location, (*cell)->raw, {{field, payload}});
    if (next == (*cell)->raw)
        return false;
    return store::updateCell(opened->db, location, rowId, (*cell)->raw, next, QStringLiteral("2026-01-01 00:00:00"))
        .has_value();
}

QByteArray rawCell(const model::Target& target, const QString& locationKey, const QString& rowId)
{
    auto opened = model::openTarget(target, model::AccessMode::ReadOnly);
    if (!opened)
        return {};
    auto cell = store::readCell(opened->db, store::secretLocations().at(locationIndex(locationKey)), rowId);
    return cell && *cell ? (*cell)->raw : QByteArray();
}

QStringList deleteReferencedDataKeys(const model::Target& target, int count)
{
    QSet<QString> referenced;
    for (const model::ValueRecord& v : scanValues(target))
        referenced.insert(v.dataKeyId);
    QStringList ids;
    for (const store::DataKeyRow& row : dataKeysOf(target)) {
        if (referenced.contains(row.id) && ids.size() < count)
            ids << row.id;
    }
    auto opened = model::openTarget(target, model::AccessMode::ReadWrite);
    if (!opened || store::deleteDataKeys(opened->db, ids).value_or(-1) != ids.size())
        return {};
    return ids;
}

} // namespace mk::test
