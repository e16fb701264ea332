// The demo database the GUI opens out of the box: every format, one orphan, one tampered value.
#include "model/ops/CensusJob.h"
#include "model/ops/DemoDatabase.h"
#include "model/ops/VerifyJob.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

class TestDemoDatabase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demoShowsEveryFormatAndTwoProblems();
    void refusesToOverwrite();
};

void TestDemoDatabase::demoShowsEveryFormatAndTwoProblems()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("demo.db"));
    const auto demo = model::createDemoDatabase(path);
    QVERIFY2(demo.has_value(), demo ? "" : qPrintable(demo.error().message));
    QCOMPARE(QFile::permissions(path) & (QFile::ReadOther | QFile::WriteOther | QFile::ReadGroup),
             QFileDevice::Permissions());

    const model::Target target = test::targetFor(path, QByteArray("SW2YcwTIb9zpOOhoPsMm"));
    const auto census = model::runCensus(target, nullptr);
    QVERIFY(census.has_value());
    QCOMPARE(census->totals.values, demo->values);
    QCOMPARE(census->dataKeys.size(), 3);
    QCOMPARE(census->totals.unusedDataKeys, 1);
    QCOMPARE(census->totals.orphaned, 1);
    QStringList formats;
    for (const auto& pair : census->valuesPerFormat)
        formats << pair.first;
    for (const QString& format : {QStringLiteral("legacy-cfb"), QStringLiteral("legacy-cfb-prefixed"),
                                  QStringLiteral("legacy-gcm"), QStringLiteral("envelope-cfb-prefixed"),
                                  QStringLiteral("envelope-gcm")})
        QVERIFY2(formats.contains(format), qPrintable(format));

    const auto verify = model::runVerify(target, {}, nullptr);
    QVERIFY(verify.has_value());
    QCOMPARE(verify->failed, 2);
    QStringList reasons;
    for (const model::ValueFailure& f : verify->failures)
        reasons << model::reasonName(f.reason);
    reasons.sort();
    QCOMPARE(reasons, (QStringList{QStringLiteral("authentication-failed"), QStringLiteral("missing-data-key")}));
}

void TestDemoDatabase::refusesToOverwrite()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("existing.db"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("keep me");
    file.close();
    const auto demo = model::createDemoDatabase(path);
    QVERIFY(!demo.has_value());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("keep me"));
}

QTEST_GUILESS_MAIN(TestDemoDatabase)
#include "TestDemoDatabase.moc"
