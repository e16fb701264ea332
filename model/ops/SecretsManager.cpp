#include "model/ops/SecretsManager.h"

#include "crypto/GsmCipher.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/ValueDecrypter.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QMutexLocker>
#include <QSet>

namespace mk::model {

GsmKeyRing::GsmKeyRing(const config::SecretsManagerSettings& settings, QList<store::GsmDataKeyRow> rows)
    : m_rows(std::move(rows))
    , m_currentProviderId(settings.encryptionProvider)
{
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowByUid.insert(m_rows.at(i).uid, i);
    for (const config::SecretsManagerProvider& p : settings.providers) {
        if (p.secretKey.isEmpty())
            continue;
        // Only secret_key.* providers (and the mid-2025 secretKey.v1) exist in OSS.
        if (!p.id.startsWith(QLatin1String("secret_key")) && p.id != QLatin1String("secretKey.v1"))
            continue;
        m_providers.insert(p.id, std::make_shared<crypto::gsm::SecretKeyKek>(p.id, crypto::SecretBytes(p.secretKey)));
    }
}

GsmKeyRing::~GsmKeyRing() = default;

const crypto::KekProvider* GsmKeyRing::provider(const QString& providerId) const
{
    const auto it = m_providers.constFind(providerId);
    return it == m_providers.cend() ? nullptr : it->get();
}

const crypto::KekProvider* GsmKeyRing::currentProvider() const
{
    return provider(m_currentProviderId);
}

const store::GsmDataKeyRow* GsmKeyRing::row(const QString& uid) const
{
    const auto it = m_rowByUid.constFind(uid);
    return it == m_rowByUid.cend() ? nullptr : &m_rows.at(*it);
}

void GsmKeyRing::addRow(const store::GsmDataKeyRow& row)
{
    QMutexLocker lock(&m_mutex);
    m_cache.erase(row.uid);
    const auto it = m_rowByUid.constFind(row.uid);
    if (it != m_rowByUid.cend()) {
        m_rows[*it] = row;
        return;
    }
    m_rowByUid.insert(row.uid, int(m_rows.size()));
    m_rows << row;
}

crypto::Result<crypto::SecretBytes> GsmKeyRing::dataKey(const QString& uid) const
{
    QMutexLocker lock(&m_mutex);
    if (const auto cached = m_cache.find(uid); cached != m_cache.end())
        return crypto::SecretBytes(cached->second.view());
    const store::GsmDataKeyRow* r = row(uid);
    if (!r)
        return crypto::fail(crypto::ErrorCode::MissingDataKey,
                            QStringLiteral("secret_data_key has no uid %1").arg(uid));
    const crypto::KekProvider* kek = provider(r->provider);
    if (!kek)
        return crypto::fail(crypto::ErrorCode::ProviderUnavailable,
                            QStringLiteral("provider %1 of data key %2 is not configured in [secrets_manager.encryption.%1]")
                                .arg(r->provider, uid));
    auto key = kek->unwrap(r->encryptedData);
    if (!key)
        return std::unexpected(key.error());
    crypto::SecretBytes copy(key->view());
    m_cache.emplace(uid, std::move(*key));
    return copy;
}

GsmValueParts splitGsmValue(const store::GsmValueRow& row)
{
    GsmValueParts parts;
    if (!row.dataKeyId.isEmpty()) {
        parts.dataKeyId = row.dataKeyId;
        parts.blob = row.encryptedData;
        return parts;
    }
    if (row.encryptedData.isEmpty()) {
        parts.problem = FailureReason::EmptyPayload;
        return parts;
    }
    if (!crypto::gsm::hasLegacyIdPrefix(row.encryptedData)) {
        parts.problem = FailureReason::BadEnvelope; // neither data_key_id nor '#id#'
        return parts;
    }
    auto split = crypto::gsm::splitLegacyLayout(row.encryptedData);
    if (!split) {
        parts.problem = reasonForCryptoError(int(split.error().code));
        return parts;
    }
    parts.dataKeyId = QString::fromUtf8(split->dataKeyId);
    parts.blob = split->blob;
    parts.legacyLayout = true;
    return parts;
}

std::expected<QByteArray, GsmFailure> decryptGsmValue(const store::GsmValueRow& row, const GsmKeyRing& ring)
{
    const GsmValueParts parts = splitGsmValue(row);
    if (parts.problem)
        return std::unexpected(GsmFailure{*parts.problem, QStringLiteral("malformed secret_encrypted_value")});
    auto key = ring.dataKey(parts.dataKeyId);
    if (!key)
        return std::unexpected(GsmFailure{reasonForCryptoError(int(key.error().code)), key.error().detail});
    auto plaintext = crypto::gsm::decrypt(key->view(), parts.blob);
    if (!plaintext)
        return std::unexpected(GsmFailure{reasonForCryptoError(int(plaintext.error().code)), plaintext.error().detail});
    return *plaintext;
}

crypto::Result<GsmEncrypted> encryptGsmValue(QByteArrayView plaintext, const QString& dataKeyId,
                                             QByteArrayView dataKey, bool dataKeyIdColumn)
{
    auto blob = crypto::gsm::encrypt(dataKey, plaintext);
    if (!blob)
        return std::unexpected(blob.error());
    if (dataKeyIdColumn)
        return GsmEncrypted{*blob, dataKeyId};
    return GsmEncrypted{crypto::gsm::joinLegacyLayout(dataKeyId.toUtf8(), *blob), QString()};
}

namespace {

std::unique_ptr<GsmKeyRing> loadRing(store::Database& db, const Target& target, Error* error)
{
    auto rows = store::loadGsmDataKeys(db);
    if (!rows) {
        *error = fromStoreError(rows.error(), target.connection.displayName());
        return {};
    }
    return std::make_unique<GsmKeyRing>(target.config.secretsManager, std::move(*rows));
}

} // namespace

Result<GsmCensus> gsmCensus(store::Database& db, const Target& target)
{
    const QString where = target.connection.displayName();
    GsmCensus census;
    auto layout = store::detectGsmLayout(db);
    if (!layout)
        return std::unexpected(fromStoreError(layout.error(), where));
    census.present = layout->present;
    census.dataKeyIdColumn = layout->hasDataKeyIdColumn;
    census.encryptionProvider = target.config.secretsManager.encryptionProvider;
    if (!census.present)
        return census;
    Error error;
    const auto ring = loadRing(db, target, &error);
    if (!ring)
        return std::unexpected(error);
    census.currentProviderConfigured = ring->currentProvider() != nullptr;

    auto values = store::loadGsmValues(db);
    if (!values)
        return std::unexpected(fromStoreError(values.error(), where));
    QHash<QString, qint64> references;
    for (const store::GsmValueRow& v : *values) {
        GsmValueInfo info;
        info.nameSpace = v.nameSpace;
        info.name = v.name;
        info.version = v.version;
        info.rowId = v.rowId();
        info.keeper = v.keeper;
        info.description = v.description;
        info.decrypters = v.decrypters;
        info.hasOwner = v.hasOwner;
        const GsmValueParts parts = splitGsmValue(v);
        info.dataKeyId = parts.dataKeyId;
        info.legacyLayout = parts.legacyLayout;
        ++census.values;
        ++census.valuesPerNamespace[v.nameSpace];
        if (parts.problem) {
            info.problem = parts.problem;
            ++census.malformed;
        } else {
            if (parts.legacyLayout)
                ++census.legacyLayoutValues;
            ++references[parts.dataKeyId];
            if (!ring->row(parts.dataKeyId)) {
                info.problem = FailureReason::MissingDataKey;
                ++census.orphaned;
            }
        }
        census.valueList << info;
    }
    for (const store::GsmDataKeyRow& r : ring->rows()) {
        GsmDataKeyInfo info;
        info.row = r;
        info.row.encryptedData.clear();
        info.references = references.value(r.uid);
        const auto key = ring->dataKey(r.uid);
        info.unwrapOk = key.has_value();
        if (!key) {
            info.providerMissing = key.error().code == crypto::ErrorCode::ProviderUnavailable;
            info.unwrapDetail = key.error().detail;
        }
        ++census.dataKeysPerProvider[r.provider];
        census.dataKeys << info;
    }
    auto external = store::loadGsmExternalValues(db);
    if (!external)
        return std::unexpected(fromStoreError(external.error(), where));
    census.external = *external;
    census.externalValues = external->size();
    return census;
}

QString gsmOwnerText(const QString& nameSpace, const QString& name, const QString& description,
                     const QString& keeper, bool hasOwner)
{
    QString text = nameSpace + QLatin1Char('/') + name;
    if (!hasOwner)
        return text + QStringLiteral(" (no secure value)");
    if (!description.isEmpty())
        text += QStringLiteral(": ") + description;
    text += QStringLiteral(" · keeper ") + (keeper.isEmpty() ? QStringLiteral("system") : keeper);
    return text;
}

Result<QList<ValueRecord>> gsmPaneRecords(store::Database& db)
{
    const QString where = db.spec().displayName();
    QList<ValueRecord> records;
    auto layout = store::detectGsmLayout(db);
    if (!layout)
        return std::unexpected(fromStoreError(layout.error(), where));
    if (!layout->present)
        return records;
    auto keys = store::loadGsmDataKeys(db);
    if (!keys)
        return std::unexpected(fromStoreError(keys.error(), where));
    QSet<QString> known;
    for (const store::GsmDataKeyRow& k : std::as_const(*keys))
        known.insert(k.uid);
    auto values = store::loadGsmValues(db);
    if (!values)
        return std::unexpected(fromStoreError(values.error(), where));
    records.reserve(values->size());
    for (const store::GsmValueRow& v : std::as_const(*values)) {
        ValueRecord record;
        record.locationIndex = gsmValuesLocationIndex();
        record.rowId = v.rowId();
        record.owner = gsmOwnerText(v.nameSpace, v.name, v.description, v.keeper, v.hasOwner);
        record.updated = v.updated > 0
                             ? QDateTime::fromSecsSinceEpoch(v.updated, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                             : QString();
        const GsmValueParts parts = splitGsmValue(v);
        record.dataKeyId = parts.dataKeyId;
        if (parts.problem) {
            record.format = ValueFormat::Malformed;
            record.problem = parts.problem;
        } else {
            record.format = ValueFormat::EnvelopeGcm;
            if (!known.contains(parts.dataKeyId))
                record.problem = FailureReason::MissingDataKey;
        }
        records << record;
    }
    auto external = store::loadGsmExternalValues(db);
    if (!external)
        return std::unexpected(fromStoreError(external.error(), where));
    for (const store::GsmExternalValue& e : std::as_const(*external)) {
        ValueRecord record;
        record.locationIndex = gsmExternalLocationIndex();
        record.rowId = e.nameSpace + QLatin1Char('/') + e.name + QLatin1Char('/') + QString::number(e.version);
        record.owner = gsmOwnerText(e.nameSpace, e.name, QString(), e.keeper, true);
        record.format = ValueFormat::Malformed; // no ciphertext here: the index marks it as external
        records << record;
    }
    return records;
}

Result<GsmVerify> gsmVerify(store::Database& db, const Target& target, JobContext* context)
{
    const QString where = target.connection.displayName();
    GsmVerify result;
    auto layout = store::detectGsmLayout(db);
    if (!layout)
        return std::unexpected(fromStoreError(layout.error(), where));
    result.present = layout->present;
    if (!result.present)
        return result;
    Error error;
    const auto ring = loadRing(db, target, &error);
    if (!ring)
        return std::unexpected(error);
    auto values = store::loadGsmValues(db);
    if (!values)
        return std::unexpected(fromStoreError(values.error(), where));
    for (const store::GsmValueRow& v : *values) {
        if (context && context->isCanceled())
            break;
        GsmVerifyOutcome outcome;
        outcome.rowId = v.rowId();
        auto plaintext = decryptGsmValue(v, *ring);
        ++result.checked;
        if (plaintext) {
            ++result.ok;
            outcome.plaintextSha256 = QCryptographicHash::hash(*plaintext, QCryptographicHash::Sha256);
            wipe(*plaintext);
        } else {
            ++result.failed;
            outcome.failure = plaintext.error();
        }
        result.outcomes << outcome;
    }
    return result;
}

} // namespace mk::model
