// The command-line contract of product.md §4: JSON shapes on stdout, exit codes, secret key rules.
#include "tests/support/TestData.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList& args, const QByteArray& input = {},
           const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("MK_CLI"), args);
    if (!process.waitForStarted(10'000))
        return {};
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(300'000);
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

QJsonObject parseSingleObject(const QByteArray& out)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return {};
    return doc.object();
}

QString fixture(const char* name)
{
    return test::syntheticFixturesDir() + QLatin1Char('/') + QLatin1String(name);
}

} // namespace

class TestCliContract : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set"); }
    void statusJsonShape();
    void verifyExitCodes();
    void secretKeyNeverOnArgv();
    void secretKeyFromFileAndEnvironment();
    void connectionErrorsExitTwo();
    void encryptDecryptRoundTrip();
};

void TestCliContract::statusJsonShape()
{
    const Run run = runCli({QStringLiteral("--db"), fixture("mixed-default-key.db"), QStringLiteral("status"),
                            QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject status = parseSingleObject(run.out);
    QVERIFY2(!status.isEmpty(), run.out.left(200).constData());
    QCOMPARE(status[QStringLiteral("database")][QStringLiteral("driver")].toString(), QStringLiteral("sqlite"));
    QCOMPARE(status[QStringLiteral("config")][QStringLiteral("defaultSecretKey")].toBool(), true);
    QCOMPARE(status[QStringLiteral("config")][QStringLiteral("encryptionProvider")].toString(),
             QStringLiteral("secretKey.v1"));
    QCOMPARE(status[QStringLiteral("config")][QStringLiteral("dataKeysCacheTtlSeconds")].toInt(), 900);
    QCOMPARE(status[QStringLiteral("totals")][QStringLiteral("values")].toInt(), 300);
    const QJsonArray keys = status[QStringLiteral("dataKeys")].toArray();
    QCOMPARE(keys.size(), 5);
    for (const QString& field : {QStringLiteral("id"), QStringLiteral("label"), QStringLiteral("provider"),
                                 QStringLiteral("scope"), QStringLiteral("active"), QStringLiteral("created"),
                                 QStringLiteral("updated"), QStringLiteral("references"),
                                 QStringLiteral("unwrap")})
        QVERIFY2(keys.first().toObject().contains(field), qPrintable(field));
    const QJsonArray locations = status[QStringLiteral("locations")].toArray();
    QVERIFY(locations.size() >= 18);
    for (const QString& field :
         {QStringLiteral("table"), QStringLiteral("column"), QStringLiteral("present"), QStringLiteral("rows"),
          QStringLiteral("values"), QStringLiteral("empty"), QStringLiteral("legacy"), QStringLiteral("envelope"),
          QStringLiteral("aesCfb"), QStringLiteral("aesGcm"), QStringLiteral("orphaned"), QStringLiteral("malformed")})
        QVERIFY2(locations.first().toObject().contains(field), qPrintable(field));
    QVERIFY2(run.err.contains("public default"), "the public default key must be warned about on stderr");
}

void TestCliContract::verifyExitCodes()
{
    const Run ok = runCli({QStringLiteral("--db"), fixture("mixed-default-key.db"), QStringLiteral("verify"),
                           QStringLiteral("--json"), QStringLiteral("--jobs"), QStringLiteral("2")});
    QCOMPARE(ok.exitCode, 0);
    const QJsonObject good = parseSingleObject(ok.out);
    QCOMPARE(good[QStringLiteral("checked")].toInt(), 300);
    QCOMPARE(good[QStringLiteral("failed")].toInt(), 0);

    const Run broken = runCli({QStringLiteral("--db"), fixture("broken.db"), QStringLiteral("verify"),
                               QStringLiteral("--json")});
    QCOMPARE(broken.exitCode, 1);
    const QJsonObject bad = parseSingleObject(broken.out);
    QCOMPARE(bad[QStringLiteral("failed")].toInt(), 7);
    const QJsonArray failures = bad[QStringLiteral("failures")].toArray();
    QCOMPARE(failures.size(), 7);
    const QStringList allowed{QStringLiteral("missing-data-key"), QStringLiteral("data-key-unwrap-failed"),
                              QStringLiteral("bad-encoding"), QStringLiteral("bad-payload"),
                              QStringLiteral("authentication-failed"), QStringLiteral("implausible-plaintext"),
                              QStringLiteral("unsupported-algorithm"), QStringLiteral("provider-unavailable")};
    for (const auto& f : failures) {
        const QJsonObject failure = f.toObject();
        QVERIFY(allowed.contains(failure[QStringLiteral("reason")].toString()));
        QVERIFY(!failure[QStringLiteral("table")].toString().isEmpty());
        QVERIFY(!failure[QStringLiteral("rowId")].toString().isEmpty());
        QVERIFY(!failure[QStringLiteral("field")].toString().isEmpty());
    }
}

void TestCliContract::secretKeyNeverOnArgv()
{
    const Run run = runCli({QStringLiteral("--db"), fixture("custom-key.db"), QStringLiteral("--secret-key"),
                            QString::fromUtf8(test::kCustomSecretKey), QStringLiteral("status")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("--secret-key-file"));
}

void TestCliContract::secretKeyFromFileAndEnvironment()
{
    QTemporaryDir dir;
    QFile keyFile(dir.filePath(QStringLiteral("secret.key")));
    QVERIFY(keyFile.open(QIODevice::WriteOnly));
    keyFile.write(QByteArray(test::kCustomSecretKey) + "\n");
    keyFile.close();
    const Run fromFile = runCli({QStringLiteral("--db"), fixture("custom-key.db"), QStringLiteral("--secret-key-file"),
                                 keyFile.fileName(), QStringLiteral("verify"), QStringLiteral("--json")});
    QCOMPARE(fromFile.exitCode, 0);
    QCOMPARE(parseSingleObject(fromFile.out)[QStringLiteral("ok")].toInt(), 200);

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromUtf8(test::kCustomSecretKey));
    const Run fromEnv = runCli({QStringLiteral("--db"), fixture("custom-key.db"), QStringLiteral("verify"),
                                QStringLiteral("--json")},
                               {}, env);
    QCOMPARE(fromEnv.exitCode, 0);

    const Run wrongKey = runCli({QStringLiteral("--db"), fixture("custom-key.db"), QStringLiteral("verify"),
                                 QStringLiteral("--json")});
    QCOMPARE(wrongKey.exitCode, 1);
    QCOMPARE(parseSingleObject(wrongKey.out)[QStringLiteral("failed")].toInt(), 199);
}

void TestCliContract::connectionErrorsExitTwo()
{
    QTemporaryDir dir;
    const Run missing = runCli({QStringLiteral("--db"), dir.filePath(QStringLiteral("nope.db")), QStringLiteral("status")});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY(missing.err.contains("nope.db"));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("nope.db"))));

    const Run refused = runCli({QStringLiteral("--db"), QStringLiteral("postgres://u:p@127.0.0.1:1/x?sslmode=disable"),
                                QStringLiteral("status")});
    QCOMPARE(refused.exitCode, 2);

    const Run usage = runCli({QStringLiteral("frobnicate")});
    QCOMPARE(usage.exitCode, 2);
    const Run noDb = runCli({QStringLiteral("status")});
    QCOMPARE(noDb.exitCode, 2);
}

void TestCliContract::encryptDecryptRoundTrip()
{
    // explicit payload tools: a legacy value encrypted and decrypted with the secret key
    const QByteArray plaintext("pässwörd with spaces");
    for (const QString& algorithm : {QStringLiteral("aes-cfb"), QStringLiteral("aes-gcm")}) {
        const Run enc = runCli({QStringLiteral("encrypt"), QStringLiteral("--algorithm"), algorithm}, plaintext);
        QCOMPARE(enc.exitCode, 0);
        QVERIFY(!enc.out.contains(plaintext));
        const Run dec = runCli({QStringLiteral("decrypt")}, enc.out);
        QCOMPARE(dec.exitCode, 0);
        QCOMPARE(dec.out, plaintext);
    }
    // the §1.11 V1 vector, as it appears in secure_json_data
    const Run v1 = runCli({QStringLiteral("decrypt"), QStringLiteral("--encoding"), QStringLiteral("std")},
                          "KllXVnpMV05tWWcqYWJjZGVmZ2gAAQIDBAUGBwgJCgsMDQ4PwBVVAgyRKWM=");
    QCOMPARE(v1.exitCode, 0);
    QCOMPARE(v1.out, QByteArray("password"));
    // an envelope value without --db cannot find its data key: a clear error, exit 1
    const Run envelope = runCli({QStringLiteral("decrypt"), QStringLiteral("--encoding"), QStringLiteral("bytes")},
                                "#eGtkOGYzbTJxMGFiY2Q#*YWVzLWNmYg*12345678aaaaaaaaaaaaaaaabbbbbb");
    QCOMPARE(envelope.exitCode, 1);
    QVERIFY(envelope.err.contains("--db"));
}

QTEST_GUILESS_MAIN(TestCliContract)
#include "TestCliContract.moc"
