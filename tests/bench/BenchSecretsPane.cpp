// The secrets pane on a database with a million encrypted values (product.md §5): first page in
// under a second, memory under 300 MB, and the GUI thread never stalled for more than 50 ms while
// the index is built, sorted and filtered. Builds the database once (cached in the build folder);
// payloads are well-formed envelope values (the pane classifies, it does not decrypt).
#include "crypto/Base64.h"
#include "crypto/DataKey.h"
#include "crypto/Envelope.h"
#include "crypto/Payload.h"
#include "crypto/SecretKeyProvider.h"
#include "model/items/SecretsTableModel.h"
#include "model/store/DemoSchema.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace mk;

namespace {

constexpr const char* kSecretKey = "SW2YcwTIb9zpOOhoPsMm";

// Resident and peak resident set size of this process in MB (/proc/self/status).
QPair<double, double> memoryMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    double rss = 0;
    double hwm = 0;
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n')) {
            const QList<QByteArray> parts = line.simplified().split(' ');
            if (parts.size() >= 2 && parts.first() == "VmRSS:")
                rss = parts.at(1).toDouble() / 1024.0;
            if (parts.size() >= 2 && parts.first() == "VmHWM:")
                hwm = parts.at(1).toDouble() / 1024.0;
        }
    }
    return {rss, hwm};
}

// Measures the longest gap between ticks of a 5 ms timer on the GUI thread.
class StallProbe : public QObject
{
public:
    StallProbe()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_maxGapNs = qMax(m_maxGapNs, now - m_last);
            m_last = now;
        });
    }
    void start()
    {
        m_maxGapNs = 0;
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    double stop()
    {
        m_timer.stop();
        return static_cast<double>(m_maxGapNs) / 1e6 - 5.0;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_maxGapNs = 0;
};

QString buildDatabase(int values)
{
    const QString path = QDir::current().absoluteFilePath(QStringLiteral("bench-%1-values.db").arg(values));
    if (QFile::exists(path))
        return path;
    const QString partial = path + QStringLiteral(".partial");
    QFile::remove(partial);
    auto db = store::createDemoSqliteDatabase(partial);
    if (!db)
        qFatal("cannot create %s: %s", qPrintable(partial), qPrintable(db.error().detail));

    const crypto::SecretBytes dek = crypto::generateDataKey();
    const crypto::SecretKeyProvider provider{crypto::SecretBytes(QByteArrayView(kSecretKey))};
    const QString keyId = QStringLiteral("benchkey000001");
    if (!db->begin())
        qFatal("begin failed");
    if (!store::insertDemoRow(*db, QStringLiteral("data_keys"),
                              {{QStringLiteral("name"), keyId},
                               {QStringLiteral("active"), 1},
                               {QStringLiteral("scope"), QStringLiteral("root")},
                               {QStringLiteral("provider"), QStringLiteral("secretKey.v1")},
                               {QStringLiteral("encrypted_data"), provider.wrap(dek.view()).value()},
                               {QStringLiteral("created"), QStringLiteral("2026-01-01 00:00:00")},
                               {QStringLiteral("updated"), QStringLiteral("2026-01-01 00:00:00")},
                               {QStringLiteral("label"), QStringLiteral("2026-01-01/root@secretKey.v1")}}))
        qFatal("data key insert failed");
    const QString envelope = QString::fromLatin1(crypto::base64::encodeStd(crypto::buildEnvelope(
        keyId.toUtf8(), crypto::encryptPayload("bench-password", dek.view()).value())));
    const QString legacy = QString::fromLatin1(
        crypto::base64::encodeStd(crypto::encryptPayload("bench-basic-auth", QByteArrayView(kSecretKey)).value()));
    const QString secure = QStringLiteral(R"({"basicAuthPassword":"%1","password":"%2"})").arg(legacy, envelope);

    const QStringList columns{QStringLiteral("id"), QStringLiteral("org_id"), QStringLiteral("version"),
                              QStringLiteral("type"), QStringLiteral("name"), QStringLiteral("access"),
                              QStringLiteral("url"), QStringLiteral("basic_auth"), QStringLiteral("is_default"),
                              QStringLiteral("created"), QStringLiteral("updated"),
                              QStringLiteral("secure_json_data"), QStringLiteral("uid")};
    const int rows = values / 2;
    QList<QVariantList> batch;
    for (int id = 1; id <= rows; ++id) {
        batch << QVariantList{id, 1, 1, QStringLiteral("prometheus"),
                              QStringLiteral("ds-%1").arg(id, 7, 10, QLatin1Char('0')), QStringLiteral("proxy"),
                              QStringLiteral("http://prom.example"), 0, 0, QStringLiteral("2026-01-01 00:00:00"),
                              QStringLiteral("2026-01-01 00:00:00"), secure, QStringLiteral("uid-%1").arg(id)};
        if (batch.size() == 10000 || id == rows) {
            if (!store::insertDemoRows(*db, QStringLiteral("data_source"), columns, batch))
                qFatal("insert failed");
            batch.clear();
        }
    }
    if (!db->commit())
        qFatal("commit failed");
    QFile::rename(partial, path);
    return path;
}

} // namespace

class BenchSecretsPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void millionValues();
};

void BenchSecretsPane::millionValues()
{
    const int values = qMax(1000, qEnvironmentVariableIntValue("MK_BENCH_VALUES"));
    QElapsedTimer build;
    build.start();
    const QString path = buildDatabase(values);
    qInfo("database: %s (%d values, ready in %.1f s)", qPrintable(path), values, build.elapsed() / 1000.0);

    model::OpenRequest request;
    request.dbUrl = path;
    request.environment = QProcessEnvironment();
    const auto target = model::resolveTarget(request);
    QVERIFY(target.has_value());

    const double baseMb = memoryMb().first;
    model::SecretsTableModel model;
    QTableView view;
    view.resize(1280, 720);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    StallProbe probe;
    QSignalSpy firstPage(&model, &model::SecretsTableModel::pageLoaded);
    QSignalSpy completed(&model, &model::SecretsTableModel::indexCompleted);
    QElapsedTimer timer;
    probe.start();
    timer.start();
    model.load(*target);
    QVERIFY(firstPage.wait(30'000));
    const double firstPageMs = timer.elapsed();
    qInfo("first page after %.0f ms", firstPageMs);
    QVERIFY(completed.count() > 0 || completed.wait(600'000));
    const double indexMs = timer.elapsed();
    qInfo("index complete after %.0f ms", indexMs);
    const double loadStallMs = probe.stop();
    QCOMPARE(model.totalCount(), values);
    const auto [rssMb, peakMb] = memoryMb();

    // Sorting and filtering over the whole index, off the GUI thread.
    QSignalSpy counted(&model, &model::SecretsTableModel::countChanged);
    auto completeAfter = [&counted](qsizetype from) {
        for (qsizetype i = from; i < counted.size(); ++i) {
            if (counted.at(i).at(1).toBool())
                return true;
        }
        return false;
    };
    probe.start();
    timer.restart();
    model.sort(model::SecretsTableModel::Owner, Qt::DescendingOrder);
    QTRY_VERIFY_WITH_TIMEOUT(completeAfter(0) && model.rowCount() > 0, 120'000);
    const double sortMs = timer.elapsed();
    const QString firstOwner = model.data(model.index(0, model::SecretsTableModel::Owner)).toString();
    qInfo("sorted after %.0f ms; first owner %s", sortMs, qPrintable(firstOwner));
    QCOMPARE(firstOwner, QStringLiteral("ds-%1").arg(values / 2, 7, 10, QLatin1Char('0')));
    model::SecretQuery query = model.query();
    query.text = QStringLiteral("ds-00001");
    const qsizetype before = counted.size();
    timer.restart();
    model.setQuery(query);
    QTRY_VERIFY_WITH_TIMEOUT(completeAfter(before), 120'000);
    const double filterMs = timer.elapsed();
    qInfo("filtered after %.0f ms: %d rows", filterMs, model.totalCount());
    QCOMPARE(model.totalCount(), 200); // ds-00001xx: 100 data sources with 2 values each
    const double queryStallMs = probe.stop();

    const QJsonObject report{
        {QStringLiteral("values"), values},
        {QStringLiteral("firstPageMs"), firstPageMs},
        {QStringLiteral("indexCompleteMs"), indexMs},
        {QStringLiteral("sortMs"), sortMs},
        {QStringLiteral("filterMs"), filterMs},
        {QStringLiteral("rssMb"), rssMb},
        {QStringLiteral("peakRssMb"), peakMb},
        {QStringLiteral("baseRssMb"), baseMb},
        {QStringLiteral("maxGuiStallLoadMs"), loadStallMs},
        {QStringLiteral("maxGuiStallSortFilterMs"), queryStallMs},
    };
    QFile out(QDir::current().absoluteFilePath(QStringLiteral("bench_secrets_pane.json")));
    if (out.open(QIODevice::WriteOnly))
        out.write(QJsonDocument(report).toJson());
    qInfo("%s", QJsonDocument(report).toJson(QJsonDocument::Compact).constData());

    // product.md §5 targets
    QVERIFY2(firstPageMs < 1000, qPrintable(QStringLiteral("first page after %1 ms").arg(firstPageMs)));
    QVERIFY2(peakMb < 300, qPrintable(QStringLiteral("peak RSS %1 MB").arg(peakMb)));
    QVERIFY2(loadStallMs < 50, qPrintable(QStringLiteral("GUI stalled %1 ms while loading").arg(loadStallMs)));
    QVERIFY2(queryStallMs < 50,
             qPrintable(QStringLiteral("GUI stalled %1 ms while sorting/filtering").arg(queryStallMs)));
}

QTEST_MAIN(BenchSecretsPane)
#include "BenchSecretsPane.moc"
