// Every case of vectors/gsm-kat.json (secrets-manager.md §5, V1-V5): reproduced byte for byte with
// the injected salt and nonce, decrypted back, and refused with a wrong password. Cases with a
// data_key_id also check both value layouts (data_key_id column, ≤12.2 '#id#' prefix).

#include "crypto/GsmCipher.h"
#include "crypto/Kdf.h"
#include "tests/support/TestData.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace mk::crypto;

namespace {

QJsonArray loadCases()
{
    QFile file(QDir(mk::test::sharedDir()).filePath(QStringLiteral("vectors/gsm-kat.json")));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file.fileName()));
    return QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("cases")).toArray();
}

QByteArray hexField(const QJsonObject& c, const char* key)
{
    return QByteArray::fromHex(c.value(QLatin1String(key)).toString().toLatin1());
}

QByteArray password(const QJsonObject& c)
{
    if (c.contains(QLatin1String("password_hex")))
        return hexField(c, "password_hex");
    return c.value(QLatin1String("password")).toString().toUtf8();
}

} // namespace

class TestGsmVectors : public QObject
{
    Q_OBJECT

private slots:
    void vectors_data();
    void vectors();
    void allCasesPresent();
    void v1DerivedKey();
    void truncatedAndTampered();
    void providerWrapsLikeV2();
};

void TestGsmVectors::vectors_data()
{
    QTest::addColumn<QJsonObject>("c");
    for (const QJsonValue& v : loadCases()) {
        const QJsonObject c = v.toObject();
        QTest::newRow(qPrintable(c.value(QLatin1String("name")).toString())) << c;
    }
}

void TestGsmVectors::vectors()
{
    QFETCH(QJsonObject, c);
    const QByteArray pw = password(c);
    const QByteArray salt = hexField(c, "salt_hex");
    const QByteArray nonce = hexField(c, "nonce_hex");
    const QByteArray plaintext = hexField(c, "plaintext_hex");
    const QByteArray expected = hexField(c, "output_hex");
    const QString name = c.value(QLatin1String("name")).toString();
    const bool raw = name.startsWith(QLatin1String("V1"));
    const bool legacyLayout = name.startsWith(QLatin1String("V4"));

    QByteArray blob;
    if (raw) {
        auto body = gsm::sealBody(pw, plaintext, salt, nonce);
        QVERIFY2(body, qPrintable(body ? QString() : body.error().detail));
        blob = *body;
    } else {
        auto sealed = gsm::encrypt(pw, plaintext, salt, nonce);
        QVERIFY2(sealed, qPrintable(sealed ? QString() : sealed.error().detail));
        blob = *sealed;
    }
    if (legacyLayout)
        blob = gsm::joinLegacyLayout(c.value(QLatin1String("data_key_id")).toString().toLatin1(), blob);
    QCOMPARE(blob.toHex(), expected.toHex());

    // Decrypt the published bytes back.
    QByteArray stored = expected;
    if (legacyLayout) {
        QVERIFY(gsm::hasLegacyIdPrefix(stored));
        auto split = gsm::splitLegacyLayout(stored);
        QVERIFY2(split, qPrintable(split ? QString() : split.error().detail));
        QCOMPARE(split->dataKeyId, c.value(QLatin1String("data_key_id")).toString().toLatin1());
        stored = split->blob;
    } else {
        QVERIFY(!gsm::hasLegacyIdPrefix(stored));
    }
    auto opened = raw ? gsm::openBody(pw, stored) : gsm::decrypt(pw, stored);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().detail));
    QCOMPARE(opened->toHex(), plaintext.toHex());

    // GCM: a wrong password fails loudly.
    auto wrong = raw ? gsm::openBody(pw + 'x', stored) : gsm::decrypt(pw + 'x', stored);
    QVERIFY(!wrong);
    QCOMPARE(wrong.error().code, ErrorCode::AuthenticationFailed);
}

void TestGsmVectors::allCasesPresent()
{
    // V1, V2, V3, V4, V5a, V5b, V5c (secrets-manager.md §5); a silently shorter file fails.
    QCOMPARE(loadCases().size(), 7);
}

void TestGsmVectors::v1DerivedKey()
{
    // The derived key published with V1 (secrets-manager.md §5).
    const QJsonObject v1 = loadCases().at(0).toObject();
    QVERIFY(v1.value(QLatin1String("name")).toString().startsWith(QLatin1String("V1")));
    const SecretBytes key = pbkdf2Sha256(password(v1), hexField(v1, "salt_hex"));
    QCOMPARE(key.view().toByteArray().toHex(),
             QByteArray("0a89f34e81dedf0c304bc005d956d9b179ec296f2260baff14bfe9ac5cb0b763"));
    const QByteArray out = hexField(v1, "output_hex");
    QCOMPARE(out.first(8), hexField(v1, "salt_hex"));
    QCOMPARE(out.sliced(8, 12), hexField(v1, "nonce_hex"));
}

void TestGsmVectors::truncatedAndTampered()
{
    const QJsonObject v5c = loadCases().at(6).toObject();
    const QByteArray blob = hexField(v5c, "output_hex");
    const QByteArray pw = password(v5c);
    QCOMPARE(blob.size(), gsm::kOverhead);
    QVERIFY(gsm::decrypt(pw, blob));
    for (qsizetype cut = 0; cut < blob.size(); ++cut) {
        auto r = gsm::decrypt(pw, blob.first(cut));
        QVERIFY2(!r, qPrintable(QStringLiteral("truncated to %1 decrypted").arg(cut)));
    }
    QCOMPARE(gsm::decrypt(pw, QByteArray()).error().code, ErrorCode::EmptyPayload);
    QCOMPARE(gsm::decrypt(pw, blob.first(40)).error().code, ErrorCode::Truncated);
    QCOMPARE(gsm::decrypt(pw, blob.sliced(12)).error().code, ErrorCode::UnknownAlgorithm);
    for (qsizetype i = 12; i < blob.size(); ++i) {
        QByteArray flipped = blob;
        flipped[i] = char(flipped.at(i) ^ 0x01);
        QCOMPARE(gsm::decrypt(pw, flipped).error().code, ErrorCode::AuthenticationFailed);
    }
    // Random salt and nonce: two encryptions differ and both round-trip.
    auto a = gsm::encrypt(pw, "value");
    auto b = gsm::encrypt(pw, "value");
    QVERIFY(a && b);
    QVERIFY(*a != *b);
    QCOMPARE(gsm::decrypt(pw, *a).value(), QByteArray("value"));
    QCOMPARE(gsm::decrypt(pw, *b).value(), QByteArray("value"));
    QVERIFY(!gsm::sealBody(pw, "x", "short", {}));
}

void TestGsmVectors::providerWrapsLikeV2()
{
    const QJsonObject v2 = loadCases().at(1).toObject();
    const QJsonObject v5a = loadCases().at(4).toObject();
    const gsm::SecretKeyKek v1(QStringLiteral("secret_key.v1"), SecretBytes(password(v2)));
    const gsm::SecretKeyKek v5(QStringLiteral("secret_key.v2"), SecretBytes(password(v5a)));
    QCOMPARE(v1.id(), QStringLiteral("secret_key.v1"));
    auto dek = v1.unwrap(hexField(v2, "output_hex"));
    QVERIFY2(dek, qPrintable(dek ? QString() : dek.error().detail));
    QCOMPARE(dek->view().toByteArray().toHex(), hexField(v2, "plaintext_hex").toHex());
    auto nonUtf8 = v5.unwrap(hexField(v5a, "output_hex"));
    QVERIFY(nonUtf8);
    QCOMPARE(nonUtf8->view().toByteArray().toHex(), hexField(v5a, "plaintext_hex").toHex());
    // Wrong KEK: GCM refuses.
    auto wrong = v5.unwrap(hexField(v2, "output_hex"));
    QVERIFY(!wrong);
    QCOMPARE(wrong.error().code, ErrorCode::DataKeyUnwrapFailed);
    // Fresh wraps are 64 bytes and unwrap back.
    auto wrapped = v5.wrap(dek->view());
    QVERIFY(wrapped);
    QCOMPARE(wrapped->size(), 64);
    QCOMPARE(v5.unwrap(*wrapped)->view().toByteArray(), dek->view().toByteArray());
    QVERIFY(!v5.wrap("short"));
}

QTEST_GUILESS_MAIN(TestGsmVectors)
#include "TestGsmVectors.moc"
