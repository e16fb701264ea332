#include "model/SecretRevealer.h"

#include "crypto/SecretsDecrypter.h"
#include "model/ops/FailureReason.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretScanner.h"
#include "model/ops/SecretsManager.h"
#include "model/store/Database.h"
#include "model/store/SecretsManagerStore.h"

#include <QSet>
#include <QStringDecoder>

#include <optional>

namespace mk::model {

namespace {

class StopWhenFound final : public JobContext
{
public:
    explicit StopWhenFound(const bool& found)
        : m_found(found)
    {
    }
    void setProgressRange(qint64) override {}
    void setProgress(qint64, const QString&) override {}
    bool isCanceled() const override { return m_found; }

private:
    const bool& m_found;
};

// Valid UTF-8 text or the failure; the bytes are wiped either way.
Result<QString> toText(QByteArray& plain)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(plain);
    const bool bad = decoder.hasError();
    plain.fill('\0');
    if (bad) {
        text.fill(QChar(u'\0')); // what did decode is still (part of) the plaintext
        return fail(ErrorKind::Failed, reasonDescription(FailureReason::ImplausiblePlaintext));
    }
    return text;
}

// A value of the secrets-manager store, addressed by "namespace/name/version".
Result<QString> revealGsmSecret(const Target& target, store::Database& db, const ValueAddress& address)
{
    const QString where = target.connection.displayName();
    const QString nameSpace = address.rowId.section(QLatin1Char('/'), 0, 0);
    const QString name = address.rowId.section(QLatin1Char('/'), 1, -2);
    bool numeric = false;
    const qint64 version = address.rowId.section(QLatin1Char('/'), -1).toLongLong(&numeric);
    if (address.locationIndex == gsmExternalLocationIndex())
        return fail(ErrorKind::Failed, QStringLiteral("This secure value is held by another keeper: there is no "
                                                      "ciphertext of it in this database."));
    if (!numeric || nameSpace.isEmpty() || name.isEmpty())
        return fail(ErrorKind::Failed, QStringLiteral("Not a secrets-manager row id: %1").arg(address.rowId));
    auto rows = store::loadGsmValue(db, nameSpace, name, version);
    if (!rows)
        return std::unexpected(fromStoreError(rows.error(), where));
    if (rows->isEmpty())
        return fail(ErrorKind::Failed, QStringLiteral("The value (row %1) is no longer in the database.")
                                           .arg(address.rowId));
    auto keys = store::loadGsmDataKeys(db);
    if (!keys)
        return std::unexpected(fromStoreError(keys.error(), where));
    const GsmKeyRing ring(target.config.secretsManager, std::move(*keys));
    auto plain = decryptGsmValue(rows->first(), ring);
    if (!plain)
        return fail(ErrorKind::Failed, QStringLiteral("The value does not decrypt: %1")
                                           .arg(reasonDescription(plain.error().reason)));
    return toText(*plain);
}

} // namespace

Result<QString> revealSecret(const Target& target, const ValueAddress& address)
{
    auto opened = openTarget(target, AccessMode::ReadOnly);
    if (!opened)
        return std::unexpected(opened.error());
    if (isGsmLocationIndex(address.locationIndex))
        return revealGsmSecret(target, opened->db, address);
    const KeyRing keyRing(target, opened->dataKeys);

    std::optional<ValueRecord> found;
    bool done = false;
    SecretScanner scanner(opened->db, keyRing.ids());
    scanner.setLocations({address.locationIndex});
    StopWhenFound context(done);
    const auto scan = scanner.scan(
        [&](const QList<ValueRecord>& batch) {
            for (const ValueRecord& record : batch) {
                if (!done && record.rowId == address.rowId && record.field == address.field) {
                    found = record;
                    done = true;
                }
            }
        },
        &context);
    if (!found) {
        if (!scan)
            return std::unexpected(scan.error());
        return fail(ErrorKind::Failed, QStringLiteral("The value (row %1, field %2) is no longer "
                                                      "in the database.")
                                           .arg(address.rowId, address.field));
    }
    if (found->problem)
        return fail(ErrorKind::Failed, reasonDescription(*found->problem));

    auto plain = crypto::decryptSecret(found->payload, keyRing.secretKey(), keyRing);
    found->payload.fill('\0');
    if (!plain)
        return fail(ErrorKind::Failed, QStringLiteral("The value does not decrypt: %1")
                                           .arg(plain.error().detail));
    return toText(*plain);
}

} // namespace mk::model
