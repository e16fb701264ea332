// Every fixture database: schema detection, expansion of every cell of every location against
// MANIFEST.tsv counts and the key part of the expected files, and byte-exact write-back round trips.

#include "model/store/Base64Flavour.h"
#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/DataKeyRow.h"
#include "model/store/Database.h"
#include "model/store/SchemaInfo.h"
#include "model/store/SecretLocation.h"
#include "tests/support/TestData.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QTest>

using namespace mk::store;

namespace {

struct Scan
{
    QHash<QString, int> valuesPerLocation; // location key -> values
    QStringList keys;                      // table \t rowId \t field (expected-file locations only)
    QStringList problemKeys;               // ... \t FAIL:bad_json / FAIL:bad_base64
    int cells = 0;
    int roundTrips = 0;
    QStringList roundTripFailures;
};

QByteArray fileSha256(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

bool inExpectedFiles(const SecretLocation& l)
{
    return l.table != QLatin1String("cache_data") && l.table != QLatin1String("alert_configuration_history");
}

Scan scanDatabase(Database& db, int pageSize)
{
    Scan s;
    for (const SecretLocation& l : secretLocations()) {
        QString after;
        for (;;) {
            auto page = readCells(db, l, after, pageSize);
            if (!page) {
                qWarning() << "readCells failed" << l.key << page.error().detail;
                s.roundTripFailures << QStringLiteral("read failed ") + l.key;
                break;
            }
            if (page->isEmpty())
                break;
            for (const Cell& c : *page) {
                ++s.cells;
                const CellExpansion ex = expandCell(l, c.raw, c.isNull);
                s.valuesPerLocation[l.key] += int(ex.values.size());
                QList<std::pair<QString, QByteArray>> same;
                for (const CellValue& v : ex.values) {
                    if (inExpectedFiles(l))
                        s.keys << l.table + QLatin1Char('\t') + c.rowId + QLatin1Char('\t') + v.field;
                    same.append({v.field, v.payload});
                    // The recorded flavour re-encodes to exactly the stored text.
                    const QByteArray stored = c.raw.mid(v.spanStart, v.spanLength);
                    const QByteArray encoded = v.encodingUsed == SecretLocation::Encoding::RawBytes
                                                   ? v.payload
                                                   : Base64Flavour::encode(v.payload, v.padded);
                    if (stored != encoded)
                        s.roundTripFailures << QStringLiteral("span %1 %2 %3").arg(l.key, c.rowId, v.field);
                }
                for (const CellProblem& p : ex.problems) {
                    const QString cls = p.kind == CellProblem::BadJson ? QStringLiteral("FAIL:bad_json")
                                                                       : QStringLiteral("FAIL:bad_base64");
                    const QString key = l.table + QLatin1Char('\t') + c.rowId + QLatin1Char('\t') + p.field;
                    s.keys << key;
                    s.problemKeys << key + QLatin1Char('\t') + cls;
                }
                if (!ex.values.isEmpty()) {
                    ++s.roundTrips;
                    if (replaceValues(l, c.raw, same) != c.raw)
                        s.roundTripFailures << QStringLiteral("replace %1 %2").arg(l.key, c.rowId);
                }
            }
            after = page->last().rowId;
        }
    }
    s.keys.sort();
    s.problemKeys.sort();
    return s;
}

QStringList keyPart(const QStringList& lines)
{
    QStringList out;
    for (const QString& line : lines)
        out << line.section(QLatin1Char('\t'), 0, 2);
    out.sort();
    return out;
}

} // namespace

class TestStoreFixtures : public QObject
{
    Q_OBJECT

private slots:
    void realDatabases_data();
    void realDatabases();
    void syntheticDatabases_data();
    void syntheticDatabases();
    void brokenProblems();
    void paginationIsStable();
};

void TestStoreFixtures::realDatabases_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("manifest");
    QTest::addColumn<QStringList>("header");
    QFile f(mk::test::realFixturesDir() + QStringLiteral("/MANIFEST.tsv"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    const QStringList header = QString::fromUtf8(lines.first()).split(QLatin1Char('\t'));
    int rows = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines.at(i).isEmpty())
            continue;
        const QStringList cols = QString::fromUtf8(lines.at(i)).split(QLatin1Char('\t'));
        const QString path = mk::test::realFixturesDir() + QLatin1Char('/') + cols.at(0);
        QTest::newRow(qPrintable(cols.at(0).left(40))) << path << cols << header;
        ++rows;
    }
    QCOMPARE(rows, 30);
    QCOMPARE(mk::test::realFixtureDatabases().size(), 30);
}

void TestStoreFixtures::realDatabases()
{
    QFETCH(QString, path);
    QFETCH(QStringList, manifest);
    QFETCH(QStringList, header);
    auto column = [&](const char* name) { return manifest.at(header.indexOf(QLatin1String(name))).toInt(); };
    const QByteArray shaBefore = fileSha256(path);
    QCOMPARE(shaBefore, manifest.at(header.indexOf(QLatin1String("sha256"))).toLatin1());

    auto spec = ConnectionSpec::fromUrl(QStringLiteral("sqlite:") + path);
    QVERIFY(spec);
    QVERIFY(spec->readOnly);
    auto db = Database::open(*spec);
    QVERIFY2(db, qPrintable(db ? QString() : db.error().detail));
    auto schema = detectSchema(*db);
    QVERIFY(schema);
    QVERIFY(schema->hasDataKeys);
    QVERIFY(schema->dataKeysHasLabel);
    QCOMPARE(schema->dataKeysKeyColumn, QStringLiteral("name"));
    QVERIFY(schema->migrationLogRows > 400);
    QVERIFY(!schema->schemaEra.isEmpty());

    auto keys = loadDataKeys(*db);
    QVERIFY(keys);
    QCOMPARE(int(keys->size()), column("data_keys"));
    for (const DataKeyRow& k : *keys) {
        QVERIFY(k.encryptedData.size() == 40 || k.encryptedData.size() == 52);
        QVERIFY(!k.id.isEmpty());
        QVERIFY(k.provider.startsWith(QLatin1String("secretKey")));
    }

    const Scan s = scanDatabase(*db, 7);
    QVERIFY2(s.roundTripFailures.isEmpty(), qPrintable(s.roundTripFailures.join(QLatin1Char('\n'))));
    auto sum = [&](const QString& table) {
        int n = 0;
        for (const SecretLocation& l : secretLocations()) {
            if (l.table == table)
                n += s.valuesPerLocation.value(l.key);
        }
        return n;
    };
    for (const char* name : {"data_source", "plugin_setting", "secrets", "user_auth", "user_external_session",
                             "signing_key", "sso_setting", "alert_configuration", "alert_configuration_history",
                             "dashboard_snapshot", "cache_data", "alert_notification"}) {
        if (sum(QLatin1String(name)) != column(name))
            QFAIL(qPrintable(QStringLiteral("%1: %2 values, MANIFEST says %3")
                                 .arg(QLatin1String(name))
                                 .arg(sum(QLatin1String(name)))
                                 .arg(column(name))));
    }
    QVERIFY(s.problemKeys.isEmpty());
    QCOMPARE(s.keys, keyPart(mk::test::expectedLines(path)));

    // Reading changed nothing.
    QCOMPARE(fileSha256(path), shaBefore);
    QVERIFY(!QFileInfo::exists(path + QStringLiteral("-wal")));
}

void TestStoreFixtures::syntheticDatabases_data()
{
    QTest::addColumn<QString>("path");
    for (const QString& p : mk::test::syntheticFixtureDatabases())
        QTest::newRow(qPrintable(QFileInfo(p).fileName())) << p;
    QCOMPARE(mk::test::syntheticFixtureDatabases().size(), 4);
}

void TestStoreFixtures::syntheticDatabases()
{
    QFETCH(QString, path);
    auto db = Database::open(*ConnectionSpec::fromUrl(path));
    QVERIFY(db);
    auto schema = detectSchema(*db);
    QVERIFY(schema);
    auto keys = loadDataKeys(*db);
    QVERIFY(keys);
    QVERIFY(keys->size() >= 5);
    const Scan s = scanDatabase(*db, 500);
    QVERIFY2(s.roundTripFailures.isEmpty(), qPrintable(s.roundTripFailures.join(QLatin1Char('\n'))));
    const QStringList expected = mk::test::expectedLines(path);
    QCOMPARE(s.keys.size(), expected.size());
    QCOMPARE(s.keys, keyPart(expected));
    // Expected-file lines that come from the store (bad_json / bad_base64) match our problems.
    QStringList storeFailures;
    for (const QString& line : expected) {
        if (line.endsWith(QLatin1String("FAIL:bad_json")) || line.endsWith(QLatin1String("FAIL:bad_base64")))
            storeFailures << line;
    }
    storeFailures.sort();
    QCOMPARE(s.problemKeys, storeFailures);
}

void TestStoreFixtures::brokenProblems()
{
    const QString path = mk::test::syntheticFixturesDir() + QStringLiteral("/broken.db");
    auto db = Database::open(*ConnectionSpec::fromUrl(path));
    QVERIFY(db);
    const Scan s = scanDatabase(*db, 3);
    QCOMPARE(s.problemKeys,
             QStringList({QStringLiteral("data_source\t13\tsecure_json_data\tFAIL:bad_json"),
                          QStringLiteral("plugin_setting\t7\ttoken\tFAIL:bad_base64")}));
    // The sibling field of the bad base64 value is still a value.
    QVERIFY(s.keys.contains(QStringLiteral("plugin_setting\t7\tapiKey")));
}

void TestStoreFixtures::paginationIsStable()
{
    const QString path = mk::test::syntheticFixturesDir() + QStringLiteral("/large-20k.db");
    auto db = Database::open(*ConnectionSpec::fromUrl(path));
    QVERIFY(db);
    const SecretLocation* ds = findSecretLocation(QStringLiteral("data_source.secure_json_data"));
    QVERIFY(ds);
    auto total = countRows(*db, *ds);
    QVERIFY(total);
    QCOMPARE(*total, qint64(4615));
    qint64 seen = 0;
    qint64 last = -1;
    QString after;
    for (;;) {
        auto page = readCells(*db, *ds, after, 1000);
        QVERIFY(page);
        if (page->isEmpty())
            break;
        for (const Cell& c : *page) {
            QVERIFY(c.rowId.toLongLong() > last); // numeric, not text, ordering
            last = c.rowId.toLongLong();
            ++seen;
        }
        after = page->last().rowId;
    }
    QCOMPARE(seen, *total);
}

QTEST_GUILESS_MAIN(TestStoreFixtures)
#include "TestStoreFixtures.moc"
