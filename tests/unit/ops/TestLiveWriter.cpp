// A live writer during the operations (issue #9): while mosaicoo-keys-cli runs re-encrypt, rotate,
// re-encrypt again and rollback on SQLite and on PostgreSQL, mk-live-writer (a second process that
// writes secrets the way the server does, tests/support/LiveWriter.cpp) keeps updating and
// inserting data sources and `secrets` rows. After each step: every value decrypts; every value
// the writer wrote decrypts to its LAST write; every other value to the fixture's digest; the
// values are in the operation's form unless the writer wrote them since the operation started;
// and the reported re-reads / conflicts / kept data keys agree with what the writer did.
// Engine-level cases pin the fixes this test found (re-read of changed rows, data keys created
// during a run, duplicate JSON keys).
#include "crypto/DataKey.h"
#include "crypto/Envelope.h"
#include "crypto/Payload.h"
#include "crypto/SecretKeyProvider.h"
#include "model/ops/KeyRing.h"
#include "model/ops/ReEncryptJob.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/Cell.h"
#include "model/store/DataKeyRow.h"
#include "model/store/Database.h"
#include "model/store/SchemaInfo.h"
#include "model/store/SecretLocation.h"
#include "tests/support/ServerFixtures.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace mk;

namespace {

// Rows of large-20k.db kept for the live test: 969 values, enough for an operation to
// run for seconds while the writer writes.
constexpr int kDataSourceRows = 250;
constexpr int kSecretRows = 250;
constexpr int kUserAuthRows = 100;

const QByteArray kKey(test::kDefaultSecretKey);

struct WriterEntry
{
    qint64 seq = 0;
    qint64 startMs = 0; // the write's transaction began
    qint64 endMs = 0;   // ... and was committed
    QString kind;       // update | insert | key
    QString table;
    QString rowId;
    QString field;
    QString sha256;
    QString keyId;

    QString valueKey() const { return table + QLatin1Char('\t') + rowId + QLatin1Char('\t') + field; }
};

QList<WriterEntry> readWriterLog(const QString& path)
{
    QList<WriterEntry> entries;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return entries;
    for (const QByteArray& line : file.readAll().split('\n')) {
        const QList<QByteArray> c = line.split('\t');
        if (c.size() != 9)
            continue;
        entries << WriterEntry{c[0].toLongLong(), c[1].toLongLong(), c[2].toLongLong(), QString::fromUtf8(c[3]),
                               QString::fromUtf8(c[4]), QString::fromUtf8(c[5]), QString::fromUtf8(c[6]),
                               QString::fromUtf8(c[7]), QString::fromUtf8(c[8])};
    }
    return entries;
}

struct CliRun
{
    int exitCode = -1;
    QByteArray err;
    QJsonObject json;
    qint64 startMs = 0;
    qint64 endMs = 0;
};

QProcessEnvironment environmentWithKey()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("GF_SECURITY_SECRET_KEY"));
    env.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromUtf8(kKey));
    return env;
}

CliRun runCli(const QStringList& args)
{
    CliRun run;
    QProcess process;
    process.setProcessEnvironment(environmentWithKey());
    run.startMs = QDateTime::currentMSecsSinceEpoch();
    process.start(qEnvironmentVariable("MK_CLI"), args);
    if (!process.waitForStarted(10'000))
        return run;
    process.closeWriteChannel();
    process.waitForFinished(300'000);
    run.endMs = QDateTime::currentMSecsSinceEpoch();
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.err = process.readAllStandardError();
    const QJsonDocument doc = QJsonDocument::fromJson(process.readAllStandardOutput());
    if (doc.isObject())
        run.json = doc.object();
    return run;
}

// mk-live-writer as a child process; stopped by closing its stdin.
class LiveWriter
{
public:
    bool start(const QString& url, const QString& logPath, quint32 seed, QString* error)
    {
        m_logPath = logPath;
        m_process.setProcessEnvironment(environmentWithKey());
        m_process.start(qEnvironmentVariable("MK_LIVE_WRITER"),
                        {QStringLiteral("--db"), url, QStringLiteral("--log"), logPath, QStringLiteral("--seed"),
                         QString::number(seed), QStringLiteral("--pause-ms"), QStringLiteral("2:8"),
                         QStringLiteral("--hot-rows"), QStringLiteral("40")});
        if (!m_process.waitForStarted(10'000)) {
            *error = QStringLiteral("mk-live-writer did not start: ") + m_process.errorString();
            return false;
        }
        QElapsedTimer timer;
        timer.start();
        while (!m_process.canReadLine() && timer.elapsed() < 60'000) {
            if (!m_process.waitForReadyRead(1000) && m_process.state() != QProcess::Running)
                break;
        }
        const QByteArray line = m_process.readLine().trimmed();
        if (line != "ready") {
            *error = QStringLiteral("mk-live-writer is not ready (%1): %2")
                         .arg(QString::fromUtf8(line), QString::fromUtf8(m_process.readAllStandardError().right(2000)));
            return false;
        }
        return true;
    }

    // Waits until the writer committed a write that began after `afterMs` (at most 60 s).
    bool waitForWriteAfter(qint64 afterMs) const
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 60'000) {
            const QList<WriterEntry> entries = readWriterLog(m_logPath);
            if (!entries.isEmpty() && entries.last().startMs > afterMs)
                return true;
            QThread::msleep(20);
        }
        return false;
    }

    // Closes stdin and waits; the summary line, or an error text.
    bool stop(QString* summary)
    {
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(60'000)) {
            m_process.terminate();
            if (!m_process.waitForFinished(10'000))
                m_process.kill();
            m_process.waitForFinished(5000);
            *summary = QStringLiteral("mk-live-writer did not stop");
            return false;
        }
        const QByteArray out = m_process.readAllStandardOutput().trimmed();
        *summary = QString::fromUtf8(out);
        if (m_process.exitStatus() != QProcess::NormalExit || m_process.exitCode() != 0) {
            *summary += QStringLiteral(" / exit %1: %2")
                            .arg(m_process.exitCode())
                            .arg(QString::fromUtf8(m_process.readAllStandardError().right(2000)));
            return false;
        }
        return out.startsWith("stopped writes=");
    }

    ~LiveWriter()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

private:
    QProcess m_process;
    QString m_logPath;
};

// "table TAB row TAB field" -> sha256, from verify-style lines.
QMap<QString, QString> digestMap(const QStringList& lines)
{
    QMap<QString, QString> map;
    for (const QString& line : lines) {
        const qsizetype tab = line.lastIndexOf(QLatin1Char('\t'));
        map.insert(line.left(tab), line.mid(tab + 1));
    }
    return map;
}

QStringList linesOf(const QMap<QString, QString>& map)
{
    QStringList lines;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        lines << it.key() + QLatin1Char('\t') + it.value();
    std::sort(lines.begin(), lines.end(), [](const QString& a, const QString& b) { return a.toUtf8() < b.toUtf8(); });
    return lines;
}

QString valueKeyOf(const model::ValueRecord& v)
{
    return store::secretLocations().at(v.locationIndex).table + QLatin1Char('\t') + v.rowId + QLatin1Char('\t')
           + v.field;
}

bool rewritten(const model::ValueRecord& v)
{
    const store::SecretLocation& l = store::secretLocations().at(v.locationIndex);
    return l.migratedUpstream || l.legacyOnly;
}

QSet<QString> idsOf(const QJsonValue& array)
{
    QSet<QString> ids;
    for (const QJsonValue& v : array.toArray())
        ids.insert(v.isObject() ? v.toObject().value(QStringLiteral("id")).toString() : v.toString());
    return ids;
}

// large-20k.db cut down to the first rows of each table, and its expected lines.
QString trimmedFixture(const QString& dir, QStringList* expected, QString* error)
{
    const QString fixture = test::syntheticFixturesDir() + QStringLiteral("/large-20k.db");
    const QString path = test::copyFixture(fixture, dir);
    if (path.isEmpty()) {
        *error = QStringLiteral("cannot copy ") + fixture;
        return {};
    }
    const QHash<QString, int> keep{{QStringLiteral("data_source"), kDataSourceRows},
                                   {QStringLiteral("secrets"), kSecretRows},
                                   {QStringLiteral("user_auth"), kUserAuthRows}};
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("trim"));
        db.setDatabaseName(path);
        if (!db.open()) {
            *error = db.lastError().text();
            return {};
        }
        QSqlQuery q(db);
        for (auto it = keep.cbegin(); it != keep.cend(); ++it) {
            if (!q.exec(QStringLiteral("DELETE FROM \"%1\" WHERE id > %2").arg(it.key()).arg(it.value()))) {
                *error = q.lastError().text();
                return {};
            }
        }
        q.exec(QStringLiteral("VACUUM"));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("trim"));
    for (const QString& line : test::expectedLines(fixture)) {
        const QStringList cells = line.split(QLatin1Char('\t'));
        if (cells.size() == 4 && cells.at(1).toInt() <= keep.value(cells.at(0), 0))
            *expected << line;
    }
    return path;
}

// A writable store connection to the target's database (what another instance would use).
std::optional<store::Database> openWritable(const model::Target& target)
{
    store::ConnectionSpec spec = target.connection;
    spec.readOnly = false;
    auto db = store::Database::open(spec);
    if (!db || !store::detectSchema(*db))
        return std::nullopt;
    return std::move(*db);
}

// The first data source with secrets.
std::optional<store::Cell> firstDataSource(store::Database& db, bool last = false)
{
    const store::SecretLocation* ds = store::findSecretLocation(QStringLiteral("data_source.secure_json_data"));
    auto cells = store::readCells(db, *ds, QString(), 100'000);
    if (!cells)
        return std::nullopt;
    std::optional<store::Cell> found;
    for (const store::Cell& cell : std::as_const(*cells)) {
        if (cell.isNull || cell.raw.isEmpty() || cell.raw == "{}")
            continue;
        found = cell;
        if (!last)
            break;
    }
    return found;
}

QByteArray legacyBase64(const QByteArray& plaintext)
{
    auto payload = crypto::encryptPayload(plaintext, kKey);
    return payload ? payload->toBase64() : QByteArray();
}

// `#id#` + payload under data key `id` (unwrapped with the secret key), padded base64.
QByteArray envelopeBase64(const store::DataKeyRow& key, const QByteArray& plaintext)
{
    const crypto::SecretKeyProvider provider{crypto::SecretBytes(QByteArrayView(kKey))};
    auto dek = provider.unwrap(key.encryptedData);
    if (!dek)
        return {};
    auto inner = crypto::encryptPayload(plaintext, dek->view());
    return inner ? crypto::buildEnvelope(key.id.toUtf8(), *inner).toBase64() : QByteArray();
}

// SHA-256 of each value of one row of one location, in document order (empty entry: fails).
QStringList digestsOfRow(const model::Target& target, const QString& locationKey, const QString& rowId,
                         QList<model::ValueFormat>* formats = nullptr)
{
    const model::KeyRing ring(target, test::dataKeysOf(target));
    QStringList digests;
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (store::secretLocations().at(v.locationIndex).key != locationKey || v.rowId != rowId)
            continue;
        auto plaintext = model::decryptValue(v, ring, model::UnverifiablePolicy::Accept);
        digests << (plaintext ? QString::fromLatin1(QCryptographicHash::hash(*plaintext, QCryptographicHash::Sha256).toHex())
                              : QString());
        if (formats)
            *formats << v.format;
    }
    return digests;
}

QString sha(const QByteArray& plaintext)
{
    return QString::fromLatin1(QCryptographicHash::hash(plaintext, QCryptographicHash::Sha256).toHex());
}

} // namespace

class TestLiveWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void operationsUnderLiveWriter_data();
    void operationsUnderLiveWriter();
    void rowThatKeepsChangingIsAConflict();
    void dataKeyCreatedDuringTheRun();
    void duplicateKeysAreRewrittenExactly();

private:
    QTemporaryDir m_dir;
};

void TestLiveWriter::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set");
    QVERIFY2(!qEnvironmentVariable("MK_LIVE_WRITER").isEmpty(), "MK_LIVE_WRITER not set");
    QVERIFY(m_dir.isValid());
}

void TestLiveWriter::operationsUnderLiveWriter_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

void TestLiveWriter::operationsUnderLiveWriter()
{
    QFETCH(QString, engine);
    const QString dir = m_dir.path() + QLatin1Char('/') + engine;
    QVERIFY(QDir().mkpath(dir));
    QStringList fixtureLines;
    QString error;
    const QString sqlitePath = trimmedFixture(dir, &fixtureLines, &error);
    QVERIFY2(!sqlitePath.isEmpty(), qPrintable(error));
    QCOMPARE(fixtureLines.size(), 969);

    QString url = sqlitePath;
    QString schema;
    if (engine == QLatin1String("postgresql")) {
        if (test::serverUrl(test::Engine::PostgreSQL).isEmpty())
            QFAIL("database servers are not running: run through ctest (fixture dbservers) or "
                  "tests/support/db-servers.sh start DIR with MK_DBSERVERS_DIR=DIR");
        schema = test::schemaNameFor(QStringLiteral("livewriter"), sqlitePath);
        QVERIFY2(test::loadSqliteIntoServer(sqlitePath, test::Engine::PostgreSQL, schema, &error), qPrintable(error));
        url = test::urlForSchema(test::Engine::PostgreSQL, schema);
    }
    const model::Target target = test::targetFor(url, kKey);
    QMap<QString, QString> expected = digestMap(fixtureLines);
    const QString today = test::todaysLabel();

    struct Step
    {
        const char* name;
        QStringList args;
    };
    // large-20k.db holds legacy values too short to prove their key, all under the right one.
    const QString include = QStringLiteral("--include-unverifiable");
    const QList<Step> steps{
        {"re-encrypt", {QStringLiteral("re-encrypt"), include}},
        {"rotate", {QStringLiteral("rotate")}},
        {"re-encrypt after rotate", {QStringLiteral("re-encrypt"), include}},
        {"rollback", {QStringLiteral("rollback"), include}},
    };
    quint32 seed = engine == QLatin1String("sqlite") ? 11 : 23;
    for (const Step& step : steps) {
        const QString what = engine + QStringLiteral(" / ") + QLatin1String(step.name);
        const QString logPath = dir + QStringLiteral("/writer-%1.log").arg(seed);
        LiveWriter writer;
        QVERIFY2(writer.start(url, logPath, seed++, &error), qPrintable(what + QStringLiteral(": ") + error));
        QVERIFY2(writer.waitForWriteAfter(QDateTime::currentMSecsSinceEpoch()), qPrintable(what));

        const CliRun run = runCli(QStringList{QStringLiteral("--db"), url} + step.args
                                  + QStringList{QStringLiteral("--json"), QStringLiteral("--jobs"), QStringLiteral("2")});
        // Let the writer go on after the operation (after a rotate it must create a new key).
        QVERIFY2(writer.waitForWriteAfter(run.endMs), qPrintable(what));
        QString summary;
        QVERIFY2(writer.stop(&summary), qPrintable(what + QStringLiteral(": ") + summary));
        const QList<WriterEntry> log = readWriterLog(logPath);
        qInfo().noquote() << what << ": exit" << run.exitCode << "in" << (run.endMs - run.startMs) << "ms; writer"
                          << summary << "; rereads" << run.json.value(QStringLiteral("rereads")).toInteger()
                          << "conflicts" << run.json.value(QStringLiteral("conflicts")).toInteger();
        QVERIFY2(!run.json.isEmpty(), qPrintable(what + QStringLiteral(": no JSON; stderr: ") + QString::fromUtf8(run.err)));
        QVERIFY2(!run.json.contains(QStringLiteral("error")),
                 qPrintable(what + QStringLiteral(": ") + run.json.value(QStringLiteral("error")).toString()));

        // The writer really wrote while the operation ran.
        qint64 writesDuring = 0;
        QSet<QString> writtenSinceStart; // values whose last write committed after the operation began
        QSet<QString> keysUsedSinceStart;
        qint64 updatesDuring = 0;
        for (const WriterEntry& e : log) {
            if (e.kind == QLatin1String("key"))
                continue;
            expected.insert(e.valueKey(), e.sha256);
            if (e.endMs >= run.startMs) {
                writtenSinceStart.insert(e.valueKey());
                keysUsedSinceStart.insert(e.keyId);
            }
            if (e.endMs >= run.startMs && e.startMs <= run.endMs) {
                ++writesDuring;
                if (e.kind == QLatin1String("update"))
                    ++updatesDuring;
            }
        }
        QVERIFY2(writesDuring >= 1, qPrintable(what + QStringLiteral(": the writer did not write during the operation")));

        // Every value decrypts to the last write, or to the fixture's digest.
        const QStringList actual = test::verifyLines(target, 2, &error);
        QVERIFY2(error.isEmpty(), qPrintable(what + QStringLiteral(": ") + error));
        const QStringList wanted = linesOf(expected);
        QVERIFY2(actual == wanted, qPrintable(what + QStringLiteral(": ") + test::describeDifference(wanted, actual)));

        // Reported figures are consistent: failures are conflicts only, every conflict names a row
        // the writer changed, re-reads never exceed the writer's updates during the run.
        const QJsonObject& json = run.json;
        const qint64 conflicts = json.value(QStringLiteral("conflicts")).toInteger();
        const qint64 rereads = json.value(QStringLiteral("rereads")).toInteger(-1);
        QCOMPARE(json.value(QStringLiteral("failed")).toInteger(), conflicts);
        QSet<QString> conflicted;
        QSet<QString> rowsWritten;
        for (const QString& key : std::as_const(writtenSinceStart))
            rowsWritten.insert(key.section(QLatin1Char('\t'), 0, 1));
        for (const QJsonValue& f : json.value(QStringLiteral("failures")).toArray()) {
            const QJsonObject o = f.toObject();
            QCOMPARE(o.value(QStringLiteral("reason")).toString(), QStringLiteral("conflict"));
            const QString row = o.value(QStringLiteral("table")).toString() + QLatin1Char('\t')
                                + o.value(QStringLiteral("rowId")).toString();
            QVERIFY2(rowsWritten.contains(row), qPrintable(what + QStringLiteral(": conflict on a row the writer did not write: ") + row));
            conflicted.insert(row);
        }
        QVERIFY2(rereads >= 0, qPrintable(what + QStringLiteral(": no rereads in the report")));
        QVERIFY2(rereads <= updatesDuring,
                 qPrintable(what + QStringLiteral(": %1 re-reads but only %2 updates by the writer").arg(rereads).arg(updatesDuring)));
        QCOMPARE(run.exitCode, json.value(QStringLiteral("refused")).toBool()
                                   ? 3
                                   : (conflicts > 0 || json.contains(QStringLiteral("unfinished")) ? 1 : 0));

        const QList<model::ValueRecord> values = test::scanValues(target, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QHash<QString, store::DataKeyRow> keys;
        for (const store::DataKeyRow& row : test::dataKeysOf(target))
            keys.insert(row.id, row);
        const QString op = step.args.first();
        if (op == QLatin1String("re-encrypt")) {
            // The data key the operation re-encrypted under: created by it, or today's active key.
            QString opKey = json.value(QStringLiteral("dataKeysCreated")).toArray().first().toString();
            for (const QJsonValue& k : json.value(QStringLiteral("preflight")).toObject().value(QStringLiteral("dataKeys")).toArray()) {
                if (k.toObject().value(QStringLiteral("action")).toString().startsWith(QLatin1String("keep (today's key")))
                    opKey = k.toObject().value(QStringLiteral("id")).toString();
            }
            QVERIFY2(keys.value(opKey).label == today, qPrintable(what + QStringLiteral(": key ") + opKey));
            // Everything under that key, except what the writer wrote since (under its own key of
            // today's label).
            for (const model::ValueRecord& v : values) {
                if (!rewritten(v) || conflicted.contains(valueKeyOf(v).section(QLatin1Char('\t'), 0, 1)))
                    continue;
                const bool byWriter = writtenSinceStart.contains(valueKeyOf(v));
                QVERIFY2(model::isEnvelope(v.format)
                             && (byWriter ? keys.value(v.dataKeyId).label == today : v.dataKeyId == opKey),
                         qPrintable(what + QStringLiteral(": not re-encrypted: ") + valueKeyOf(v)));
            }
            QVERIFY2(rereads >= 1 || conflicts >= 1,
                     qPrintable(what + QStringLiteral(": no row changed under the operation (no overlap)")));
        } else if (op == QLatin1String("rotate")) {
            const QSet<QString> deactivated = idsOf(json.value(QStringLiteral("dataKeysDeactivatedIds")));
            QVERIFY(!deactivated.isEmpty());
            for (const QString& id : deactivated)
                QVERIFY2(keys.contains(id) && !keys.value(id).active, qPrintable(id));
            bool newKey = false;
            for (const WriterEntry& e : log) {
                if (e.kind == QLatin1String("key") && e.startMs >= run.startMs)
                    newKey = newKey || (!deactivated.contains(e.keyId) && keys.value(e.keyId).active);
                if (e.kind != QLatin1String("key") && e.startMs > run.endMs)
                    QVERIFY2(!deactivated.contains(e.keyId),
                             qPrintable(what + QStringLiteral(": the writer still encrypts with a rotated key")));
            }
            QVERIFY2(newKey, qPrintable(what + QStringLiteral(": the writer created no new active key after the rotation")));
        } else if (op == QLatin1String("rollback")) {
            // Legacy values with the algorithm prefix (--format 9.2), except what the writer wrote
            // since the operation began (envelope values, as the server writes them).
            for (const model::ValueRecord& v : values) {
                if (!rewritten(v) || writtenSinceStart.contains(valueKeyOf(v))
                    || conflicted.contains(valueKeyOf(v).section(QLatin1Char('\t'), 0, 1)))
                    continue;
                QVERIFY2(v.format == model::ValueFormat::LegacyCfbPrefixed,
                         qPrintable(what + QStringLiteral(": not rolled back: ") + valueKeyOf(v)));
            }
            // Deleted keys are gone and nothing names them; kept keys are the writer's.
            const QSet<QString> deleted = idsOf(json.value(QStringLiteral("dataKeysDeletedIds")));
            for (const QString& id : deleted)
                QVERIFY2(!keys.contains(id), qPrintable(id));
            for (const model::ValueRecord& v : values)
                QVERIFY2(!deleted.contains(v.dataKeyId), qPrintable(what + QStringLiteral(": orphaned ") + valueKeyOf(v)));
            const QSet<QString> kept = idsOf(json.value(QStringLiteral("dataKeysKept")));
            for (const QString& id : kept) {
                QVERIFY2(keys.contains(id), qPrintable(id));
                QVERIFY2(keysUsedSinceStart.contains(id),
                         qPrintable(what + QStringLiteral(": kept key %1 was not used by the writer").arg(id)));
            }
            QVERIFY(!json.value(QStringLiteral("refused")).toBool()); // values were written: never a refusal
            QCOMPARE(json.contains(QStringLiteral("unfinished")), !kept.isEmpty());
            QVERIFY2(rereads >= 1 || conflicts >= 1,
                     qPrintable(what + QStringLiteral(": no row changed under the operation (no overlap)")));
        }
    }
    if (!schema.isEmpty())
        QVERIFY2(test::dropServerSchema(test::Engine::PostgreSQL, schema, &error), qPrintable(error));
}

// A row that changes before every write of its batch is read again a bounded number of times,
// then reported as a conflict; the writer's last value is kept and a re-run finishes.
void TestLiveWriter::rowThatKeepsChangingIsAConflict()
{
    const QString fixture = test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db");
    QTemporaryDir dir;
    const QString path = test::copyFixture(fixture, dir.path());
    QVERIFY(!path.isEmpty());
    const model::Target target = test::targetFor(path, kKey);
    const store::SecretLocation* ds = store::findSecretLocation(QStringLiteral("data_source.secure_json_data"));
    QString row;
    int changes = 0;
    QByteArray last;
    model::ReEncryptOptions options;
    options.beforeBatchWrite = [&](const QString& location, const QStringList& rowIds) {
        if (location != ds->key || (!row.isEmpty() && !rowIds.contains(row)))
            return;
        auto db = openWritable(target);
        QVERIFY(db.has_value());
        if (row.isEmpty())
            row = rowIds.first();
        auto cell = store::readCell(*db, *ds, row);
        QVERIFY(cell.has_value() && cell->has_value());
        last = "live " + QByteArray::number(++changes);
        const QByteArray raw = "{\"password\":\"" + legacyBase64(last) + "\"}";
        QVERIFY(store::updateCell(*db, *ds, row, (*cell)->raw, raw, QString()).has_value());
    };
    const auto result = model::runReEncrypt(target, options, nullptr);
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    QCOMPARE(changes, 5);          // the first write and four re-reads, all lost to the writer
    QCOMPARE(result->rereads, 4);
    QCOMPARE(result->conflicts, 1);
    QCOMPARE(result->failed, 1);
    QCOMPARE(result->failures.first().reason, model::FailureReason::Conflict);
    QCOMPARE(result->failures.first().rowId, row);
    QCOMPARE(model::exitCodeFor(*result), 1);
    QCOMPARE(digestsOfRow(target, ds->key, row), QStringList{sha(last)});

    const auto again = model::runReEncrypt(target, {}, nullptr);
    QVERIFY(again.has_value());
    QCOMPARE(again->failed, 0);
    QCOMPARE(again->changed, 1);
    QList<model::ValueFormat> formats;
    QCOMPARE(digestsOfRow(target, ds->key, row, &formats), QStringList{sha(last)});
    QCOMPARE(formats, QList<model::ValueFormat>{model::ValueFormat::EnvelopeCfbPrefixed});
}

// A value under a data key created after the operation loaded data_keys (a server's first key of
// a new day, a rotation elsewhere) is decrypted with that key and re-encrypted, not failed as
// "missing data key".
void TestLiveWriter::dataKeyCreatedDuringTheRun()
{
    const QString fixture = test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db");
    QTemporaryDir dir;
    const QString path = test::copyFixture(fixture, dir.path());
    QVERIFY(!path.isEmpty());
    const model::Target target = test::targetFor(path, kKey);
    const store::SecretLocation* ds = store::findSecretLocation(QStringLiteral("data_source.secure_json_data"));
    store::DataKeyRow late;
    QString row;
    model::ReEncryptOptions options;
    options.beforeBatchWrite = [&](const QString& location, const QStringList&) {
        if (!row.isEmpty() || location == ds->key)
            return;
        auto db = openWritable(target);
        QVERIFY(db.has_value());
        const crypto::SecretKeyProvider provider{crypto::SecretBytes(QByteArrayView(kKey))};
        auto wrapped = provider.wrap(crypto::generateDataKey().view());
        QVERIFY(wrapped.has_value());
        late.id = crypto::generateDataKeyId();
        late.label = test::todaysLabel();
        late.provider = QStringLiteral("secretKey.v1");
        late.scope = QStringLiteral("root");
        late.active = true;
        late.encryptedData = *wrapped;
        late.created = QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        late.updated = late.created;
        QVERIFY(store::insertDataKey(*db, late).has_value());
        auto cell = firstDataSource(*db, true);
        QVERIFY(cell.has_value());
        const QByteArray raw = "{\"password\":\"" + envelopeBase64(late, "under a late key") + "\"}";
        QVERIFY(store::updateCell(*db, *ds, cell->rowId, cell->raw, raw, QString()).has_value());
        row = cell->rowId;
    };
    const auto result = model::runReEncrypt(target, options, nullptr);
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    QVERIFY(!row.isEmpty());
    QCOMPARE(result->failed, 0);
    QVERIFY2(result->notes.join(QLatin1Char(' ')).contains(late.id), qPrintable(result->notes.join(QLatin1Char('\n'))));
    QList<model::ValueFormat> formats;
    QCOMPARE(digestsOfRow(target, ds->key, row, &formats), QStringList{sha("under a late key")});
    QCOMPARE(formats, QList<model::ValueFormat>{model::ValueFormat::EnvelopeCfbPrefixed});
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (store::secretLocations().at(v.locationIndex).key == ds->key && v.rowId == row)
            QCOMPARE(v.dataKeyId, result->dataKeysCreated.value(0));
    }
}

// Duplicate JSON keys: each occurrence is rewritten in place from its own value (the write-back
// check matches the n-th occurrence, like replaceValues), and an occurrence already in the target
// form stays where it is while the other one is rewritten.
void TestLiveWriter::duplicateKeysAreRewrittenExactly()
{
    const QString fixture = test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db");
    QTemporaryDir dir;
    const QString path = test::copyFixture(fixture, dir.path());
    QVERIFY(!path.isEmpty());
    const model::Target target = test::targetFor(path, kKey);
    const store::SecretLocation* ds = store::findSecretLocation(QStringLiteral("data_source.secure_json_data"));
    QString row;
    {
        auto db = openWritable(target);
        QVERIFY(db.has_value());
        auto cell = firstDataSource(*db);
        QVERIFY(cell.has_value());
        row = cell->rowId;
        const QByteArray raw = "{\"password\":\"" + legacyBase64("first A") + "\",\"token\":\""
                               + legacyBase64("token T") + "\",\"password\":\"" + legacyBase64("second B") + "\"}";
        QVERIFY(store::updateCell(*db, *ds, row, cell->raw, raw, QString()).has_value());
    }
    const QStringList before{sha("first A"), sha("token T"), sha("second B")};
    QCOMPARE(digestsOfRow(target, ds->key, row), before);
    const auto result = model::runReEncrypt(target, {}, nullptr);
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    QVERIFY2(result->failed == 0, qPrintable(result->failures.value(0).detail));
    QList<model::ValueFormat> formats;
    QCOMPARE(digestsOfRow(target, ds->key, row, &formats), before);
    QCOMPARE(formats, QList<model::ValueFormat>(3, model::ValueFormat::EnvelopeCfbPrefixed));

    // First occurrence already under today's key, the second legacy: only the second changes.
    const QString key = result->dataKeysCreated.value(0);
    store::DataKeyRow current;
    for (const store::DataKeyRow& k : test::dataKeysOf(target)) {
        if (k.id == key)
            current = k;
    }
    QVERIFY(!current.id.isEmpty());
    const QByteArray first = envelopeBase64(current, "kept C");
    {
        auto db = openWritable(target);
        QVERIFY(db.has_value());
        auto cell = store::readCell(*db, *ds, row);
        QVERIFY(cell.has_value() && cell->has_value());
        const QByteArray raw = "{\"password\":\"" + first + "\",\"password\":\"" + legacyBase64("changed D") + "\"}";
        QVERIFY(store::updateCell(*db, *ds, row, (*cell)->raw, raw, QString()).has_value());
    }
    const auto again = model::runReEncrypt(target, {}, nullptr);
    QVERIFY(again.has_value());
    QCOMPARE(again->failed, 0);
    QCOMPARE(again->changed, 1);
    formats.clear();
    QCOMPARE(digestsOfRow(target, ds->key, row, &formats), (QStringList{sha("kept C"), sha("changed D")}));
    QCOMPARE(formats, QList<model::ValueFormat>(2, model::ValueFormat::EnvelopeCfbPrefixed));
    QVERIFY(test::snapshotCells(target).value(ds->key + QLatin1Char('/') + row).startsWith("{\"password\":\"" + first + "\""));
}

QTEST_GUILESS_MAIN(TestLiveWriter)
#include "TestLiveWriter.moc"
