#include "crypto/SelfTest.h"

#include "crypto/CryptoLog.h"
#include "crypto/Envelope.h"
#include "crypto/Kdf.h"
#include "crypto/Payload.h"
#include "crypto/SecretKeyProvider.h"
#include "crypto/SecretsDecrypter.h"

namespace mk::crypto {

namespace {

const QByteArray kDefaultSecretKey = QByteArrayLiteral("SW2YcwTIb9zpOOhoPsMm");

std::unexpected<Error> selfTestFailure(const char* what, const QString& why = {})
{
    QString detail = QStringLiteral("crypto self-test failed: %1").arg(QLatin1String(what));
    if (!why.isEmpty())
        detail += QStringLiteral(" (%1)").arg(why);
    qCCritical(lcCrypto).noquote() << detail;
    return fail(ErrorCode::Internal, detail);
}

Result<void> checkKdf()
{
    struct Case
    {
        QByteArray password;
        QByteArray salt;
        QByteArray expected;
    };
    const Case cases[] = {
        {kDefaultSecretKey, QByteArrayLiteral("abcdefgh"),
         QByteArray::fromHex("59d4cee5b140fec7c1234935b8e4b2b1444e5167d1a0e64756e16bf33a0bbae0")},
        {QByteArray::fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"), QByteArrayLiteral("12345678"),
         QByteArray::fromHex("50943095acc43918a8c48561734f286feffa7c9158d3d6ce66cfb02fda155219")},
        {QByteArray::fromHex("00000000000000000000000000000000"), QByteArrayLiteral("AAAAAAAA"),
         QByteArray::fromHex("980a42c3b643ca3b340e17d3ef11ff6b0aa773576a4f005289044e53280e27fb")},
    };
    for (const Case& c : cases) {
        if (pbkdf2Sha256(c.password, c.salt).view() != QByteArrayView(c.expected))
            return selfTestFailure("PBKDF2-HMAC-SHA256");
        if (pbkdf2Sha256OpenSsl(c.password, c.salt).view() != QByteArrayView(c.expected))
            return selfTestFailure("PBKDF2-HMAC-SHA256 (OpenSSL)");
    }
    return {};
}

Result<void> checkCfb()
{
    const QByteArray expected = QByteArray::fromHex(
        "2a5957567a4c574e6d59672a6162636465666768000102030405060708090a0b0c0d0e0fc01555020c912963");
    EncryptOptions options;
    options.salt = QByteArrayLiteral("abcdefgh");
    options.iv = QByteArray::fromHex("000102030405060708090a0b0c0d0e0f");
    auto sealed = encryptPayload(QByteArrayLiteral("password"), kDefaultSecretKey, options);
    if (!sealed || *sealed != expected)
        return selfTestFailure("aes-cfb encrypt", sealed ? QString() : sealed.error().detail);
    auto opened = decryptPayload(expected, kDefaultSecretKey);
    if (!opened || *opened != QByteArrayLiteral("password"))
        return selfTestFailure("aes-cfb decrypt", opened ? QString() : opened.error().detail);
    auto unprefixed = decryptPayload(QByteArrayView(expected).sliced(12), kDefaultSecretKey);
    if (!unprefixed || *unprefixed != QByteArrayLiteral("password"))
        return selfTestFailure("aes-cfb decrypt (unprefixed)");
    return {};
}

Result<void> checkGcm()
{
    const QByteArray expected = QByteArray::fromHex(
        "2a5957567a4c57646a62512a6162636465666768000102030405060708090a0b"
        "8414d554a6d914598f84969aeee3f90f7b3d2f0f9de5f7fa");
    EncryptOptions options;
    options.algorithm = Algorithm::AesGcm;
    options.salt = QByteArrayLiteral("abcdefgh");
    options.iv = QByteArray::fromHex("000102030405060708090a0b");
    auto sealed = encryptPayload(QByteArrayLiteral("password"), kDefaultSecretKey, options);
    if (!sealed || *sealed != expected)
        return selfTestFailure("aes-gcm encrypt", sealed ? QString() : sealed.error().detail);
    auto opened = decryptPayload(expected, kDefaultSecretKey);
    if (!opened || *opened != QByteArrayLiteral("password"))
        return selfTestFailure("aes-gcm decrypt", opened ? QString() : opened.error().detail);
    QByteArray tampered = expected;
    tampered[tampered.size() - 1] = static_cast<char>(tampered.back() ^ 0x01);
    auto rejected = decryptPayload(tampered, kDefaultSecretKey);
    if (rejected || rejected.error().code != ErrorCode::AuthenticationFailed)
        return selfTestFailure("aes-gcm tamper detection");
    return {};
}

Result<void> checkEnvelope()
{
    const QByteArray dek = QByteArray::fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    const QByteArray wrapped = QByteArray::fromHex(
        "2a5957567a4c574e6d59672a5a59585756555453101112131415161718191a1b1c1d1e1f"
        "acaf57eedaab13f5a695fba76ee91344");
    const QByteArray payload = QByteArray::fromHex(
        "236547746b4f47597a62544a784d474669593251232a5957567a4c574e6d59672a3132333435363738"
        "202122232425262728292a2b2c2d2e2fc8290f84dcf6");

    EncryptOptions wrapOptions;
    wrapOptions.salt = QByteArrayLiteral("ZYXWVUTS");
    wrapOptions.iv = QByteArray::fromHex("101112131415161718191a1b1c1d1e1f");
    auto provider = std::make_shared<SecretKeyProvider>(SecretBytes(kDefaultSecretKey), wrapOptions);
    auto rewrapped = provider->wrap(dek);
    if (!rewrapped || *rewrapped != wrapped)
        return selfTestFailure("data key wrap");

    DataKeyTable table;
    table.addProvider(provider);
    table.addDataKey(QByteArrayLiteral("xkd8f3m2q0abcd"), QStringLiteral("secretKey.v1"), wrapped);
    auto plain = decryptSecret(payload, kDefaultSecretKey, table);
    if (!plain || *plain != QByteArrayLiteral("s3cr3t"))
        return selfTestFailure("envelope decrypt", plain ? QString() : plain.error().detail);
    auto key = table.dataKey(QByteArrayLiteral("xkd8f3m2q0abcd"));
    if (!key || key->view() != QByteArrayView(dek))
        return selfTestFailure("data key unwrap");
    return {};
}

} // namespace

Result<void> selfTest()
{
    for (auto check : {checkKdf, checkCfb, checkGcm, checkEnvelope}) {
        if (auto ok = check(); !ok)
            return ok;
    }
    qCDebug(lcCrypto) << "crypto self-test passed";
    return {};
}

} // namespace mk::crypto
