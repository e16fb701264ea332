// Loads every fixture database into the real PostgreSQL and MariaDB servers and checks that the
// copy is complete (row counts of every table) and byte-exact for the secret columns.

#include "tests/support/ServerFixtures.h"
#include "tests/support/TestData.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <QUrl>

using mk::test::Engine;

Q_DECLARE_METATYPE(mk::test::Engine)

namespace {

struct SecretColumn
{
    const char* table;
    const char* column;
    const char* key;
};

constexpr SecretColumn kSecretColumns[] = {
    {"data_keys", "encrypted_data", "name"},
    {"secrets", "value", "id"},
    {"data_source", "secure_json_data", "id"},
    {"dashboard_snapshot", "dashboard_encrypted", "id"},
    {"signing_key", "private_key", "id"},
    {"plugin_setting", "secure_json_data", "id"},
    {"user_auth", "o_auth_access_token", "id"},
};

QString sqliteUri(const QString& path)
{
    return QUrl::fromLocalFile(path).toString(QUrl::FullyEncoded) + QStringLiteral("?mode=ro&immutable=1");
}

// SQLite connection opened read-only; removed in the destructor.
class SqliteConnection
{
public:
    explicit SqliteConnection(const QString& path)
        : m_name(QStringLiteral("tsf_sqlite_%1").arg(++s_counter))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(sqliteUri(path));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"));
        db.open();
    }
    ~SqliteConnection()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }

private:
    static inline int s_counter = 0;
    QString m_name;
};

QStringList sqliteTables(const QSqlDatabase& db)
{
    QStringList out;
    QSqlQuery q(db);
    q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"));
    while (q.next())
        out << q.value(0).toString();
    return out;
}

bool sqliteHasColumn(const QSqlDatabase& db, const QString& table, const QString& column)
{
    QSqlQuery q(db);
    q.exec(QStringLiteral("PRAGMA table_info(\"%1\")").arg(table));
    while (q.next()) {
        if (q.value(1).toString() == column)
            return true;
    }
    return false;
}

qlonglong countRows(const QSqlDatabase& db, const QString& quotedTable, QString* error)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM %1").arg(quotedTable)) || !q.next()) {
        *error = q.lastError().text();
        return -1;
    }
    return q.value(0).toLongLong();
}

struct Cell
{
    bool isNull = true;
    QByteArray bytes;
};

QByteArray asBytes(const QVariant& v)
{
    return v.typeId() == QMetaType::QByteArray ? v.toByteArray() : v.toString().toUtf8();
}

QHash<QString, Cell> readCells(const QSqlDatabase& db, const QString& sql, QString* error)
{
    QHash<QString, Cell> out;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(sql)) {
        *error = q.lastError().text() + QStringLiteral(" [") + sql + QLatin1Char(']');
        return out;
    }
    while (q.next()) {
        Cell c;
        c.isNull = q.value(1).isNull();
        if (!c.isNull)
            c.bytes = asBytes(q.value(1));
        out.insert(q.value(0).toString(), c);
    }
    return out;
}

struct ColumnType
{
    QString type;
    bool nullable = false;
    QVariant defaultValue;
    QString collation;
};

QHash<QString, ColumnType> serverColumns(Engine engine, const QSqlDatabase& db, const QString& schema,
                                         const QString& table)
{
    QHash<QString, ColumnType> out;
    QSqlQuery q(db);
    if (engine == Engine::PostgreSQL) {
        q.prepare(QStringLiteral("SELECT column_name, data_type, character_maximum_length, is_nullable, column_default, "
                                 "'' FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?"));
        q.addBindValue(table);
    } else {
        q.prepare(QStringLiteral("SELECT column_name, column_type, NULL, is_nullable, column_default, collation_name "
                                 "FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"));
        q.addBindValue(schema);
        q.addBindValue(table);
    }
    if (!q.exec())
        return out;
    while (q.next()) {
        ColumnType t;
        t.type = q.value(1).toString().toLower();
        if (!q.value(2).isNull())
            t.type += QStringLiteral("(%1)").arg(q.value(2).toInt());
        t.nullable = q.value(3).toString() == QStringLiteral("YES");
        t.defaultValue = q.value(4);
        t.collation = q.value(5).toString();
        out.insert(q.value(0).toString(), t);
    }
    return out;
}

} // namespace

class TestServerFixtures : public QObject
{
    Q_OBJECT

private:
    qint64 m_totalSecretCells = 0;
    qint64 m_totalRows = 0;
    int m_loaded = 0;
    int m_expectedLoads = 0;
    QElapsedTimer m_clock;

private slots:
    void initTestCase()
    {
        m_clock.start();
        QVERIFY2(!mk::test::dbServersDir().isEmpty(), "MK_DBSERVERS_DIR is not set");
        for (const Engine e : {Engine::PostgreSQL, Engine::MySQL}) {
            const QString url = mk::test::serverUrl(e);
            QVERIFY2(!url.isEmpty(), qPrintable(QStringLiteral("no URL for %1 in %2/env")
                                                    .arg(mk::test::engineName(e), mk::test::dbServersDir())));
            mk::test::ServerConnection c(e);
            QVERIFY2(c.isOpen(), qPrintable(c.error()));
        }
        QVERIFY(mk::test::serverUrl(Engine::PostgreSQL).startsWith(QStringLiteral("postgres://mk:mk-test-pw@127.0.0.1:")));
        QVERIFY(mk::test::serverUrl(Engine::PostgreSQL).endsWith(QStringLiteral("/mk?sslmode=disable")));
        QVERIFY(mk::test::serverUrl(Engine::MySQL).startsWith(QStringLiteral("mysql://mk:mk-test-pw@127.0.0.1:")));
        QVERIFY(mk::test::serverUrl(Engine::MySQL).endsWith(QStringLiteral("/mk")));
    }

    void schemaNames()
    {
        const QRegularExpression valid(QStringLiteral("^[a-z][a-z0-9_]{0,59}$"));
        QSet<QString> seen;
        const QStringList all = mk::test::realFixtureDatabases() + mk::test::syntheticFixtureDatabases();
        for (const QString& f : all) {
            const QString n = mk::test::schemaNameFor(QStringLiteral("Srv-Fix"), f);
            QVERIFY2(valid.match(n).hasMatch(), qPrintable(n));
            QVERIFY2(!seen.contains(n), qPrintable(n));
            seen.insert(n);
            QCOMPARE(mk::test::schemaNameFor(QStringLiteral("Srv-Fix"), f), n); // deterministic
        }
        QVERIFY(mk::test::urlForSchema(Engine::PostgreSQL, QStringLiteral("a_b"))
                    .endsWith(QStringLiteral("/a_b?sslmode=disable")));
        QVERIFY(mk::test::urlForSchema(Engine::MySQL, QStringLiteral("a_b")).endsWith(QStringLiteral("/a_b")));
        QVERIFY(mk::test::urlForSchema(Engine::MySQL, QStringLiteral("Bad-Name")).isEmpty());
    }

    void loadFixture_data()
    {
        QTest::addColumn<Engine>("engine");
        QTest::addColumn<QString>("path");
        const QStringList all = mk::test::realFixtureDatabases() + mk::test::syntheticFixtureDatabases();
        QVERIFY(all.size() >= 34);
        m_expectedLoads = 2 * int(all.size());
        for (const Engine e : {Engine::PostgreSQL, Engine::MySQL}) {
            for (const QString& f : all) {
                QTest::newRow(qPrintable(mk::test::engineName(e) + QLatin1Char('/') + QFileInfo(f).fileName()))
                    << e << f;
            }
        }
    }

    void loadFixture()
    {
        QFETCH(Engine, engine);
        QFETCH(QString, path);
        const QString schema = mk::test::schemaNameFor(QStringLiteral("tsf_") + mk::test::engineName(engine), path);
        QString error;
        QElapsedTimer timer;
        timer.start();
        QVERIFY2(mk::test::loadSqliteIntoServer(path, engine, schema, &error), qPrintable(error));
        const qint64 loadMs = timer.elapsed();

        SqliteConnection sqlite(path);
        QVERIFY2(sqlite.db().isOpen(), qPrintable(sqlite.db().lastError().text()));
        mk::test::ServerConnection server(engine, schema);
        QVERIFY2(server.isOpen(), qPrintable(server.error()));
        QCOMPARE(QUrl(mk::test::urlForSchema(engine, schema)).path(), QLatin1Char('/') + schema);

        // 1. Every table is there with the same number of rows.
        const QStringList tables = sqliteTables(sqlite.db());
        QVERIFY(!tables.isEmpty());
        for (const QString& t : tables) {
            QString e1;
            QString e2;
            const qlonglong a = countRows(sqlite.db(), QLatin1Char('"') + t + QLatin1Char('"'), &e1);
            const qlonglong b = countRows(server.db(), mk::test::quoteIdentifier(engine, t), &e2);
            QVERIFY2(a >= 0, qPrintable(e1));
            QVERIFY2(b >= 0, qPrintable(t + QStringLiteral(": ") + e2));
            QVERIFY2(a == b, qPrintable(QStringLiteral("%1: sqlite %2 rows, server %3").arg(t).arg(a).arg(b)));
            m_totalRows += a;
        }

        // 2. Secret columns are byte-identical, cell by cell.
        for (const SecretColumn& sc : kSecretColumns) {
            const QString table = QString::fromLatin1(sc.table);
            const QString column = QString::fromLatin1(sc.column);
            const QString key = QString::fromLatin1(sc.key);
            if (!tables.contains(table) || !sqliteHasColumn(sqlite.db(), table, column))
                continue;
            QString e1;
            QString e2;
            const auto original = readCells(sqlite.db(),
                                            QStringLiteral("SELECT \"%1\", CAST(\"%2\" AS BLOB) FROM \"%3\"")
                                                .arg(key, column, table),
                                            &e1);
            QVERIFY2(e1.isEmpty(), qPrintable(e1));
            const auto copy = readCells(server.db(),
                                        QStringLiteral("SELECT %1, %2 FROM %3")
                                            .arg(mk::test::quoteIdentifier(engine, key),
                                                 mk::test::quoteIdentifier(engine, column),
                                                 mk::test::quoteIdentifier(engine, table)),
                                        &e2);
            QVERIFY2(e2.isEmpty(), qPrintable(e2));
            QCOMPARE(copy.size(), original.size());
            for (auto it = original.cbegin(); it != original.cend(); ++it) {
                const QString where = QStringLiteral("%1.%2 %3=%4").arg(table, column, key, it.key());
                QVERIFY2(copy.contains(it.key()), qPrintable(where + QStringLiteral(" missing")));
                const Cell& c = copy[it.key()];
                QVERIFY2(c.isNull == it->isNull, qPrintable(where + QStringLiteral(": NULL differs")));
                QVERIFY2(c.bytes == it->bytes,
                         qPrintable(where + QStringLiteral(": bytes differ (%1 vs %2 bytes)")
                                                .arg(it->bytes.size())
                                                .arg(c.bytes.size())));
                if (!it->isNull)
                    ++m_totalSecretCells;
            }
        }

        // 3. data_keys has Grafana's column types on this engine (formats.md 2.1).
        if (tables.contains(QStringLiteral("data_keys"))) {
            const auto cols = serverColumns(engine, server.db(), schema, QStringLiteral("data_keys"));
            QVERIFY2(cols.contains(QStringLiteral("label")), "data_keys.label missing");
            const ColumnType label = cols.value(QStringLiteral("label"));
            if (engine == Engine::PostgreSQL) {
                QCOMPARE(cols.value(QStringLiteral("name")).type, QStringLiteral("character varying(100)"));
                QCOMPARE(cols.value(QStringLiteral("active")).type, QStringLiteral("boolean"));
                QCOMPARE(cols.value(QStringLiteral("encrypted_data")).type, QStringLiteral("bytea"));
                QCOMPARE(cols.value(QStringLiteral("scope")).type, QStringLiteral("character varying(30)"));
                QCOMPARE(cols.value(QStringLiteral("provider")).type, QStringLiteral("character varying(50)"));
                QCOMPARE(cols.value(QStringLiteral("created")).type, QStringLiteral("timestamp without time zone"));
                QCOMPARE(label.type, QStringLiteral("character varying(100)"));
                QVERIFY(!label.nullable);
                QVERIFY2(label.defaultValue.toString().startsWith(QStringLiteral("''")),
                         qPrintable(label.defaultValue.toString()));
            } else {
                QCOMPARE(cols.value(QStringLiteral("name")).type, QStringLiteral("varchar(100)"));
                QCOMPARE(cols.value(QStringLiteral("name")).collation, QStringLiteral("utf8mb4_unicode_ci"));
                QCOMPARE(cols.value(QStringLiteral("active")).type, QStringLiteral("tinyint(1)"));
                QCOMPARE(cols.value(QStringLiteral("encrypted_data")).type, QStringLiteral("blob"));
                QCOMPARE(cols.value(QStringLiteral("created")).type, QStringLiteral("datetime"));
                QCOMPARE(label.type, QStringLiteral("varchar(100)"));
                QVERIFY(label.nullable);
                // MariaDB reports a nullable column without default as the literal 'NULL'.
                QVERIFY2(label.defaultValue.isNull() || label.defaultValue.toString() == QStringLiteral("NULL"),
                         qPrintable(label.defaultValue.toString()));
            }
            // Booleans survive: the number of active keys matches.
            QSqlQuery a(sqlite.db());
            QVERIFY(a.exec(QStringLiteral("SELECT COUNT(*) FROM data_keys WHERE active = 1")) && a.next());
            QSqlQuery b(server.db());
            QVERIFY2(b.exec(engine == Engine::PostgreSQL ? QStringLiteral("SELECT COUNT(*) FROM data_keys WHERE active = true")
                                                         : QStringLiteral("SELECT COUNT(*) FROM data_keys WHERE active = 1"))
                         && b.next(),
                     qPrintable(b.lastError().text()));
            QCOMPARE(b.value(0).toLongLong(), a.value(0).toLongLong());
        }

        // 4. Auto-increment ids continue after the copied rows (PostgreSQL sequences set).
        if (tables.contains(QStringLiteral("secrets"))) {
            QSqlQuery q(server.db());
            QVERIFY2(q.exec(QStringLiteral("INSERT INTO secrets (org_id, namespace, type, value, created, updated) "
                                           "VALUES (1, 'tsf', 'probe', NULL, '2024-01-01 00:00:00', "
                                           "'2024-01-01 00:00:00')")),
                     qPrintable(q.lastError().text()));
        }

        qInfo("%s: loaded in %lld ms, checked in %lld ms", QTest::currentDataTag(), loadMs,
              timer.elapsed() - loadMs);
        QVERIFY2(mk::test::dropServerSchema(engine, schema, &error), qPrintable(error));
        ++m_loaded;
    }

    void cleanupTestCase()
    {
        qInfo("%lld rows, %lld secret cells compared in %lld ms", m_totalRows, m_totalSecretCells,
              m_clock.elapsed());
        if (m_loaded == m_expectedLoads) // full run, not a selection of rows
            QVERIFY(m_totalSecretCells > 20000);
    }
};

QTEST_GUILESS_MAIN(TestServerFixtures)
#include "TestServerFixtures.moc"
