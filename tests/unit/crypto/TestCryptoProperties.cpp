// Property and edge-case tests of the crypto layer: round trips, tamper and truncation handling,
// base64 and envelope edge cases, the batch encrypter, SecretBytes, DataKeyTable caching.

#include "crypto/Algorithm.h"
#include "crypto/Base64.h"
#include "crypto/DataKey.h"
#include "crypto/Envelope.h"
#include "crypto/Kdf.h"
#include "crypto/KdfBench.h"
#include "crypto/Payload.h"
#include "crypto/SecretKeyProvider.h"
#include "crypto/SecretsDecrypter.h"
#include "crypto/SelfTest.h"
#include "crypto/Sha256.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace mk::crypto;

Q_DECLARE_METATYPE(mk::crypto::Algorithm)
Q_DECLARE_METATYPE(mk::crypto::ErrorCode)

namespace {

const QByteArray kSecret = QByteArrayLiteral("SW2YcwTIb9zpOOhoPsMm");

QByteArray patternBytes(qsizetype n)
{
    QByteArray out(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        out[i] = static_cast<char>((i * 131 + 7) & 0xff);
    return out;
}

// A provider that counts its calls and "unwraps" by returning the wrapped bytes (or fails).
class FakeProvider final : public KekProvider
{
public:
    explicit FakeProvider(QString id, ErrorCode failWith = ErrorCode::Internal, bool fails = false)
        : m_id(std::move(id))
        , m_failWith(failWith)
        , m_fails(fails)
    {
    }
    QString id() const override { return m_id; }
    Result<SecretBytes> unwrap(QByteArrayView wrapped) const override
    {
        ++calls;
        if (m_fails)
            return fail(m_failWith, QStringLiteral("fake failure"));
        return SecretBytes(wrapped);
    }
    Result<QByteArray> wrap(QByteArrayView dataKey) const override { return dataKey.toByteArray(); }

    mutable std::atomic<int> calls{0};

private:
    QString m_id;
    ErrorCode m_failWith;
    bool m_fails;
};

} // namespace

class TestCryptoProperties : public QObject
{
    Q_OBJECT

private slots:
    void selfTestPasses()
    {
        auto ok = selfTest();
        QVERIFY2(ok.has_value(), ok ? "" : qPrintable(ok.error().detail));
    }

    // ---- round trips ----------------------------------------------------------------------------
    void roundTrip_data()
    {
        QTest::addColumn<Algorithm>("algorithm");
        QTest::addColumn<bool>("prefix");
        QTest::addColumn<int>("size");
        for (const int size : {0, 1, 15, 16, 17, 4096, 1 << 20}) {
            QTest::addRow("cfb-prefixed-%d", size) << Algorithm::AesCfb << true << size;
            QTest::addRow("cfb-unprefixed-%d", size) << Algorithm::AesCfb << false << size;
            QTest::addRow("gcm-prefixed-%d", size) << Algorithm::AesGcm << true << size;
        }
    }
    void roundTrip()
    {
        QFETCH(Algorithm, algorithm);
        QFETCH(bool, prefix);
        QFETCH(int, size);
        const QByteArray plaintext = patternBytes(size);
        EncryptOptions options;
        options.algorithm = algorithm;
        options.writePrefix = prefix;
        auto sealed = encryptPayload(plaintext, kSecret, options);
        QVERIFY(sealed.has_value());
        const qsizetype overhead = (prefix ? 12 : 0) + (algorithm == Algorithm::AesGcm ? 36 : 24);
        QCOMPARE(sealed->size(), size + overhead);
        QCOMPARE(sealed->startsWith(algorithmPrefix(algorithm)), prefix);
        auto info = inspectPayload(*sealed);
        QVERIFY(info.has_value());
        QCOMPARE(info->algorithm, algorithm);
        QCOMPARE(info->prefixed, prefix);
        // The random salt is 8 characters of [0-9A-Za-z].
        for (const char c : QByteArrayView(*sealed).sliced(info->bodyOffset, 8))
            QVERIFY(std::isalnum(static_cast<unsigned char>(c)));
        auto opened = decryptPayload(*sealed, kSecret);
        QVERIFY(opened.has_value());
        QVERIFY(*opened == plaintext);
        // Two encryptions of the same value differ (fresh salt and IV).
        auto again = encryptPayload(plaintext, kSecret, options);
        QVERIFY(again.has_value());
        QVERIFY(*again != *sealed);
    }

    void encryptRejectsBadOptions()
    {
        EncryptOptions gcmUnprefixed;
        gcmUnprefixed.algorithm = Algorithm::AesGcm;
        gcmUnprefixed.writePrefix = false;
        auto r1 = encryptPayload("x", kSecret, gcmUnprefixed);
        QVERIFY(!r1);
        QCOMPARE(r1.error().code, ErrorCode::InvalidArgument);

        EncryptOptions shortSalt;
        shortSalt.salt = QByteArrayLiteral("1234567");
        auto r2 = encryptPayload("x", kSecret, shortSalt);
        QVERIFY(!r2);
        QCOMPARE(r2.error().code, ErrorCode::InvalidArgument);

        EncryptOptions badIv;
        badIv.iv = QByteArray(12, 'x'); // CFB wants 16
        auto r3 = encryptPayload("x", kSecret, badIv);
        QVERIFY(!r3);
        QCOMPARE(r3.error().code, ErrorCode::InvalidArgument);

        EncryptOptions starSalt;
        starSalt.writePrefix = false;
        starSalt.salt = QByteArrayLiteral("*bcdefgh");
        auto r4 = encryptPayload("x", kSecret, starSalt);
        QVERIFY(!r4);
        QCOMPARE(r4.error().code, ErrorCode::InvalidArgument);
        starSalt.salt = QByteArrayLiteral("#bcdefgh");
        QVERIFY(!encryptPayload("x", kSecret, starSalt));
        starSalt.writePrefix = true; // behind a prefix any salt is fine
        QVERIFY(encryptPayload("x", kSecret, starSalt).has_value());
    }

    void binarySecretsAndSalts()
    {
        // Secrets with NUL / 0xff bytes are used byte for byte; an empty secret is valid.
        const QByteArray secrets[] = {QByteArray(16, '\0'), QByteArray(16, '\xff'), QByteArray()};
        for (const QByteArray& secret : secrets) {
            auto sealed = encryptPayload("v", secret);
            QVERIFY(sealed.has_value());
            QCOMPARE(decryptPayload(*sealed, secret).value_or(QByteArray()), QByteArrayLiteral("v"));
        }
        // NUL bytes count: 0x00 * 15 + 0x01 differs from 0x00 * 16. (Trailing NULs alone do not:
        // HMAC zero-pads its key, so 15 and 16 NUL bytes are the same HMAC key by definition.)
        QVERIFY(pbkdf2Sha256(QByteArray(16, '\0'), "AAAAAAAA").view()
                != pbkdf2Sha256(QByteArray(15, '\0') + '\x01', "AAAAAAAA").view());
        QVERIFY(pbkdf2Sha256(QByteArray(16, '\0'), "AAAAAAAA").view()
                == pbkdf2Sha256OpenSsl(QByteArray(15, '\0'), "AAAAAAAA").view());
        // GCM with a binary salt (Grafana's newer GCM encrypter) round-trips.
        EncryptOptions options;
        options.algorithm = Algorithm::AesGcm;
        options.salt = QByteArray::fromHex("00ff2a23807f0a01");
        auto sealed = encryptPayload("value", kSecret, options);
        QVERIFY(sealed.has_value());
        QCOMPARE(decryptPayload(*sealed, kSecret).value_or(QByteArray()), QByteArrayLiteral("value"));
    }

    void kdfArguments()
    {
        QVERIFY(pbkdf2Sha256("p", "s", 0).isEmpty());
        QVERIFY(pbkdf2Sha256("p", "s", 1, 0).isEmpty());
        QCOMPARE(pbkdf2Sha256("p", "s", 1, 64).size(), 64);
        QCOMPARE(pbkdf2Sha256("p", "s", 3, 64).view(), pbkdf2Sha256OpenSsl("p", "s", 3, 64).view());
        QCOMPARE(pbkdf2Sha256("p", "s", 2, 7).view(), pbkdf2Sha256OpenSsl("p", "s", 2, 7).view());
        // Long passwords (> one SHA-256 block) are hashed first, as HMAC requires.
        const QByteArray longPassword(200, 'x');
        QCOMPARE(pbkdf2Sha256(longPassword, "saltsalt", 5).view(),
                 pbkdf2Sha256OpenSsl(longPassword, "saltsalt", 5).view());
    }

    // ---- own SHA-256 / PBKDF2 (phase 2 fast path) -------------------------------------------------
    void sha256Backends()
    {
        qInfo("SHA-256 backend in use: %s (SHA-NI %savailable)", sha256::backendName(activeSha256Backend()),
              sha256::isAvailable(Sha256Backend::ShaNi) ? "" : "not ");
        QVERIFY(sha256::isAvailable(Sha256Backend::Portable));
        QCOMPARE(activeSha256Backend(), sha256::bestBackend());
        for (const Sha256Backend backend : {Sha256Backend::Portable, Sha256Backend::ShaNi}) {
            if (!sha256::isAvailable(backend))
                continue;
            for (int n = 0; n <= 200; ++n) {
                const QByteArray data = patternBytes(n);
                QCOMPARE(sha256::hash(data, backend).toHex(),
                         QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
            }
        }
    }

    void pbkdf2MatchesOpenSsl()
    {
        QRandomGenerator random(20240501);
        for (int round = 0; round < 40; ++round) {
            QByteArray password(static_cast<int>(random.bounded(0, 150)), Qt::Uninitialized);
            for (char& c : password)
                c = static_cast<char>(random.bounded(256));
            QByteArray salt(static_cast<int>(random.bounded(0, 130)), Qt::Uninitialized);
            for (char& c : salt)
                c = static_cast<char>(random.bounded(256));
            const int iterations = static_cast<int>(random.bounded(1, 40));
            const int keyLength = static_cast<int>(random.bounded(1, 100));
            const SecretBytes expected = pbkdf2Sha256OpenSsl(password, salt, iterations, keyLength);
            QCOMPARE(expected.size(), keyLength);
            for (const Sha256Backend backend : {Sha256Backend::Portable, Sha256Backend::ShaNi}) {
                if (!sha256::isAvailable(backend))
                    continue;
                const SecretBytes own = pbkdf2Sha256Using(backend, password, salt, iterations, keyLength);
                QVERIFY2(own.equals(expected), qPrintable(QStringLiteral("round %1 backend %2")
                                                              .arg(round)
                                                              .arg(QLatin1String(sha256::backendName(backend)))));
            }
        }
        // Full-strength derivation with both backends.
        const SecretBytes reference = pbkdf2Sha256OpenSsl(kSecret, "abcdefgh");
        QVERIFY(pbkdf2Sha256(kSecret, "abcdefgh").equals(reference));
        QVERIFY(pbkdf2Sha256Using(Sha256Backend::Portable, kSecret, "abcdefgh").equals(reference));
        if (!sha256::isAvailable(Sha256Backend::ShaNi))
            QVERIFY(pbkdf2Sha256Using(Sha256Backend::ShaNi, kSecret, "abcdefgh").isEmpty());
    }

    void kdfBench()
    {
        const KdfBenchResult result = runKdfBench(2);
        qInfo("pbkdf2 (ms per derivation): raw 20k compressions %.2f, own (%s) %.2f, own portable %.2f, "
              "OpenSSL %.2f; pbkdf2Sha256 uses %s",
              result.rawCompressionsMs, qPrintable(result.backend), result.ownPbkdf2Ms, result.portablePbkdf2Ms,
              result.openSslPbkdf2Ms, qPrintable(result.pbkdf2Implementation));
        QVERIFY(!result.pbkdf2Implementation.isEmpty());
        QCOMPARE(result.runs, 2);
        QVERIFY(result.rawCompressionsMs > 0);
        QVERIFY(result.ownPbkdf2Ms > 0);
        QVERIFY(result.portablePbkdf2Ms > 0);
        QVERIFY(result.openSslPbkdf2Ms > 0);
    }

    // ---- GCM tampering and truncation --------------------------------------------------------------
    void gcmEveryBitFlipFails()
    {
        EncryptOptions options;
        options.algorithm = Algorithm::AesGcm;
        auto sealed = encryptPayload("tamper-evident value", kSecret, options);
        QVERIFY(sealed.has_value());
        for (qsizetype i = 0; i < sealed->size(); ++i) {
            for (const int bit : {0, 7}) {
                QByteArray tampered = *sealed;
                tampered[i] = static_cast<char>(tampered[i] ^ (1 << bit));
                auto opened = decryptPayload(tampered, kSecret);
                if (i >= kAlgorithmPrefixSize) {
                    QVERIFY2(!opened.has_value(), qPrintable(QStringLiteral("byte %1 bit %2").arg(i).arg(bit)));
                    QCOMPARE(opened.error().code, ErrorCode::AuthenticationFailed);
                } else {
                    // A damaged prefix may turn the value into a (garbage) CFB body, but it never
                    // yields the plaintext.
                    QVERIFY(!opened.has_value() || *opened != QByteArrayLiteral("tamper-evident value"));
                }
            }
        }
    }

    void gcmEveryTruncationFails()
    {
        EncryptOptions options;
        options.algorithm = Algorithm::AesGcm;
        auto sealed = encryptPayload("truncate me", kSecret, options);
        QVERIFY(sealed.has_value());
        for (qsizetype length = 0; length < sealed->size(); ++length) {
            auto opened = decryptPayload(QByteArrayView(*sealed).first(length), kSecret);
            QVERIFY2(!opened.has_value(), qPrintable(QStringLiteral("length %1").arg(length)));
            const ErrorCode code = opened.error().code;
            QVERIFY(code == ErrorCode::EmptyPayload || code == ErrorCode::Truncated
                    || code == ErrorCode::AuthenticationFailed);
        }
    }

    void cfbShortBodiesAreTruncated_data()
    {
        QTest::addColumn<bool>("prefix");
        QTest::newRow("prefixed") << true;
        QTest::newRow("unprefixed") << false;
    }
    void cfbShortBodiesAreTruncated()
    {
        QFETCH(bool, prefix);
        EncryptOptions options;
        options.writePrefix = prefix;
        auto sealed = encryptPayload("abc", kSecret, options);
        QVERIFY(sealed.has_value());
        const qsizetype header = (prefix ? 12 : 0) + 24;
        for (qsizetype length = 0; length <= sealed->size(); ++length) {
            auto opened = decryptPayload(QByteArrayView(*sealed).first(length), kSecret);
            if (length == 0) {
                QCOMPARE(opened.error().code, ErrorCode::EmptyPayload);
            } else if (length < header) {
                QVERIFY2(!opened.has_value(), qPrintable(QStringLiteral("length %1").arg(length)));
                QCOMPARE(opened.error().code, ErrorCode::Truncated);
            } else {
                QVERIFY(opened.has_value()); // CFB cannot detect a shortened ciphertext
                QCOMPARE(*opened, QByteArrayLiteral("abc").first(length - header));
            }
        }
    }

    // ---- inspectPayload ---------------------------------------------------------------------------
    void inspect_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<Algorithm>("algorithm");
        QTest::addColumn<int>("offset");
        const QByteArray body24(24, 'a');
        const QByteArray body36(36, 'a');
        QTest::newRow("empty") << QByteArray() << false << ErrorCode::EmptyPayload << Algorithm::AesCfb << 0;
        QTest::newRow("bare-cfb") << body24 << true << ErrorCode::Internal << Algorithm::AesCfb << 0;
        QTest::newRow("bare-cfb-23") << body24.first(23) << false << ErrorCode::Truncated << Algorithm::AesCfb << 0;
        QTest::newRow("lone-star") << ("*" + body24) << true << ErrorCode::Internal << Algorithm::AesCfb << 1;
        QTest::newRow("empty-name") << ("**" + body24) << true << ErrorCode::Internal << Algorithm::AesCfb << 2;
        QTest::newRow("cfb") << ("*YWVzLWNmYg*" + body24) << true << ErrorCode::Internal << Algorithm::AesCfb << 12;
        QTest::newRow("cfb-noncanonical") << ("*YWVzLWNmYh*" + body24) << true << ErrorCode::Internal
                                          << Algorithm::AesCfb << 12;
        QTest::newRow("gcm") << ("*YWVzLWdjbQ*" + body36) << true << ErrorCode::Internal << Algorithm::AesGcm << 12;
        QTest::newRow("gcm-35") << ("*YWVzLWdjbQ*" + body36.first(35)) << false << ErrorCode::Truncated
                                << Algorithm::AesGcm << 0;
        QTest::newRow("gcm-cfb-sized") << ("*YWVzLWdjbQ*" + body24) << false << ErrorCode::Truncated
                                       << Algorithm::AesGcm << 0;
        QTest::newRow("padded-name") << ("*YWVzLWNmYg==*" + body24) << false << ErrorCode::BadBase64
                                     << Algorithm::AesCfb << 0;
        QTest::newRow("urlsafe-name") << ("*YW-z*" + body24) << false << ErrorCode::BadBase64 << Algorithm::AesCfb << 0;
        QTest::newRow("bad-length-name") << ("*YWVzL*" + body24) << false << ErrorCode::BadBase64
                                         << Algorithm::AesCfb << 0;
        QTest::newRow("unknown-name") << ("*YWVzLWNiYw*" + body24) << false << ErrorCode::UnknownAlgorithm
                                      << Algorithm::AesCfb << 0;
        QTest::newRow("uppercase-name") << ("*QUVTLUNGQg*" + body24) << false << ErrorCode::UnknownAlgorithm
                                        << Algorithm::AesCfb << 0;
        QTest::newRow("star-only") << QByteArray("*") << false << ErrorCode::Truncated << Algorithm::AesCfb << 0;
        QTest::newRow("two-stars-only") << QByteArray("**") << false << ErrorCode::Truncated << Algorithm::AesCfb << 0;
    }
    void inspect()
    {
        QFETCH(QByteArray, payload);
        QFETCH(bool, ok);
        QFETCH(ErrorCode, code);
        QFETCH(Algorithm, algorithm);
        QFETCH(int, offset);
        auto info = inspectPayload(payload);
        QCOMPARE(info.has_value(), ok);
        if (ok) {
            QCOMPARE(info->algorithm, algorithm);
            QCOMPARE(info->bodyOffset, offset);
        } else {
            QCOMPARE(info.error().code, code);
            // decryptPayload reports the same error
            QCOMPARE(decryptPayload(payload, kSecret).error().code, code);
        }
    }

    void algorithmNames()
    {
        for (const Algorithm algorithm : {Algorithm::AesCfb, Algorithm::AesGcm}) {
            QCOMPARE(algorithmFromName(algorithmName(algorithm)), std::optional<Algorithm>(algorithm));
            QCOMPARE(algorithmPrefix(algorithm), "*" + base64::encodeRaw(algorithmName(algorithm)) + "*");
            QCOMPARE(algorithmPrefix(algorithm).size(), kAlgorithmPrefixSize);
        }
        QCOMPARE(algorithmName(Algorithm::AesCfb), QByteArrayLiteral("aes-cfb"));
        QCOMPARE(algorithmName(Algorithm::AesGcm), QByteArrayLiteral("aes-gcm"));
        QVERIFY(!algorithmFromName("AES-CFB"));
        QVERIFY(!algorithmFromName(""));
        QVERIFY(!algorithmFromName("aes-cfb "));
    }

    // ---- base64 -----------------------------------------------------------------------------------
    void base64Decode_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<bool>("stdOk");
        QTest::addColumn<bool>("rawOk");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("empty") << QByteArray() << true << true << QByteArray();
        QTest::newRow("raw-2") << QByteArray("YQ") << false << true << QByteArray("a");
        QTest::newRow("std-2") << QByteArray("YQ==") << true << false << QByteArray("a");
        QTest::newRow("raw-3") << QByteArray("YWI") << false << true << QByteArray("ab");
        QTest::newRow("std-3") << QByteArray("YWI=") << true << false << QByteArray("ab");
        QTest::newRow("full") << QByteArray("YWJj") << true << true << QByteArray("abc");
        QTest::newRow("aes-cfb") << QByteArray("YWVzLWNmYg") << false << true << QByteArray("aes-cfb");
        QTest::newRow("noncanonical-raw") << QByteArray("YWVzLWNmYh") << false << true << QByteArray("aes-cfb");
        QTest::newRow("noncanonical-std") << QByteArray("YR==") << true << false << QByteArray("a");
        QTest::newRow("len-mod-1") << QByteArray("YWVzL") << false << false << QByteArray();
        QTest::newRow("single") << QByteArray("Y") << false << false << QByteArray();
        QTest::newRow("too-much-padding") << QByteArray("YWI==") << false << false << QByteArray();
        QTest::newRow("triple-padding") << QByteArray("Y===") << false << false << QByteArray();
        QTest::newRow("missing-padding-std") << QByteArray("YQ=") << false << false << QByteArray();
        QTest::newRow("inner-padding") << QByteArray("YQ==YWJj") << false << false << QByteArray();
        QTest::newRow("urlsafe-dash") << QByteArray("-_8") << false << false << QByteArray();
        QTest::newRow("urlsafe-underscore") << QByteArray("YW_j") << false << false << QByteArray();
        QTest::newRow("plus-slash") << QByteArray("+/8") << false << true << QByteArray::fromHex("fbff");
        QTest::newRow("space") << QByteArray("YW Jj") << false << false << QByteArray();
        QTest::newRow("newline") << QByteArray("YWJj\n") << false << false << QByteArray();
        QTest::newRow("nul") << QByteArray("YW\0j", 4) << false << false << QByteArray();
        QTest::newRow("high-byte") << QByteArray("YW\xc3j") << false << false << QByteArray();
        QTest::newRow("only-padding") << QByteArray("====") << false << false << QByteArray();
    }
    void base64Decode()
    {
        QFETCH(QByteArray, input);
        QFETCH(bool, stdOk);
        QFETCH(bool, rawOk);
        QFETCH(QByteArray, expected);
        auto viaStd = base64::decodeStd(input);
        auto viaRaw = base64::decodeRaw(input);
        QCOMPARE(viaStd.has_value(), stdOk);
        QCOMPARE(viaRaw.has_value(), rawOk);
        if (stdOk)
            QCOMPARE(*viaStd, expected);
        else
            QCOMPARE(viaStd.error().code, ErrorCode::BadBase64);
        if (rawOk)
            QCOMPARE(*viaRaw, expected);
        else
            QCOMPARE(viaRaw.error().code, ErrorCode::BadBase64);
        auto any = base64::decodeAny(input);
        QCOMPARE(any.has_value(), stdOk || rawOk);
        if (any)
            QCOMPARE(*any, expected);
    }

    void base64RoundTrip()
    {
        for (int n = 0; n <= 70; ++n) {
            const QByteArray data = patternBytes(n);
            const QByteArray padded = base64::encodeStd(data);
            const QByteArray raw = base64::encodeRaw(data);
            QCOMPARE(padded, data.toBase64());
            QVERIFY(!raw.contains('='));
            QCOMPARE(base64::decodeStd(padded).value_or("x"), data);
            QCOMPARE(base64::decodeRaw(raw).value_or("x"), data);
            QCOMPARE(base64::decodeAny(padded).value_or("x"), data);
            QCOMPARE(base64::decodeAny(raw).value_or("x"), data);
            QCOMPARE(base64::encode(data, true), padded);
            QCOMPARE(base64::encode(data, false), raw);
            if (n % 3 == 0) {
                QCOMPARE(padded, raw);
                QCOMPARE(base64::detectPadding(padded), base64::Padding::Ambiguous);
                QCOMPARE(base64::shouldPad(padded, true), true);
                QCOMPARE(base64::shouldPad(padded, false), false);
            } else {
                QCOMPARE(base64::detectPadding(padded), base64::Padding::Padded);
                QCOMPARE(base64::detectPadding(raw), base64::Padding::Unpadded);
                QVERIFY(base64::isPadded(padded));
                QVERIFY(!base64::isPadded(raw));
                QCOMPARE(base64::shouldPad(padded, false), true);
                QCOMPARE(base64::shouldPad(raw, true), false);
            }
        }
    }

    // ---- envelope ---------------------------------------------------------------------------------
    void envelopeParse_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QByteArray>("keyId");
        QTest::addColumn<int>("innerOffset");
        QTest::newRow("empty") << QByteArray() << false << ErrorCode::BadEnvelope << QByteArray() << 0;
        QTest::newRow("not-envelope") << QByteArray("abc#def#") << false << ErrorCode::BadEnvelope << QByteArray() << 0;
        QTest::newRow("hash-only") << QByteArray("#") << false << ErrorCode::BadEnvelope << QByteArray() << 0;
        QTest::newRow("no-closing") << QByteArray("#YWJj*YWVz") << false << ErrorCode::BadEnvelope << QByteArray() << 0;
        QTest::newRow("empty-id") << QByteArray("##abc") << false << ErrorCode::BadEnvelope << QByteArray() << 0;
        QTest::newRow("padded-id") << QByteArray("#YQ==#x") << false << ErrorCode::BadBase64 << QByteArray() << 0;
        QTest::newRow("bad-id") << QByteArray("#!bad!#x") << false << ErrorCode::BadBase64 << QByteArray() << 0;
        QTest::newRow("len1-id") << QByteArray("#Y#x") << false << ErrorCode::BadBase64 << QByteArray() << 0;
        QTest::newRow("ok") << QByteArray("#YWJj#inner") << true << ErrorCode::Internal << QByteArray("abc") << 6;
        QTest::newRow("empty-inner") << QByteArray("#YWJj#") << true << ErrorCode::Internal << QByteArray("abc") << 6;
        QTest::newRow("inner-has-hash") << QByteArray("#YQ#a#b") << true << ErrorCode::Internal << QByteArray("a") << 4;
        QTest::newRow("plus-slash") << QByteArray("#+/8#x") << true << ErrorCode::Internal
                                    << QByteArray::fromHex("fbff") << 5;
    }
    void envelopeParse()
    {
        QFETCH(QByteArray, payload);
        QFETCH(bool, ok);
        QFETCH(ErrorCode, code);
        QFETCH(QByteArray, keyId);
        QFETCH(int, innerOffset);
        auto parts = parseEnvelope(payload);
        QCOMPARE(parts.has_value(), ok);
        if (ok) {
            QCOMPARE(parts->keyId, keyId);
            QCOMPARE(parts->innerOffset, innerOffset);
        } else {
            QCOMPARE(parts.error().code, code);
        }
    }

    void envelopeBuild()
    {
        QCOMPARE(buildEnvelope("xkd8f3m2q0abcd", "*YWVzLWNmYg*rest"),
                 QByteArrayLiteral("#eGtkOGYzbTJxMGFiY2Q#*YWVzLWNmYg*rest"));
        QVERIFY(isEnvelope("#x"));
        QVERIFY(!isEnvelope(""));
        QVERIFY(!isEnvelope("*#"));
        const QByteArray ids[] = {"-abc_def1", "2022-03-01/root@secretKey.v1", "a", QByteArray(40, 'z')};
        for (const QByteArray& id : ids) {
            const QByteArray built = buildEnvelope(id, "inner");
            auto parts = parseEnvelope(built);
            QVERIFY(parts.has_value());
            QCOMPARE(parts->keyId, id);
            QCOMPARE(QByteArrayView(built).sliced(parts->innerOffset), QByteArrayView("inner"));
        }
    }

    // ---- PayloadEncrypter -----------------------------------------------------------------------
    void payloadEncrypter_data()
    {
        QTest::addColumn<Algorithm>("algorithm");
        QTest::addColumn<bool>("prefix");
        QTest::newRow("cfb-prefixed") << Algorithm::AesCfb << true;
        QTest::newRow("cfb-unprefixed") << Algorithm::AesCfb << false;
        QTest::newRow("gcm") << Algorithm::AesGcm << true;
    }
    void payloadEncrypter()
    {
        QFETCH(Algorithm, algorithm);
        QFETCH(bool, prefix);
        const PayloadEncrypter encrypter(kSecret, algorithm, prefix);
        QVERIFY(encrypter.isValid());
        QCOMPARE(encrypter.salt().size(), 8);
        QCOMPARE(encrypter.algorithm(), algorithm);
        QCOMPARE(encrypter.writesPrefix(), prefix);
        const qsizetype saltOffset = prefix ? 12 : 0;
        QSet<QByteArray> ivs;
        for (int i = 0; i < 50; ++i) {
            const QByteArray plaintext = patternBytes(i);
            auto sealed = encrypter.encrypt(plaintext);
            QVERIFY(sealed.has_value());
            QCOMPARE(QByteArrayView(*sealed).sliced(saltOffset, 8), QByteArrayView(encrypter.salt()));
            ivs.insert(sealed->mid(saltOffset + 8, ivSize(algorithm)));
            auto opened = decryptPayload(*sealed, kSecret);
            QVERIFY(opened.has_value());
            QCOMPARE(*opened, plaintext);
        }
        QCOMPARE(ivs.size(), 50); // a fresh IV / nonce every time

        // Movable; a moved-from encrypter fails cleanly.
        PayloadEncrypter moved(kSecret, algorithm, prefix, QByteArrayLiteral("abcdefgh"));
        PayloadEncrypter target = std::move(moved);
        QVERIFY(target.isValid());
        QCOMPARE(target.salt(), QByteArrayLiteral("abcdefgh"));
        QVERIFY(target.encrypt("x").has_value());
        QVERIFY(!moved.isValid()); // NOLINT(bugprone-use-after-move)
        QVERIFY(!moved.encrypt("x").has_value());
    }

    void payloadEncrypterInvalid()
    {
        const PayloadEncrypter badSalt(kSecret, Algorithm::AesCfb, true, QByteArrayLiteral("short"));
        QVERIFY(!badSalt.isValid());
        auto r = badSalt.encrypt("x");
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        const PayloadEncrypter gcmNoPrefix(kSecret, Algorithm::AesGcm, false);
        QVERIFY(!gcmNoPrefix.isValid());
        const PayloadEncrypter ok(kSecret, Algorithm::AesGcm, true);
        auto badIv = ok.encryptWithIv("x", QByteArray(16, 'x'));
        QVERIFY(!badIv);
        QCOMPARE(badIv.error().code, ErrorCode::InvalidArgument);
    }

    void payloadEncrypterConcurrent()
    {
        const PayloadEncrypter encrypter(kSecret, Algorithm::AesGcm, true);
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 25; ++i) {
                    auto sealed = encrypter.encrypt("concurrent");
                    if (!sealed || sealed->size() != 12 + 36 + 10)
                        ++failures;
                }
            });
        }
        for (auto& thread : threads)
            thread.join();
        QCOMPARE(failures.load(), 0);
    }

    // ---- SecretBytes ------------------------------------------------------------------------------
    void secretBytes()
    {
        SecretBytes empty;
        QVERIFY(empty.isEmpty());
        QCOMPARE(empty.size(), 0);
        QVERIFY(empty.equals(SecretBytes()));

        SecretBytes a(QByteArrayView("\x00\x01\xff", 3));
        QCOMPARE(a.size(), 3);
        QCOMPARE(a.view(), QByteArrayView("\x00\x01\xff", 3));

        SecretBytes copy = a.clone();
        QVERIFY(copy.equals(a));
        QVERIFY(copy.data() != a.data());

        SecretBytes moved(std::move(a));
        QCOMPARE(moved.size(), 3);
        QVERIFY(a.isEmpty()); // NOLINT(bugprone-use-after-move)
        QVERIFY(a.data() == nullptr);
        QVERIFY(moved.equals(copy));

        SecretBytes assigned(QByteArrayView("other"));
        assigned = std::move(moved);
        QVERIFY(assigned.equals(copy));
        QVERIFY(moved.isEmpty()); // NOLINT(bugprone-use-after-move)

        QVERIFY(!assigned.equals(SecretBytes(QByteArrayView("\x00\x01\xfe", 3))));
        QVERIFY(!assigned.equals(SecretBytes(QByteArrayView("\x00\x01", 2))));

        const SecretBytes utf8 = SecretBytes::fromUtf8(QStringLiteral("Ünï 🔑"));
        QCOMPARE(utf8.view(), QByteArrayView(QStringLiteral("Ünï 🔑").toUtf8()));
        QVERIFY(SecretBytes::fromUtf8(QString()).isEmpty());

        SecretBytes zero = SecretBytes::zeroed(4);
        QCOMPARE(zero.view(), QByteArrayView("\0\0\0\0", 4));
        zero.clear();
        QVERIFY(zero.isEmpty());

        static_assert(!std::is_copy_constructible_v<SecretBytes>);
        static_assert(!std::is_copy_assignable_v<SecretBytes>);
        static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);
    }

    // ---- random helpers ---------------------------------------------------------------------------
    void randomHelpers()
    {
        QSet<QByteArray> salts;
        for (int i = 0; i < 200; ++i) {
            const QByteArray salt = randomSalt();
            QCOMPARE(salt.size(), 8);
            for (const char c : salt)
                QVERIFY(std::isalnum(static_cast<unsigned char>(c)));
            salts.insert(salt);
        }
        QVERIFY(salts.size() > 195);
        QSet<QString> ids;
        for (int i = 0; i < 200; ++i) {
            const QString id = generateDataKeyId();
            QCOMPARE(id.size(), 14);
            for (const QChar c : id)
                QVERIFY((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9')));
            ids.insert(id);
        }
        QCOMPARE(ids.size(), 200);
        const SecretBytes k1 = generateDataKey();
        const SecretBytes k2 = generateDataKey();
        QCOMPARE(k1.size(), 16);
        QVERIFY(!k1.equals(k2));
        QCOMPARE(randomBytes(33).size(), 33);
        QVERIFY(randomBytes(0).isEmpty());
        QVERIFY(randomBytes(-1).isEmpty());
        // Every symbol of a small alphabet shows up (no symbol unreachable).
        const QByteArray s = randomString(2000, "abc");
        QVERIFY(s.contains('a') && s.contains('b') && s.contains('c'));
    }

    // ---- providers --------------------------------------------------------------------------------
    void providerIds()
    {
        QCOMPARE(normalizeProviderId(QStringLiteral("secretKey")), QStringLiteral("secretKey.v1"));
        QCOMPARE(normalizeProviderId(QStringLiteral("secretKey.v1")), QStringLiteral("secretKey.v1"));
        QCOMPARE(normalizeProviderId(QStringLiteral("awskms.main")), QStringLiteral("awskms.main"));
        QCOMPARE(providerKind(QStringLiteral("awskms.main")), QStringLiteral("awskms"));
        QCOMPARE(providerKind(QStringLiteral("hashicorpvault.a.b")), QStringLiteral("hashicorpvault"));
        QCOMPARE(providerKind(QStringLiteral("secretKey")), QStringLiteral("secretKey"));
    }

    void secretKeyProvider()
    {
        const QByteArray dek = QByteArray::fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
        const SecretKeyProvider provider{SecretBytes(kSecret)};
        auto wrapped = provider.wrap(dek);
        QVERIFY(wrapped.has_value());
        QCOMPARE(wrapped->size(), 52);
        QVERIFY(wrapped->startsWith("*YWVzLWNmYg*"));
        QCOMPARE(provider.unwrap(*wrapped).value().view(), QByteArrayView(dek));

        EncryptOptions legacy;
        legacy.writePrefix = false;
        const SecretKeyProvider legacyProvider(SecretBytes(kSecret), legacy);
        QCOMPARE(legacyProvider.wrap(dek).value().size(), 40);

        EncryptOptions gcm;
        gcm.algorithm = Algorithm::AesGcm;
        const SecretKeyProvider gcmProvider(SecretBytes(kSecret), gcm);
        auto gcmWrapped = gcmProvider.wrap(dek);
        QCOMPARE(gcmWrapped.value().size(), 64);
        QCOMPARE(provider.unwrap(*gcmWrapped).value().view(), QByteArrayView(dek));

        // Wrong secret on a GCM wrapped key: DataKeyUnwrapFailed with the cause in the detail.
        const SecretKeyProvider wrong{SecretBytes(QByteArrayView("wrong"))};
        auto failed = wrong.unwrap(*gcmWrapped);
        QVERIFY(!failed);
        QCOMPARE(failed.error().code, ErrorCode::DataKeyUnwrapFailed);
        QVERIFY(failed.error().detail.contains(QLatin1String("authentication")));

        // A value that is not 16 bytes long is not a data key.
        auto notAKey = encryptPayload(QByteArray(17, 'k'), kSecret);
        QCOMPARE(provider.unwrap(*notAKey).error().code, ErrorCode::DataKeyUnwrapFailed);
        QCOMPARE(provider.unwrap("").error().code, ErrorCode::DataKeyUnwrapFailed);
        QCOMPARE(provider.unwrap("short").error().code, ErrorCode::DataKeyUnwrapFailed);
        QCOMPARE(provider.wrap(QByteArray(15, 'k')).error().code, ErrorCode::InvalidArgument);
    }

    // ---- DataKeyTable / decryptSecret ---------------------------------------------------------------
    void dataKeyTableCaching()
    {
        const SecretBytes dek = generateDataKey();
        auto provider = std::make_shared<SecretKeyProvider>(SecretBytes(kSecret));
        DataKeyTable table;
        table.addProvider(provider);
        table.addDataKey("id1", QStringLiteral("secretKey"), provider->wrap(dek.view()).value());
        QVERIFY(table.contains("id1"));
        QCOMPARE(table.size(), 1);
        QVERIFY(table.hasProvider(QStringLiteral("secretKey")));

        auto inner = encryptPayload("value", dek.view());
        const QByteArray payload = buildEnvelope("id1", *inner);
        for (int i = 0; i < 5; ++i) {
            auto plain = decryptSecret(payload, kSecret, table);
            QVERIFY(plain.has_value());
            QCOMPARE(*plain, QByteArrayLiteral("value"));
        }
        QCOMPARE(table.unwrapCount(), 1);
        QVERIFY(table.dataKey("id1").value().equals(dek));
        QCOMPARE(table.unwrapCount(), 1);
        table.clearCache();
        QVERIFY(table.dataKey("id1").has_value());
        QCOMPARE(table.unwrapCount(), 2);

        // Concurrent lookups unwrap once.
        table.clearCache();
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 50; ++i) {
                    auto key = table.dataKey("id1");
                    if (!key || !key->equals(dek))
                        ++failures;
                }
            });
        }
        for (auto& thread : threads)
            thread.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(table.unwrapCount(), 3);

        // Replacing a row drops its cached key.
        table.addDataKey("id1", QStringLiteral("secretKey.v1"), provider->wrap(QByteArray(16, 'z')).value());
        QCOMPARE(table.dataKey("id1").value().view(), QByteArrayView(QByteArray(16, 'z')));
        table.removeDataKey("id1");
        QCOMPARE(table.dataKey("id1").error().code, ErrorCode::MissingDataKey);
    }

    void dataKeyTableErrors()
    {
        auto fake = std::make_shared<FakeProvider>(QStringLiteral("fake.ok"));
        auto broken = std::make_shared<FakeProvider>(QStringLiteral("fake.broken"), ErrorCode::Internal, true);
        DataKeyTable table;
        table.addProvider(fake);
        table.addProvider(broken);
        table.addProvider(nullptr);
        table.addDataKey("good", QStringLiteral("fake.ok"), QByteArray(16, 'g'));
        table.addDataKey("kms", QStringLiteral("awskms.main"), QByteArray(16, 'k'));
        table.addDataKey("broken", QStringLiteral("fake.broken"), QByteArray(16, 'b'));

        QCOMPARE(table.dataKey("good").value().view(), QByteArrayView(QByteArray(16, 'g')));
        QCOMPARE(table.dataKey("missing").error().code, ErrorCode::MissingDataKey);
        QCOMPARE(table.dataKey("kms").error().code, ErrorCode::ProviderUnavailable);
        auto failed = table.dataKey("broken");
        QCOMPARE(failed.error().code, ErrorCode::DataKeyUnwrapFailed);
        QVERIFY(failed.error().detail.contains(QLatin1String("fake failure")));
        // Failures are not cached: the provider is asked again.
        QVERIFY(!table.dataKey("broken"));
        QCOMPARE(broken->calls.load(), 2);
        QVERIFY(table.dataKey("good").has_value());
        QCOMPARE(fake->calls.load(), 1);

        // decryptSecret surfaces the same codes.
        QCOMPARE(decryptSecret("", kSecret, table).error().code, ErrorCode::EmptyPayload);
        QCOMPARE(decryptSecret(buildEnvelope("missing", "x"), kSecret, table).error().code,
                 ErrorCode::MissingDataKey);
        QCOMPARE(decryptSecret(buildEnvelope("kms", "x"), kSecret, table).error().code,
                 ErrorCode::ProviderUnavailable);
        QCOMPARE(decryptSecret(buildEnvelope("broken", "x"), kSecret, table).error().code,
                 ErrorCode::DataKeyUnwrapFailed);
        QCOMPARE(decryptSecret(buildEnvelope("good", ""), kSecret, table).error().code, ErrorCode::EmptyPayload);
        QCOMPARE(decryptSecret(buildEnvelope("good", "short"), kSecret, table).error().code, ErrorCode::Truncated);
        QCOMPARE(decryptSecret("#nope", kSecret, table).error().code, ErrorCode::BadEnvelope);
        QCOMPARE(decryptSecret("#YQ==#x", kSecret, table).error().code, ErrorCode::BadBase64);

        // A non-envelope value goes straight to the secret key.
        auto legacy = encryptPayload("legacy", kSecret);
        QCOMPARE(decryptSecret(*legacy, kSecret, table).value(), QByteArrayLiteral("legacy"));
        // An envelope through the fake provider (data key = the 16 'g' bytes).
        auto inner = encryptPayload("enveloped", QByteArray(16, 'g'));
        QCOMPARE(decryptSecret(buildEnvelope("good", *inner), kSecret, table).value(), QByteArrayLiteral("enveloped"));
    }
};

QTEST_GUILESS_MAIN(TestCryptoProperties)
#include "TestCryptoProperties.moc"
