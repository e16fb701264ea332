// Item models on real fixtures: paging, filtering and sorting over the whole index, model tester.
#include "model/ActivityLog.h"
#include "model/Target.h"
#include "model/items/ActivityLogModel.h"
#include "model/items/DataKeysTableModel.h"
#include "model/items/SecretQuery.h"
#include "model/items/SecretsTableModel.h"
#include "model/ops/CensusJob.h"
#include "tests/gui/GuiTestSupport.h"
#include "tests/support/TestData.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mk::model;

class TestModels : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void secretsModelPagesEveryValue();
    void secretsModelFiltersOverTheWholeIndex();
    void secretsModelSortsOverTheWholeIndex();
    void secretsModelAppliesOutcomes();
    void dataKeysModelShowsUnusedAndMissing();
    void activityLogRoundTripWithoutValues();

private:
    Target targetFor(const QString& fixture);
    bool waitComplete(SecretsTableModel& model);
    void fetchAll(SecretsTableModel& model);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestModels::initTestCase()
{
    mk::test::isolateApplication(QStringLiteral("test_gui_models"));
}

void TestModels::init()
{
    mk::test::failOnThreadingWarnings();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

Target TestModels::targetFor(const QString& fixture)
{
    OpenRequest request;
    request.dbUrl = mk::test::copyFixture(mk::test::syntheticFixturesDir() + QLatin1Char('/') + fixture,
                                          m_dir->path());
    request.environment = QProcessEnvironment();
    auto target = resolveTarget(request);
    if (!target)
        qFatal("resolveTarget failed: %s", qPrintable(target.error().message));
    return *target;
}

bool TestModels::waitComplete(SecretsTableModel& model)
{
    if (model.isComplete() && !model.isLoading())
        return true;
    QSignalSpy spy(&model, &SecretsTableModel::countChanged);
    for (int i = 0; i < 200 && !(model.isComplete()); ++i) {
        if (!spy.wait(10'000))
            return false;
    }
    return model.isComplete();
}

void TestModels::fetchAll(SecretsTableModel& model)
{
    while (model.rowCount() < model.totalCount()) {
        const int before = model.rowCount();
        if (model.canFetchMore({}))
            model.fetchMore({});
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() > before || model.canFetchMore({}), 10'000);
    }
}

void TestModels::secretsModelPagesEveryValue()
{
    SecretsTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    tester.setUseFetchMore(true);
    QSignalSpy completed(&model, &SecretsTableModel::indexCompleted);
    model.load(targetFor(QStringLiteral("mixed-default-key.db")));
    QVERIFY(completed.wait(30'000));
    QVERIFY(waitComplete(model));
    QCOMPARE(model.totalCount(), 300);
    QCOMPARE(completed.first().at(0).toLongLong(), 300);
    QVERIFY(model.rowCount() <= SecretsTableModel::kPageSize);
    fetchAll(model);
    QCOMPARE(model.rowCount(), 300);
    QVERIFY(!model.canFetchMore({}));
    // Not checked until a verify runs; no structural problems in this fixture.
    for (int r = 0; r < model.rowCount(); ++r)
        QCOMPARE(model.index(r, 0).data(SecretsTableModel::StatusRole).toInt(), int(SecretStatus::NotChecked));
    QCOMPARE(model.index(0, SecretsTableModel::Status).data().toString(), QStringLiteral("not checked"));
}

void TestModels::secretsModelFiltersOverTheWholeIndex()
{
    SecretsTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy completed(&model, &SecretsTableModel::indexCompleted);
    model.load(targetFor(QStringLiteral("mixed-default-key.db")));
    QVERIFY(completed.wait(30'000));

    SecretQuery query;
    query.location = QStringLiteral("data_source.secure_json_data");
    model.setQuery(query);
    QVERIFY(waitComplete(model));
    QCOMPARE(model.totalCount(), 64);
    fetchAll(model);
    for (int r = 0; r < model.rowCount(); ++r)
        QCOMPARE(model.index(r, SecretsTableModel::Location).data().toString(), query.location);

    query = {};
    query.location = QStringLiteral("user_auth.o_auth_access_token");
    query.text = QStringLiteral("o_auth");
    model.setQuery(query);
    QVERIFY(waitComplete(model));
    QVERIFY(model.totalCount() > 0);
    QVERIFY(model.totalCount() < 47);

    query = {};
    query.format = formatToken(ValueFormat::LegacyGcm);
    model.setQuery(query);
    QVERIFY(waitComplete(model));
    QVERIFY(model.totalCount() > 20);
    fetchAll(model);
    for (int r = 0; r < model.rowCount(); ++r)
        QCOMPARE(model.index(r, SecretsTableModel::Format).data().toString(), formatLabel(ValueFormat::LegacyGcm));
}

void TestModels::secretsModelSortsOverTheWholeIndex()
{
    SecretsTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy completed(&model, &SecretsTableModel::indexCompleted);
    model.load(targetFor(QStringLiteral("mixed-default-key.db")));
    QVERIFY(completed.wait(30'000));
    model.sort(SecretsTableModel::Location, Qt::DescendingOrder);
    QVERIFY(waitComplete(model));
    fetchAll(model);
    QCOMPARE(model.rowCount(), 300);
    for (int r = 1; r < model.rowCount(); ++r) {
        const QString a = model.index(r - 1, SecretsTableModel::Location).data().toString();
        const QString b = model.index(r, SecretsTableModel::Location).data().toString();
        QVERIFY2(QString::compare(a, b, Qt::CaseInsensitive) >= 0, qPrintable(a + QLatin1String(" < ") + b));
    }
    model.sort(-1);
    QVERIFY(waitComplete(model));
    QCOMPARE(model.totalCount(), 300);
}

void TestModels::secretsModelAppliesOutcomes()
{
    SecretsTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy completed(&model, &SecretsTableModel::indexCompleted);
    model.load(targetFor(QStringLiteral("mixed-default-key.db")));
    QVERIFY(completed.wait(30'000));
    QVERIFY(model.rowCount() > 0);
    const std::optional<SecretRow> first = model.rowAt(0);
    QVERIFY(first);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    ValueOutcome outcome;
    outcome.locationIndex = first->locationIndex;
    outcome.rowId = first->rowId;
    outcome.field = first->field;
    outcome.failure = FailureReason::AuthenticationFailed;
    model.applyOutcomes({outcome});
    QCOMPARE(changed.size(), 1);
    QVERIFY(changed.first().at(2).value<QList<int>>().contains(SecretsTableModel::FailedRole));
    QCOMPARE(model.index(0, 0).data(SecretsTableModel::FailedRole).toBool(), true);
    QVERIFY(model.index(0, 0).data(Qt::BackgroundRole).isValid());
    QVERIFY(!model.index(0, SecretsTableModel::Status).data(Qt::DecorationRole).value<QIcon>().isNull());

    // The worker knows the status too: the status filter sees it.
    SecretQuery query;
    query.status = QString::fromLatin1(kStatusFailed);
    model.setQuery(query);
    QVERIFY(waitComplete(model));
    QCOMPARE(model.totalCount(), 1);
}

void TestModels::dataKeysModelShowsUnusedAndMissing()
{
    CallbackJobContext context;
    const auto census = runCensus(targetFor(QStringLiteral("mixed-default-key.db")), &context);
    QVERIFY2(census, census ? "" : qPrintable(census.error().message));
    DataKeysTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDataKeys(census->dataKeys);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.unusedCount(), 1);
    int unusedRow = -1;
    for (int r = 0; r < model.rowCount(); ++r) {
        if (model.kindAt(r) == DataKeysTableModel::Kind::Unused)
            unusedRow = r;
    }
    QVERIFY(unusedRow >= 0);
    QCOMPARE(model.index(unusedRow, DataKeysTableModel::Label).data().toString(),
             QStringLiteral("2024-11-20/root@secretKey.v1"));
    QVERIFY(model.index(unusedRow, 0).data(Qt::BackgroundRole).isValid());
    QCOMPARE(model.rowForId(model.idAt(2)), 2);

    model.setMissingKeys({{QStringLiteral("gone"), 3}});
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(model.kindAt(5), DataKeysTableModel::Kind::Missing);
    QCOMPARE(model.index(5, DataKeysTableModel::References).data().toLongLong(), 3);
    model.setMissingKeys({});
    QCOMPARE(model.rowCount(), 5);
}

void TestModels::activityLogRoundTripWithoutValues()
{
    const QString path = m_dir->filePath(QStringLiteral("sub/activity.jsonl"));
    ActivityLog log(path);
    ActivityEntry entry;
    entry.when = QDateTime::currentDateTimeUtc();
    entry.operation = QStringLiteral("verify");
    entry.database = QStringLiteral("grafana.db");
    entry.outcome = QStringLiteral("ok");
    entry.counts.insert(QStringLiteral("checked"), 300);
    entry.counts.insert(QStringLiteral("sneaky"), QStringLiteral("a plaintext")); // not a number: dropped
    QVERIFY(log.append(entry));
    QVERIFY(log.append(entry));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QCOMPARE(bytes.count('\n'), 2);
    QVERIFY(!bytes.contains("a plaintext"));

    const QList<ActivityEntry> entries = log.read();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.first().operation, QStringLiteral("verify"));
    QCOMPARE(entries.first().counts.value(QStringLiteral("checked")).toInt(), 300);

    ActivityLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEntries(entries);
    QCOMPARE(model.rowCount(), 2);
    model.prepend(entry);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, ActivityLogModel::Counts).data().toString(), QStringLiteral("checked 300"));
    // The file itself never held the string (toJson drops non-numbers).
}

QTEST_MAIN(TestModels)
#include "TestModels.moc"
