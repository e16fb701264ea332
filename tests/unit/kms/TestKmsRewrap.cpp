// re-encrypt-data-keys --provider pkcs11.<name> on SoftHSM2: every data key of a copy of every real
// fixture moves into the HSM and back to secretKey.v1 with all plaintext digests preserved; a
// wrong PIN writes nothing and a re-run with the right configuration finishes.
#include "crypto/Pkcs11Provider.h"
#include "model/ops/CensusJob.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/RewrapDataKeysJob.h"
#include "tests/support/TestData.h"
#include "tests/unit/kms/SoftHsm.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

namespace {

const QString kToken = QStringLiteral("mk-test");
const QString kKey = QStringLiteral("mk-kek");
const QString kHsm = QStringLiteral("pkcs11.hsm");

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// grafana.ini with both providers (current: `current`), the PIN through $__file{}.
QString writeConfig(const QString& dir,
    const QString& name,
    const QString& current,
    const QByteArray& pin,
    const QString& keyLabel = kKey)
{
    const QString pinFile = dir + QStringLiteral("/") + name + QStringLiteral(".pin");
    writeFile(pinFile, pin + '\n');
    const QString ini = dir + QStringLiteral("/") + name;
    writeFile(ini,
        QStringLiteral("[security]\nencryption_provider = %1\n"
                       "available_encryption_providers = secretKey.v1 pkcs11.hsm\n\n"
                       "[security.encryption.pkcs11.hsm]\nmodule = %2\ntoken_label = %3\n"
                       "pin = $__file{%4}\nkey_label = %5\n")
            .arg(current, QString::fromLatin1(test::SoftHsm::kModule), kToken, pinFile, keyLabel)
            .toUtf8());
    return ini;
}

model::Target target(const QString& db, const QString& ini)
{
    model::OpenRequest request;
    request.dbUrl = db;
    request.configFile = ini;
    request.environment = QProcessEnvironment();
    request.environment.insert(
        QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromLatin1(test::kDefaultSecretKey));
    auto resolved = model::resolveTarget(request);
    if (!resolved)
        qFatal("resolveTarget failed: %s", qPrintable(resolved.error().message));
    return *resolved;
}

QList<store::DataKeyRow> dataKeys(const model::Target& t)
{
    auto opened = model::openTarget(t, model::AccessMode::ReadOnly);
    if (!opened)
        qFatal("open failed: %s", qPrintable(opened.error().message));
    return opened->dataKeys;
}

} // namespace

class TestKmsRewrap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyFixtureIntoTheHsmAndBack_data();
    void everyFixtureIntoTheHsmAndBack();
    void wrongPinWritesNothing();
    void cliProviderOption();
    void keyMadeByPkcs11Tool();

private:
    test::SoftHsm m_hsm;
};

void TestKmsRewrap::initTestCase()
{
    QString error;
    QVERIFY2(m_hsm.setUp({kToken}, &error), qPrintable(error));
    const auto created
        = crypto::Pkcs11Provider::createKey(test::SoftHsm::settings(kHsm, kToken, kKey));
    QVERIFY2(created, created ? "" : qPrintable(created.error().detail));
}

void TestKmsRewrap::everyFixtureIntoTheHsmAndBack_data()
{
    QTest::addColumn<QString>("fixture");
    for (const QString& db : test::realFixtureDatabases())
        QTest::newRow(qPrintable(QFileInfo(db).fileName())) << db;
}

void TestKmsRewrap::everyFixtureIntoTheHsmAndBack()
{
    QFETCH(QString, fixture);
    QTemporaryDir dir;
    const QString copy = test::copyFixture(fixture, dir.path());
    const QStringList expected = test::expectedLines(fixture);
    const model::Target t = target(copy,
        writeConfig(dir.path(), QStringLiteral("grafana.ini"), QStringLiteral("secretKey.v1"),
            test::SoftHsm::kPin));
    const QList<store::DataKeyRow> before = dataKeys(t);

    // Into the HSM.
    model::RewrapDataKeysOptions options;
    options.provider = kHsm;
    auto toHsm = model::runRewrapDataKeys(t, options, nullptr);
    QVERIFY2(toHsm, toHsm ? "" : qPrintable(toHsm.error().message));
    QVERIFY(toHsm->dataKeyFailures.isEmpty());
    QCOMPARE(toHsm->dataKeysRewrapped, before.size());
    const QList<store::DataKeyRow> inHsm = dataKeys(t);
    QCOMPARE(inHsm.size(), before.size());
    for (const store::DataKeyRow& key : inHsm) {
        QCOMPARE(key.provider, kHsm);
        QCOMPARE(key.encryptedData.size(), crypto::Pkcs11Provider::kBlobSize);
        QVERIFY(key.encryptedData.startsWith("MKP1\x01"));
        if (!key.label.isEmpty())
            QVERIFY2(key.label.endsWith(QStringLiteral("@pkcs11.hsm")), qPrintable(key.label));
    }
    QString error;
    QStringList lines = test::verifyLines(t, 2, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(lines == expected, qPrintable(test::describeDifference(expected, lines)));

    // Without the HSM configured, every key needs the unavailable provider.
    const model::Target plain = test::targetFor(copy, test::kDefaultSecretKey);
    auto census = model::runCensus(plain, nullptr);
    QVERIFY(census);
    for (const model::DataKeyInfo& key : census->dataKeys)
        QCOMPARE(model::unwrapStatusName(key.unwrap), QStringLiteral("provider-unavailable"));

    // And back to secretKey.v1.
    options.provider = QStringLiteral("secretKey.v1");
    auto back = model::runRewrapDataKeys(t, options, nullptr);
    QVERIFY2(back, back ? "" : qPrintable(back.error().message));
    QVERIFY(back->dataKeyFailures.isEmpty());
    QCOMPARE(back->dataKeysRewrapped, before.size());
    const QList<store::DataKeyRow> after = dataKeys(t);
    QCOMPARE(after.size(), before.size());
    for (qsizetype i = 0; i < after.size(); ++i) {
        QCOMPARE(after.at(i).id, before.at(i).id);
        QCOMPARE(after.at(i).provider, QStringLiteral("secretKey.v1"));
    }
    lines = test::verifyLines(plain, 2, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(lines == expected, qPrintable(test::describeDifference(expected, lines)));
}

void TestKmsRewrap::wrongPinWritesNothing()
{
    QString fixture;
    for (const QString& db : test::realFixtureDatabases())
        if (fixture.isEmpty() || QFileInfo(db).size() < QFileInfo(fixture).size())
            if (!dataKeys(test::targetFor(db, test::kDefaultSecretKey)).isEmpty())
                fixture = db;
    QVERIFY(!fixture.isEmpty());
    QTemporaryDir dir;
    const QString copy = test::copyFixture(fixture, dir.path());
    const QList<store::DataKeyRow> before
        = dataKeys(test::targetFor(copy, test::kDefaultSecretKey));

    const model::Target wrong = target(copy,
        writeConfig(
            dir.path(), QStringLiteral("wrong.ini"), QStringLiteral("secretKey.v1"), "0000"));
    model::RewrapDataKeysOptions options;
    options.provider = kHsm;
    auto failed = model::runRewrapDataKeys(wrong, options, nullptr);
    if (failed) {
        QVERIFY(!failed->dataKeyFailures.isEmpty() || failed->refused);
        QCOMPARE(failed->dataKeysRewrapped, 0);
    } else {
        QVERIFY2(failed.error().message.contains(QStringLiteral("wrong PIN")),
            qPrintable(failed.error().message));
        QVERIFY(!failed.error().message.contains(QStringLiteral("0000")));
    }
    const QList<store::DataKeyRow> unchanged = dataKeys(wrong);
    QCOMPARE(unchanged.size(), before.size());
    for (qsizetype i = 0; i < before.size(); ++i) {
        QCOMPARE(unchanged.at(i).provider, before.at(i).provider);
        QCOMPARE(unchanged.at(i).encryptedData, before.at(i).encryptedData);
    }

    // A re-run with the right PIN finishes.
    const model::Target right = target(copy,
        writeConfig(dir.path(), QStringLiteral("right.ini"), QStringLiteral("secretKey.v1"),
            test::SoftHsm::kPin));
    auto done = model::runRewrapDataKeys(right, options, nullptr);
    QVERIFY2(done, done ? "" : qPrintable(done.error().message));
    QCOMPARE(done->dataKeysRewrapped, before.size());
    QString error;
    const QStringList lines = test::verifyLines(right, 2, &error);
    QVERIFY2(lines == test::expectedLines(fixture),
        qPrintable(test::describeDifference(test::expectedLines(fixture), lines)));
}

// mosaicoo-keys-cli re-encrypt-data-keys --provider pkcs11.hsm, then back with --provider
// secretKey.v1.
void TestKmsRewrap::cliProviderOption()
{
    const QString cli = qEnvironmentVariable("MK_CLI");
    if (cli.isEmpty() || !QFileInfo::exists(cli))
        QSKIP("MK_CLI not set (run through ctest)");
    QString fixture;
    for (const QString& db : test::realFixtureDatabases())
        if (!dataKeys(test::targetFor(db, test::kDefaultSecretKey)).isEmpty()
            && (fixture.isEmpty() || QFileInfo(db).size() < QFileInfo(fixture).size()))
            fixture = db;
    QTemporaryDir dir;
    const QString copy = test::copyFixture(fixture, dir.path());
    const QString ini = writeConfig(dir.path(), QStringLiteral("grafana.ini"),
        QStringLiteral("secretKey.v1"), test::SoftHsm::kPin);
    for (const QString& provider : {kHsm, QStringLiteral("secretKey.v1")}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(
            QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromLatin1(test::kDefaultSecretKey));
        env.insert(QStringLiteral("SOFTHSM2_CONF"), m_hsm.configFile());
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(cli,
            {QStringLiteral("re-encrypt-data-keys"), QStringLiteral("--db"), copy,
                QStringLiteral("--config"), ini, QStringLiteral("--provider"), provider});
        QVERIFY(p.waitForFinished(120'000));
        const QString output = QString::fromUtf8(p.readAll());
        QVERIFY2(p.exitCode() == 0, qPrintable(output));
        QVERIFY2(
            !output.contains(QString::fromLatin1(test::SoftHsm::kPin)), "the CLI printed the PIN");
        for (const store::DataKeyRow& key :
            dataKeys(test::targetFor(copy, test::kDefaultSecretKey)))
            QCOMPARE(key.provider, provider);
    }
    QString error;
    const QStringList lines
        = test::verifyLines(test::targetFor(copy, test::kDefaultSecretKey), 2, &error);
    QVERIFY2(lines == test::expectedLines(fixture), qPrintable(error));
}

// A key made the usual way, `pkcs11-tool --keygen --key-type AES:32` without --private: a public,
// non-sensitive but non-extractable object. It works (its value never leaves the token), with a
// warning that it is usable without the PIN; every data key moves into the HSM and decrypts.
void TestKmsRewrap::keyMadeByPkcs11Tool()
{
    const QString cli = qEnvironmentVariable("MK_CLI");
    if (cli.isEmpty() || !QFileInfo::exists(cli))
        QSKIP("MK_CLI not set (run through ctest)");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromLatin1(test::kDefaultSecretKey));
    env.insert(QStringLiteral("SOFTHSM2_CONF"), m_hsm.configFile());
    QProcess tool;
    tool.setProcessEnvironment(env);
    tool.setProcessChannelMode(QProcess::MergedChannels);
    tool.start(QStringLiteral("pkcs11-tool"),
        {QStringLiteral("--module"), QString::fromLatin1(test::SoftHsm::kModule), QStringLiteral("--token-label"),
            kToken, QStringLiteral("--login"), QStringLiteral("--pin"), QString::fromLatin1(test::SoftHsm::kPin),
            QStringLiteral("--keygen"), QStringLiteral("--key-type"), QStringLiteral("AES:32"),
            QStringLiteral("--label"), QStringLiteral("tool-kek")});
    QVERIFY2(tool.waitForStarted(10'000), "pkcs11-tool (package opensc) is not installed: run cmake/dev.sh");
    QVERIFY(tool.waitForFinished(60'000));
    QVERIFY2(tool.exitCode() == 0, tool.readAll().constData());

    const QString fixture = test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db");
    QTemporaryDir dir;
    const QString copy = test::copyFixture(fixture, dir.path());
    const QString ini = writeConfig(dir.path(), QStringLiteral("grafana.ini"), QStringLiteral("secretKey.v1"),
        test::SoftHsm::kPin, QStringLiteral("tool-kek"));
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(cli,
        {QStringLiteral("re-encrypt-data-keys"), QStringLiteral("--db"), copy, QStringLiteral("--config"), ini,
            QStringLiteral("--provider"), kHsm});
    QVERIFY(p.waitForFinished(120'000));
    const QString output = QString::fromUtf8(p.readAll());
    QVERIFY2(p.exitCode() == 0, qPrintable(output));
    QVERIFY2(output.contains(QLatin1String("public token object (CKA_PRIVATE=false)")), qPrintable(output));
    QVERIFY(!output.contains(QLatin1String("did not round-trip")));
    for (const store::DataKeyRow& key : dataKeys(test::targetFor(copy, test::kDefaultSecretKey)))
        QCOMPARE(key.provider, kHsm);
    QString error;
    const QStringList lines = test::verifyLines(target(copy, ini), 2, &error);
    QVERIFY2(lines == test::expectedLines(fixture), qPrintable(test::describeDifference(test::expectedLines(fixture), lines)));
}

QTEST_GUILESS_MAIN(TestKmsRewrap)
#include "TestKmsRewrap.moc"
