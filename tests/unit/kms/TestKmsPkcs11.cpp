// The pkcs11.<name> KEK provider on SoftHSM2 (a private token directory per run), its errors, and
// KeyRing / census / verify with several providers at once.
#include "crypto/DataKey.h"
#include "crypto/Pkcs11Provider.h"
#include "crypto/SecretKeyProvider.h"
#include "model/ops/CensusJob.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "tests/support/TestData.h"
#include "tests/unit/kms/SoftHsm.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <dlfcn.h>
#include <thread>
#include <vector>

using namespace mk;
using crypto::ErrorCode;

namespace {

const QString kToken = QStringLiteral("mk-test");
const QString kOtherToken = QStringLiteral("mk-other"); // never logged in before wrongPin()
const QString kFaultToken = QStringLiteral("mk-fault");
const QString kKey = QStringLiteral("mk-kek");

QString codeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::ProviderUnavailable:
        return QStringLiteral("ProviderUnavailable");
    case ErrorCode::DataKeyUnwrapFailed:
        return QStringLiteral("DataKeyUnwrapFailed");
    case ErrorCode::InvalidArgument:
        return QStringLiteral("InvalidArgument");
    case ErrorCode::Internal:
        return QStringLiteral("Internal");
    default:
        return QStringLiteral("code %1").arg(static_cast<int>(code));
    }
}

#define MK_VERIFY_OK(result)                                                                       \
    QVERIFY2((result).has_value(), (result) ? "" : qPrintable((result).error().detail))

#define MK_VERIFY_ERROR(result, expectedCode, fragment)                                            \
    do {                                                                                           \
        QVERIFY2(!(result).has_value(), "expected an error");                                      \
        QVERIFY2((result).error().code == (expectedCode),                                          \
            qPrintable(codeName((result).error().code) + QStringLiteral(": ")                      \
                + (result).error().detail));                                                       \
        QVERIFY2((result).error().detail.contains(QStringLiteral(fragment)),                       \
            qPrintable((result).error().detail));                                                  \
        QVERIFY2(!(result).error().detail.contains(QString::fromLatin1(test::SoftHsm::kPin)),      \
            "an error detail contains the PIN");                                                   \
    } while (false)

QString faultModule()
{
    return QStringLiteral(MK_FAULT_MODULE);
}

void setFaultMode(int mode)
{
    void* handle = dlopen(MK_FAULT_MODULE, RTLD_NOW | RTLD_NOLOAD);
    QVERIFY2(handle, "fault module not loaded yet");
    using SetMode = void (*)(int);
    const auto set = reinterpret_cast<SetMode>(dlsym(handle, "mk_fault_set_mode"));
    QVERIFY(set);
    set(mode);
    dlclose(handle);
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestKmsPkcs11 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void settingsFromSection();
    void roundTrip();
    void freshIvPerWrap();
    void tamperedBlobFails();
    void wrongLengthKeyRejected();
    void wrongPin();
    void missingKey();
    void missingModule();
    void notAModule();
    void tokenLabelNotFound();
    void slotIndex();
    void createKeyRefusesExistingLabel();
    void concurrentUnwraps();
    void sessionLossReconnects();
    void tokenRemovedMidOperation();

    void keyRingWithBothProviders();
    void keyRingReportsUnconfiguredProviders();
    void fixtureWithHsmKeyVerifiesAndCensus();

private:
    test::SoftHsm m_hsm;
    QTemporaryDir m_tmp;
};

void TestKmsPkcs11::initTestCase()
{
    QString error;
    QVERIFY2(m_hsm.setUp({kToken, kOtherToken, kFaultToken}, &error), qPrintable(error));
    QVERIFY(m_tmp.isValid());
    const auto settings = test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey);
    MK_VERIFY_OK(crypto::Pkcs11Provider::createKey(settings));
    const auto other = test::SoftHsm::settings(QStringLiteral("pkcs11.other"), kOtherToken, kKey);
    // mk-other gets its key through the SO-free path too, but in a separate process-level login:
    // createKey closes its session, so the token is logged out again afterwards.
    MK_VERIFY_OK(crypto::Pkcs11Provider::createKey(other));
    const auto fault = test::SoftHsm::settings(QStringLiteral("pkcs11.fault"), kFaultToken, kKey);
    MK_VERIFY_OK(crypto::Pkcs11Provider::createKey(fault));
}

void TestKmsPkcs11::settingsFromSection()
{
    QMap<QString, QString> values {
        {QStringLiteral("module"), QString::fromLatin1(test::SoftHsm::kModule)},
        {QStringLiteral("token_label"), kToken}, {QStringLiteral("pin"), QStringLiteral("1234")},
        {QStringLiteral("key_label"), kKey}};
    auto ok = crypto::Pkcs11Settings::fromSection(QStringLiteral("pkcs11.hsm"), values);
    MK_VERIFY_OK(ok);
    QCOMPARE(ok->tokenLabel, kToken);
    QCOMPARE(ok->pin.view(), QByteArrayView("1234"));
    QVERIFY(!ok->slotIndex);

    auto noModule = values;
    noModule.remove(QStringLiteral("module"));
    auto r1 = crypto::Pkcs11Settings::fromSection(QStringLiteral("pkcs11.hsm"), noModule);
    MK_VERIFY_ERROR(r1, ErrorCode::ProviderUnavailable, "`module` is missing");
    QVERIFY(r1.error().detail.contains(QStringLiteral("[security.encryption.pkcs11.hsm]")));

    auto noKey = values;
    noKey.remove(QStringLiteral("key_label"));
    auto r2 = crypto::Pkcs11Settings::fromSection(QStringLiteral("pkcs11.hsm"), noKey);
    MK_VERIFY_ERROR(r2, ErrorCode::ProviderUnavailable, "`key_label` is missing");

    auto noToken = values;
    noToken.remove(QStringLiteral("token_label"));
    auto r3 = crypto::Pkcs11Settings::fromSection(QStringLiteral("pkcs11.hsm"), noToken);
    MK_VERIFY_ERROR(r3, ErrorCode::ProviderUnavailable, "token_label");

    noToken.insert(QStringLiteral("slot"), QStringLiteral("2"));
    auto r4 = crypto::Pkcs11Settings::fromSection(QStringLiteral("pkcs11.hsm"), noToken);
    MK_VERIFY_OK(r4);
    QCOMPARE(r4->slotIndex.value_or(-1), 2);

    noToken.insert(QStringLiteral("slot"), QStringLiteral("-1"));
    auto r5 = crypto::Pkcs11Settings::fromSection(QStringLiteral("pkcs11.hsm"), noToken);
    MK_VERIFY_ERROR(r5, ErrorCode::ProviderUnavailable, "`slot`");
}

void TestKmsPkcs11::roundTrip()
{
    const crypto::Pkcs11Provider provider(
        test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey));
    QCOMPARE(provider.id(), QStringLiteral("pkcs11.hsm"));
    QVERIFY(provider.describe().contains(kToken));
    QVERIFY(provider.describe().contains(kKey));
    MK_VERIFY_OK(provider.health());
    for (int i = 0; i < 20; ++i) {
        const crypto::SecretBytes dek = crypto::generateDataKey();
        auto wrapped = provider.wrap(dek.view());
        MK_VERIFY_OK(wrapped);
        QCOMPARE(wrapped->size(), crypto::Pkcs11Provider::kBlobSize);
        QVERIFY(wrapped->startsWith(QByteArrayView("MKP1\x01", 5)));
        QVERIFY(!wrapped->contains(QByteArray(dek.data(), dek.size())));
        auto unwrapped = provider.unwrap(*wrapped);
        MK_VERIFY_OK(unwrapped);
        QVERIFY(unwrapped->equals(dek));
    }
    // A second provider instance on the same token and key (another KeyRing) reads the blobs.
    const crypto::SecretBytes dek = crypto::generateDataKey();
    auto wrapped = provider.wrap(dek.view());
    MK_VERIFY_OK(wrapped);
    const crypto::Pkcs11Provider again(
        test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey));
    auto unwrapped = again.unwrap(*wrapped);
    MK_VERIFY_OK(unwrapped);
    QVERIFY(unwrapped->equals(dek));
}

void TestKmsPkcs11::freshIvPerWrap()
{
    const crypto::Pkcs11Provider provider(
        test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey));
    const crypto::SecretBytes dek = crypto::generateDataKey();
    QSet<QByteArray> ivs;
    QSet<QByteArray> blobs;
    for (int i = 0; i < 64; ++i) {
        auto wrapped = provider.wrap(dek.view());
        MK_VERIFY_OK(wrapped);
        ivs.insert(wrapped->mid(5, 12));
        blobs.insert(*wrapped);
    }
    QCOMPARE(ivs.size(), 64);
    QCOMPARE(blobs.size(), 64);
}

void TestKmsPkcs11::tamperedBlobFails()
{
    const crypto::Pkcs11Provider provider(
        test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey));
    const crypto::SecretBytes dek = crypto::generateDataKey();
    auto wrapped = provider.wrap(dek.view());
    MK_VERIFY_OK(wrapped);
    for (qsizetype i = 0; i < wrapped->size(); ++i) {
        for (const char bit : {'\x01', '\x80'}) {
            QByteArray tampered = *wrapped;
            tampered[i] = static_cast<char>(tampered.at(i) ^ bit);
            auto r = provider.unwrap(tampered);
            QVERIFY2(!r, qPrintable(QStringLiteral("byte %1 flipped still unwraps").arg(i)));
            QVERIFY2(r.error().code == ErrorCode::DataKeyUnwrapFailed,
                qPrintable(QStringLiteral("byte %1: %2").arg(i).arg(r.error().detail)));
        }
    }
    auto truncated = provider.unwrap(wrapped->left(wrapped->size() - 1));
    MK_VERIFY_ERROR(truncated, ErrorCode::DataKeyUnwrapFailed, "expected 49");
    auto extended = provider.unwrap(*wrapped + QByteArray(1, '\0'));
    MK_VERIFY_ERROR(extended, ErrorCode::DataKeyUnwrapFailed, "expected 49");
    auto version = *wrapped;
    version[4] = 2;
    MK_VERIFY_ERROR(provider.unwrap(version), ErrorCode::DataKeyUnwrapFailed, "version 2");
    MK_VERIFY_ERROR(
        provider.unwrap(QByteArray("*YWVzLWNmYg*")), ErrorCode::DataKeyUnwrapFailed, "MKP1");
    auto tagFailure = *wrapped;
    tagFailure[wrapped->size() - 1] = static_cast<char>(tagFailure.back() ^ 0x01);
    MK_VERIFY_ERROR(
        provider.unwrap(tagFailure), ErrorCode::DataKeyUnwrapFailed, "authentication failed");
    // The failures left no operation active in the session.
    auto fine = provider.unwrap(*wrapped);
    MK_VERIFY_OK(fine);
    QVERIFY(fine->equals(dek));
}

void TestKmsPkcs11::wrongLengthKeyRejected()
{
    const crypto::Pkcs11Provider provider(
        test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey));
    auto r = provider.wrap(QByteArray(32, 'x'));
    MK_VERIFY_ERROR(r, ErrorCode::InvalidArgument, "16 bytes");
}

void TestKmsPkcs11::wrongPin()
{
    const crypto::Pkcs11Provider provider(test::SoftHsm::settings(
        QStringLiteral("pkcs11.other"), kOtherToken, kKey, QStringLiteral("9999")));
    auto r = provider.unwrap(
        QByteArray(crypto::Pkcs11Provider::kBlobSize, '\0').replace(0, 5, "MKP1\x01"));
    MK_VERIFY_ERROR(r, ErrorCode::ProviderUnavailable, "wrong PIN");
    QVERIFY(r.error().detail.contains(kOtherToken));
    QVERIFY(r.error().detail.contains(QString::fromLatin1(test::SoftHsm::kModule)));
    QVERIFY(!r.error().detail.contains(QStringLiteral("9999")));
    // Remembered: a wrong PIN is not tried again (no lock-out by retries).
    auto again = provider.wrap(crypto::generateDataKey().view());
    MK_VERIFY_ERROR(again, ErrorCode::ProviderUnavailable, "wrong PIN");
    MK_VERIFY_ERROR(provider.health(), ErrorCode::ProviderUnavailable, "wrong PIN");
    QCOMPARE(r.error().fault, crypto::ProviderFault::Login);
    QCOMPARE(provider.health().error().fault, crypto::ProviderFault::Login);
}

void TestKmsPkcs11::missingKey()
{
    const crypto::Pkcs11Provider provider(test::SoftHsm::settings(
        QStringLiteral("pkcs11.hsm"), kToken, QStringLiteral("no-such-key")));
    auto r = provider.wrap(crypto::generateDataKey().view());
    MK_VERIFY_ERROR(r, ErrorCode::ProviderUnavailable, "no secret key with this label");
    QVERIFY(r.error().detail.contains(QStringLiteral("no-such-key")));
    QCOMPARE(r.error().fault, crypto::ProviderFault::KeyMissing);
}

void TestKmsPkcs11::missingModule()
{
    const crypto::Pkcs11Provider provider(
        test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey,
            QString::fromLatin1(test::SoftHsm::kPin), QStringLiteral("/nonexistent/libpkcs11.so")));
    auto r = provider.wrap(crypto::generateDataKey().view());
    MK_VERIFY_ERROR(r, ErrorCode::ProviderUnavailable, "/nonexistent/libpkcs11.so does not exist");
    MK_VERIFY_ERROR(provider.health(), ErrorCode::ProviderUnavailable, "does not exist");
    QCOMPARE(r.error().fault, crypto::ProviderFault::Module);
    const auto settings = test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey,
        QString::fromLatin1(test::SoftHsm::kPin), QStringLiteral("/nonexistent/libpkcs11.so"));
    MK_VERIFY_ERROR(crypto::Pkcs11Provider::createKey(settings), ErrorCode::ProviderUnavailable,
        "does not exist");
}

void TestKmsPkcs11::notAModule()
{
    const QString garbage = m_tmp.filePath(QStringLiteral("garbage.so"));
    QVERIFY(writeFile(garbage, QByteArray("this is not an ELF file")));
    const crypto::Pkcs11Provider provider(test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"),
        kToken, kKey, QString::fromLatin1(test::SoftHsm::kPin), garbage));
    auto r = provider.unwrap(
        QByteArray(crypto::Pkcs11Provider::kBlobSize, '\0').replace(0, 5, "MKP1\x01"));
    MK_VERIFY_ERROR(r, ErrorCode::ProviderUnavailable, "cannot load PKCS#11 module");
    QCOMPARE(r.error().fault, crypto::ProviderFault::Module);
}

void TestKmsPkcs11::tokenLabelNotFound()
{
    const crypto::Pkcs11Provider provider(test::SoftHsm::settings(
        QStringLiteral("pkcs11.hsm"), QStringLiteral("no-such-token"), kKey));
    auto r = provider.wrap(crypto::generateDataKey().view());
    MK_VERIFY_ERROR(r, ErrorCode::ProviderUnavailable, "token not found");
    QVERIFY2(r.error().detail.contains(QStringLiteral("'mk-test'")), qPrintable(r.error().detail));
    QVERIFY(r.error().detail.contains(QStringLiteral("no-such-token")));
    QCOMPARE(r.error().fault, crypto::ProviderFault::Token);
}

void TestKmsPkcs11::slotIndex()
{
    // Some slot index reaches a token that carries the key (slot order is the module's).
    bool found = false;
    for (int i = 0; i < 3 && !found; ++i) {
        auto s = test::SoftHsm::settings(QStringLiteral("pkcs11.slot"), QString(), kKey);
        s.slotIndex = i;
        const crypto::Pkcs11Provider provider(std::move(s));
        const crypto::SecretBytes dek = crypto::generateDataKey();
        auto wrapped = provider.wrap(dek.view());
        if (wrapped) {
            auto back = provider.unwrap(*wrapped);
            MK_VERIFY_OK(back);
            QVERIFY(back->equals(dek));
            found = true;
        }
    }
    QVERIFY(found);
    auto s = test::SoftHsm::settings(QStringLiteral("pkcs11.slot"), QString(), kKey);
    s.slotIndex = 99;
    const crypto::Pkcs11Provider provider(std::move(s));
    MK_VERIFY_ERROR(provider.health(), ErrorCode::ProviderUnavailable, "no token in slot #99");
}

void TestKmsPkcs11::createKeyRefusesExistingLabel()
{
    const auto settings = test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey);
    MK_VERIFY_ERROR(
        crypto::Pkcs11Provider::createKey(settings), ErrorCode::InvalidArgument, "already exists");
    // A new label is created and usable; the old key still unwraps its blobs.
    const crypto::Pkcs11Provider old(settings.clone());
    const crypto::SecretBytes dek = crypto::generateDataKey();
    auto oldBlob = old.wrap(dek.view());
    MK_VERIFY_OK(oldBlob);
    MK_VERIFY_OK(crypto::Pkcs11Provider::createKey(settings, QStringLiteral("mk-kek-2")));
    const crypto::Pkcs11Provider fresh(
        test::SoftHsm::settings(QStringLiteral("pkcs11.two"), kToken, QStringLiteral("mk-kek-2")));
    auto freshBlob = fresh.wrap(dek.view());
    MK_VERIFY_OK(freshBlob);
    // A blob of one key does not open under the other (GCM authenticates the key).
    MK_VERIFY_ERROR(
        fresh.unwrap(*oldBlob), ErrorCode::DataKeyUnwrapFailed, "authentication failed");
    auto back = old.unwrap(*oldBlob);
    MK_VERIFY_OK(back);
    QVERIFY(back->equals(dek));
}

void TestKmsPkcs11::concurrentUnwraps()
{
    const crypto::Pkcs11Provider provider(
        test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey));
    std::vector<crypto::SecretBytes> deks;
    QList<QByteArray> blobs;
    for (int i = 0; i < 16; ++i) {
        deks.push_back(crypto::generateDataKey());
        auto wrapped = provider.wrap(deks.back().view());
        MK_VERIFY_OK(wrapped);
        blobs << *wrapped;
    }
    std::atomic<int> failures {0};
    std::atomic<int> done {0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 40; ++round) {
                const int i = (t * 7 + round) % 16;
                auto unwrapped = provider.unwrap(blobs.at(i));
                if (!unwrapped || !unwrapped->equals(deks[static_cast<std::size_t>(i)]))
                    ++failures;
                if (round % 10 == 0) { // wraps interleave with unwraps
                    auto wrapped = provider.wrap(deks[static_cast<std::size_t>(i)].view());
                    auto back = wrapped ? provider.unwrap(*wrapped)
                                        : crypto::Result<crypto::SecretBytes>();
                    if (!wrapped || !back || !back->equals(deks[static_cast<std::size_t>(i)]))
                        ++failures;
                }
                ++done;
            }
        });
    }
    for (std::thread& th : threads)
        th.join();
    QCOMPARE(done.load(), 8 * 40);
    QCOMPARE(failures.load(), 0);
}

void TestKmsPkcs11::sessionLossReconnects()
{
    const crypto::Pkcs11Provider provider(test::SoftHsm::settings(QStringLiteral("pkcs11.fault"),
        kFaultToken, kKey, QString::fromLatin1(test::SoftHsm::kPin), faultModule()));
    const crypto::SecretBytes dek = crypto::generateDataKey();
    auto wrapped = provider.wrap(dek.view());
    MK_VERIFY_OK(wrapped);
    setFaultMode(2); // the session dies under the next operation
    auto unwrapped = provider.unwrap(*wrapped);
    MK_VERIFY_OK(unwrapped);
    QVERIFY(unwrapped->equals(dek));
    setFaultMode(2);
    auto again = provider.wrap(dek.view());
    MK_VERIFY_OK(again);
}

void TestKmsPkcs11::tokenRemovedMidOperation()
{
    const auto settings = test::SoftHsm::settings(QStringLiteral("pkcs11.fault"), kFaultToken, kKey,
        QString::fromLatin1(test::SoftHsm::kPin), faultModule());
    QList<QByteArray> blobs;
    std::vector<crypto::SecretBytes> deks;
    {
        const crypto::Pkcs11Provider provider(settings.clone());
        for (int i = 0; i < 4; ++i) {
            deks.push_back(crypto::generateDataKey());
            auto wrapped = provider.wrap(deks.back().view());
            MK_VERIFY_OK(wrapped);
            blobs << *wrapped;
        }
        MK_VERIFY_OK(provider.unwrap(blobs.at(0)));
        setFaultMode(1); // the token is pulled out
        auto r = provider.unwrap(blobs.at(1));
        MK_VERIFY_ERROR(r, ErrorCode::ProviderUnavailable, "token not found");
        QVERIFY(r.error().detail.contains(kFaultToken));
        MK_VERIFY_ERROR(provider.health(), ErrorCode::ProviderUnavailable, "token not found");
        setFaultMode(0); // back in: this provider stays unavailable for the rest of its run
        MK_VERIFY_ERROR(
            provider.unwrap(blobs.at(1)), ErrorCode::ProviderUnavailable, "token not found");
    }
    // A new run (new provider) finishes.
    const crypto::Pkcs11Provider rerun(settings.clone());
    for (int i = 0; i < 4; ++i) {
        auto r = rerun.unwrap(blobs.at(i));
        MK_VERIFY_OK(r);
        QVERIFY(r->equals(deks[static_cast<std::size_t>(i)]));
    }
}

// ---- KeyRing with several providers
// ---------------------------------------------------------------

namespace {

model::Target ringTarget(bool withSection, const QStringList& available, const QString& current)
{
    model::Target target;
    target.secretKey = QByteArray(test::kDefaultSecretKey);
    target.config.security.availableEncryptionProviders = available;
    target.config.security.encryptionProvider = current;
    if (withSection)
        target.config.security.kmsProviders.insert(QStringLiteral("pkcs11.hsm"),
            {{QStringLiteral("module"), QString::fromLatin1(test::SoftHsm::kModule)},
                {QStringLiteral("token_label"), kToken},
                {QStringLiteral("pin"), QString::fromLatin1(test::SoftHsm::kPin)},
                {QStringLiteral("key_label"), kKey}});
    return target;
}

store::DataKeyRow row(const QString& id, const QString& provider, const QByteArray& blob)
{
    store::DataKeyRow r;
    r.id = id;
    r.provider = provider;
    r.label = QStringLiteral("2026-01-01/root@") + provider;
    r.scope = QStringLiteral("root");
    r.active = true;
    r.encryptedData = blob;
    return r;
}

} // namespace

void TestKmsPkcs11::keyRingWithBothProviders()
{
    const crypto::SecretKeyProvider secretKey(
        crypto::SecretBytes(QByteArrayView(test::kDefaultSecretKey)));
    const crypto::Pkcs11Provider hsm(
        test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey));
    const crypto::SecretBytes dek1 = crypto::generateDataKey();
    const crypto::SecretBytes dek2 = crypto::generateDataKey();
    auto blob1 = secretKey.wrap(dek1.view());
    auto blob2 = hsm.wrap(dek2.view());
    MK_VERIFY_OK(blob1);
    MK_VERIFY_OK(blob2);
    const QList<store::DataKeyRow> rows {
        row(QStringLiteral("k1"), QStringLiteral("secretKey.v1"), *blob1),
        row(QStringLiteral("k2"), QStringLiteral("pkcs11.hsm"), *blob2),
        row(QStringLiteral("k3"), QStringLiteral("secretKey"), *blob1)};

    const model::KeyRing ring(
        ringTarget(true, {QStringLiteral("secretKey.v1"), QStringLiteral("pkcs11.hsm")},
            QStringLiteral("pkcs11.hsm")),
        rows);
    for (const auto& [id, dek] :
        {std::pair {"k1", &dek1}, std::pair {"k2", &dek2}, std::pair {"k3", &dek1}}) {
        auto key = ring.dataKey(QByteArray(id));
        MK_VERIFY_OK(key);
        QVERIFY(key->equals(*dek));
    }
    QVERIFY(ring.currentProvider());
    QCOMPARE(ring.currentProvider()->id(), QStringLiteral("pkcs11.hsm"));
    MK_VERIFY_OK(ring.currentProvider()->health());
    auto rewrapped = ring.currentProvider()->wrap(dek1.view());
    MK_VERIFY_OK(rewrapped);
    QVERIFY(rewrapped->startsWith("MKP1"));

    // The current provider alone (not in the available list) is enough to wrap and unwrap.
    const model::KeyRing currentOnly(ringTarget(true, {}, QStringLiteral("pkcs11.hsm")), rows);
    MK_VERIFY_OK(currentOnly.dataKey("k2"));
    QCOMPARE(currentOnly.currentProvider()->id(), QStringLiteral("pkcs11.hsm"));

    // secretKey.v1 current, pkcs11 available: the HSM unwraps, secretKey.v1 wraps.
    const model::KeyRing back(
        ringTarget(true, {QStringLiteral("pkcs11.hsm")}, QStringLiteral("secretKey.v1")), rows);
    MK_VERIFY_OK(back.dataKey("k2"));
    QCOMPARE(back.currentProvider()->id(), QStringLiteral("secretKey.v1"));
}

void TestKmsPkcs11::keyRingReportsUnconfiguredProviders()
{
    // No session on the token may stay open: a process logged in to a token skips C_Login, so a
    // wrong PIN is only detected by the first session.
    QByteArray blob;
    {
        const crypto::Pkcs11Provider hsm(
            test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey));
        auto wrapped = hsm.wrap(crypto::generateDataKey().view());
        MK_VERIFY_OK(wrapped);
        blob = *wrapped;
    }
    const QList<store::DataKeyRow> rows {
        row(QStringLiteral("k2"), QStringLiteral("pkcs11.hsm"), blob),
        row(QStringLiteral("k4"), QStringLiteral("awskms.main"), QByteArray("opaque"))};

    // Not listed anywhere, no section.
    const model::KeyRing none(ringTarget(false, {}, QStringLiteral("secretKey.v1")), rows);
    MK_VERIFY_ERROR(none.dataKey("k2"), ErrorCode::ProviderUnavailable, "is not configured");
    QVERIFY(!none.provider(QStringLiteral("pkcs11.hsm")));
    // Section present but not listed: the detail says what to add.
    const model::KeyRing unlisted(ringTarget(true, {}, QStringLiteral("secretKey.v1")), rows);
    MK_VERIFY_ERROR(
        unlisted.dataKey("k2"), ErrorCode::ProviderUnavailable, "available_encryption_providers");
    // Listed but no section.
    const model::KeyRing noSection(
        ringTarget(false, {QStringLiteral("pkcs11.hsm")}, QStringLiteral("secretKey.v1")), rows);
    MK_VERIFY_ERROR(noSection.dataKey("k2"), ErrorCode::ProviderUnavailable,
        "no [security.encryption.pkcs11.hsm] section");
    // Listed with a broken section: the section's error.
    model::Target broken
        = ringTarget(true, {QStringLiteral("pkcs11.hsm")}, QStringLiteral("pkcs11.hsm"));
    broken.config.security.kmsProviders[QStringLiteral("pkcs11.hsm")].insert(
        QStringLiteral("pin"), QStringLiteral("0000"));
    const model::KeyRing wrongPin(broken, rows);
    MK_VERIFY_ERROR(wrongPin.dataKey("k2"), ErrorCode::ProviderUnavailable, "wrong PIN");
    QVERIFY(wrongPin.currentProvider());
    MK_VERIFY_ERROR(wrongPin.currentProvider()->wrap(crypto::generateDataKey().view()),
        ErrorCode::ProviderUnavailable, "wrong PIN");
    // Listed, unsupported kind.
    const model::KeyRing aws(
        ringTarget(false, {QStringLiteral("awskms.main")}, QStringLiteral("secretKey.v1")), rows);
    MK_VERIFY_ERROR(
        aws.dataKey("k4"), ErrorCode::ProviderUnavailable, "not supported by this build");
}

// A copy of a real fixture whose first data key is moved into the HSM (the provider's wrap plus
// store::updateDataKeyWrap, as re-encrypt-data-keys does): verify gives every expected plaintext
// digest with the HSM configured through a grafana.ini (PIN via $__file{}), and the census shows
// the key as provider-unavailable when the provider is not configured.
void TestKmsPkcs11::fixtureWithHsmKeyVerifiesAndCensus()
{
    // The smallest real fixture with several data keys whose values all decrypt.
    QString source;
    const auto manifest = test::readManifest();
    for (const QString& db : test::realFixtureDatabases()) {
        const QHash<QString, QString> entry = manifest.value(QFileInfo(db).fileName());
        if (entry.value(QStringLiteral("data_keys")).toInt() >= 2
            && entry.value(QStringLiteral("all_decrypt")) == QLatin1String("yes")
            && (source.isEmpty() || QFileInfo(db).size() < QFileInfo(source).size()))
            source = db;
    }
    if (source.isEmpty())
        QSKIP("no real fixture with two data keys whose values all decrypt");
    QTemporaryDir dir;
    const QString copy = test::copyFixture(source, dir.path());

    const QString pinFile = dir.filePath(QStringLiteral("hsm.pin"));
    QVERIFY(writeFile(pinFile, QByteArray(test::SoftHsm::kPin) + '\n'));
    const QByteArray section
        = QStringLiteral("[security.encryption.pkcs11.hsm]\nmodule = %1\ntoken_label = %2\n"
                         "pin = $__file{%3}\nkey_label = %4\n")
              .arg(QString::fromLatin1(test::SoftHsm::kModule), kToken, pinFile, kKey)
              .toUtf8();
    const QString withHsm = dir.filePath(QStringLiteral("with-hsm.ini"));
    QVERIFY(writeFile(withHsm,
        "[security]\nencryption_provider = secretKey.v1\n"
        "available_encryption_providers = secretKey.v1 pkcs11.hsm\n\n"
            + section));
    const QString withoutHsm = dir.filePath(QStringLiteral("without-hsm.ini"));
    QVERIFY(writeFile(withoutHsm, "[security]\nencryption_provider = secretKey.v1\n"));

    auto targetWith = [&](const QString& ini) {
        model::OpenRequest request;
        request.dbUrl = copy;
        request.configFile = ini;
        request.environment = QProcessEnvironment();
        request.environment.insert(
            QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromLatin1(test::kDefaultSecretKey));
        return model::resolveTarget(request);
    };
    auto hsmTarget = targetWith(withHsm);
    QVERIFY2(hsmTarget, hsmTarget ? "" : qPrintable(hsmTarget.error().message));
    QCOMPARE(hsmTarget->config.security.kmsProviders.value(QStringLiteral("pkcs11.hsm"))
                 .value(QStringLiteral("pin")),
        QString::fromLatin1(test::SoftHsm::kPin));

    // Move every other data key into the HSM: both providers are needed at once.
    QSet<QString> movedIds;
    {
        auto opened = model::openTarget(*hsmTarget, model::AccessMode::ReadWrite);
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        const crypto::SecretKeyProvider secretKey(
            crypto::SecretBytes(QByteArrayView(test::kDefaultSecretKey)));
        const crypto::Pkcs11Provider hsm(
            test::SoftHsm::settings(QStringLiteral("pkcs11.hsm"), kToken, kKey));
        for (qsizetype i = 0; i < opened->dataKeys.size(); i += 2) {
            const store::DataKeyRow& key = opened->dataKeys.at(i);
            auto dek = secretKey.unwrap(key.encryptedData);
            MK_VERIFY_OK(dek);
            auto blob = hsm.wrap(dek->view());
            MK_VERIFY_OK(blob);
            auto written
                = store::updateDataKeyWrap(opened->db, key.id, QStringLiteral("pkcs11.hsm"),
                    QStringLiteral("2026-01-01/root@pkcs11.hsm"), *blob, key.updated);
            QVERIFY2(written, written ? "" : qPrintable(written.error().detail));
            movedIds.insert(key.id);
        }
    }
    QVERIFY(!movedIds.isEmpty());

    QString error;
    const QStringList lines = test::verifyLines(*hsmTarget, 4, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QStringList expected = test::expectedLines(source);
    QVERIFY2(lines == expected, qPrintable(test::describeDifference(expected, lines)));

    auto census = model::runCensus(*hsmTarget, nullptr);
    QVERIFY(census);
    for (const model::DataKeyInfo& key : census->dataKeys) {
        QVERIFY2(key.unwrap == model::UnwrapStatus::Ok,
            qPrintable(key.id + QStringLiteral(": ") + key.unwrapDetail));
        QCOMPARE(key.provider,
            movedIds.contains(key.id) ? QStringLiteral("pkcs11.hsm")
                                      : QStringLiteral("secretKey.v1"));
    }

    auto plainTarget = targetWith(withoutHsm);
    QVERIFY(plainTarget);
    auto without = model::runCensus(*plainTarget, nullptr);
    QVERIFY(without);
    int unavailable = 0;
    for (const model::DataKeyInfo& key : without->dataKeys) {
        if (movedIds.contains(key.id)) {
            QCOMPARE(model::unwrapStatusName(key.unwrap), QStringLiteral("provider-unavailable"));
            QVERIFY2(key.unwrapDetail.contains(QStringLiteral("pkcs11.hsm")),
                qPrintable(key.unwrapDetail));
            ++unavailable;
        } else {
            QCOMPARE(model::unwrapStatusName(key.unwrap), QStringLiteral("ok"));
        }
    }
    QCOMPARE(unavailable, movedIds.size());
}

QTEST_GUILESS_MAIN(TestKmsPkcs11)
#include "TestKmsPkcs11.moc"
