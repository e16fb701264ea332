#include "tests/support/ServerFixtures.h"

#include <QAtomicInteger>
#include <QCryptographicHash>
#include <QFile>
#include <QList>
#include <QMetaType>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringDecoder>
#include <QUrl>
#include <QVariant>

#include <algorithm>
#include <utility>

namespace mk::test {

namespace {

QString uniqueConnectionName(const QString& prefix)
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("mk_test_%1_%2").arg(prefix).arg(counter.fetchAndAddRelaxed(1));
}

bool validDatabaseName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9_]{1,60}$"));
    return re.match(name).hasMatch();
}

QString queryError(const QSqlQuery& q, const QString& what)
{
    return QStringLiteral("%1: %2 [%3]").arg(what, q.lastError().text(), q.lastQuery().left(300));
}

// --- column model --------------------------------------------------------------------------

enum class Kind { Int, Bool, Text, Blob, DateTime, Date, Real, Uuid };

struct Column
{
    QString name;
    QString declaredType; // upper case
    bool notNull = false;
    QString defaultSql;   // raw SQLite default expression, empty if none
    int pkIndex = 0;      // 1-based position in the primary key, 0 if not part of it
    Kind kind = Kind::Text;
    bool autoIncrement = false;
    QString fixedType;    // data_keys: exact type (with NOT NULL/DEFAULT) per engine
};

Kind kindOf(const QString& declared)
{
    const QString t = declared.toUpper();
    if (t.contains(QStringLiteral("BOOL")))
        return Kind::Bool;
    if (t.contains(QStringLiteral("INT")))
        return Kind::Int;
    if (t.contains(QStringLiteral("UUID")))
        return Kind::Uuid;
    if (t.contains(QStringLiteral("CHAR")) || t.contains(QStringLiteral("CLOB")) || t.contains(QStringLiteral("TEXT")))
        return Kind::Text;
    if (t.contains(QStringLiteral("DATETIME")) || t.contains(QStringLiteral("TIMESTAMP")))
        return Kind::DateTime;
    if (t == QStringLiteral("DATE"))
        return Kind::Date;
    if (t.contains(QStringLiteral("REAL")) || t.contains(QStringLiteral("FLOA")) || t.contains(QStringLiteral("DOUB"))
        || t.contains(QStringLiteral("NUMERIC")) || t.contains(QStringLiteral("DECIMAL")))
        return Kind::Real;
    return Kind::Blob; // BLOB and untyped columns
}

// formats.md section 2.1: data_keys exactly as Grafana creates it on each engine.
QString dataKeysType(Engine engine, const QString& column)
{
    static const QList<std::pair<QString, QString>> pg = {
        {QStringLiteral("name"), QStringLiteral("VARCHAR(100) NOT NULL")},
        {QStringLiteral("active"), QStringLiteral("BOOL NOT NULL")},
        {QStringLiteral("scope"), QStringLiteral("VARCHAR(30) NOT NULL")},
        {QStringLiteral("provider"), QStringLiteral("VARCHAR(50) NOT NULL")},
        {QStringLiteral("encrypted_data"), QStringLiteral("BYTEA NOT NULL")},
        {QStringLiteral("created"), QStringLiteral("TIMESTAMP NOT NULL")},
        {QStringLiteral("updated"), QStringLiteral("TIMESTAMP NOT NULL")},
        {QStringLiteral("label"), QStringLiteral("VARCHAR(100) NOT NULL DEFAULT ''")},
    };
    // The CHANGE ... VARCHAR(100) renames on MySQL dropped NOT NULL and DEFAULT '' from label.
    static const QList<std::pair<QString, QString>> my = {
        {QStringLiteral("name"), QStringLiteral("VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL")},
        {QStringLiteral("active"), QStringLiteral("TINYINT(1) NOT NULL")},
        {QStringLiteral("scope"), QStringLiteral("VARCHAR(30) NOT NULL")},
        {QStringLiteral("provider"), QStringLiteral("VARCHAR(50) NOT NULL")},
        {QStringLiteral("encrypted_data"), QStringLiteral("BLOB NOT NULL")},
        {QStringLiteral("created"), QStringLiteral("DATETIME NOT NULL")},
        {QStringLiteral("updated"), QStringLiteral("DATETIME NOT NULL")},
        {QStringLiteral("label"), QStringLiteral("VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL")},
    };
    for (const auto& [name, type] : engine == Engine::PostgreSQL ? pg : my) {
        if (name == column)
            return type;
    }
    return {};
}

QString defaultClause(Engine engine, const Column& c)
{
    if (c.defaultSql.isEmpty() || c.autoIncrement)
        return {};
    static const QRegularExpression number(QStringLiteral("^-?[0-9]+(\\.[0-9]+)?$"));
    static const QRegularExpression quoted(QStringLiteral("^'(?:[^']|'')*'$"));
    const QString d = c.defaultSql.trimmed();
    const bool isNumber = number.match(d).hasMatch();
    const bool isQuoted = quoted.match(d).hasMatch();
    if (!isNumber && !isQuoted)
        return {}; // expressions (CURRENT_TIMESTAMP, ...) are not carried over
    switch (c.kind) {
    case Kind::Bool:
        if (engine == Engine::PostgreSQL)
            return d == QStringLiteral("0") ? QStringLiteral(" DEFAULT false") : QStringLiteral(" DEFAULT true");
        return QStringLiteral(" DEFAULT ") + d;
    case Kind::Int:
    case Kind::Real:
        return isNumber ? QStringLiteral(" DEFAULT ") + d : QString();
    case Kind::Text:
    case Kind::Uuid:
        return QStringLiteral(" DEFAULT ") + (isQuoted ? d : QStringLiteral("'%1'").arg(d));
    case Kind::Blob:
    case Kind::DateTime:
    case Kind::Date:
        return {};
    }
    return {};
}

QString columnType(Engine engine, const Column& c)
{
    if (!c.fixedType.isEmpty())
        return c.fixedType;
    const bool pg = engine == Engine::PostgreSQL;
    QString type;
    switch (c.kind) {
    case Kind::Int:
        type = c.autoIncrement ? (pg ? QStringLiteral("BIGSERIAL") : QStringLiteral("BIGINT AUTO_INCREMENT"))
                               : QStringLiteral("BIGINT");
        break;
    case Kind::Bool:
        type = pg ? QStringLiteral("BOOLEAN") : QStringLiteral("TINYINT(1)");
        break;
    case Kind::Text:
        type = pg ? QStringLiteral("TEXT") : (c.pkIndex > 0 ? QStringLiteral("VARCHAR(190)") : QStringLiteral("LONGTEXT"));
        break;
    case Kind::Blob:
        type = pg ? QStringLiteral("BYTEA") : (c.pkIndex > 0 ? QStringLiteral("VARBINARY(190)") : QStringLiteral("LONGBLOB"));
        break;
    case Kind::DateTime:
        type = pg ? QStringLiteral("TIMESTAMP") : QStringLiteral("DATETIME");
        break;
    case Kind::Date:
        type = QStringLiteral("DATE");
        break;
    case Kind::Real:
        type = pg ? QStringLiteral("DOUBLE PRECISION") : QStringLiteral("DOUBLE");
        break;
    case Kind::Uuid:
        type = pg ? QStringLiteral("UUID") : QStringLiteral("VARCHAR(36)");
        break;
    }
    if (c.notNull || c.pkIndex > 0)
        type += QStringLiteral(" NOT NULL");
    return type + defaultClause(engine, c);
}

// Grafana/Go writes DATETIME cells in several text forms ("2024-01-02 03:04:05",
// "...05.123456789+02:00", "...05.123 +0000 UTC m=+1.2", "2024-01-02"). The servers get the
// wall-clock part; PostgreSQL keeps microseconds, MySQL DATETIME whole seconds.
bool normaliseDateTime(Engine engine, Kind kind, const QString& in, QString* out)
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T]([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\\.([0-9]+))?)?"));
    const auto m = re.match(in);
    if (!m.hasMatch())
        return false;
    if (kind == Kind::Date) {
        *out = m.captured(1);
        return true;
    }
    QString s = m.captured(1) + QLatin1Char(' ')
                + (m.captured(2).isEmpty() ? QStringLiteral("00:00:00") : m.captured(2));
    if (engine == Engine::PostgreSQL && !m.captured(3).isEmpty())
        s += QLatin1Char('.') + m.captured(3).left(6);
    *out = s;
    return true;
}

QVariant typedNull(Engine engine, Kind kind)
{
    switch (kind) {
    case Kind::Int:
        return QVariant(QMetaType(QMetaType::LongLong));
    case Kind::Bool:
        return engine == Engine::PostgreSQL ? QVariant(QMetaType(QMetaType::QString)) : QVariant(QMetaType(QMetaType::Int));
    case Kind::Blob:
        return QVariant(QMetaType(QMetaType::QByteArray));
    case Kind::Real:
        return QVariant(QMetaType(QMetaType::Double));
    case Kind::Text:
    case Kind::DateTime:
    case Kind::Date:
    case Kind::Uuid:
        return QVariant(QMetaType(QMetaType::QString));
    }
    return {};
}

// Qt SQL binds a *null* QString/QByteArray as SQL NULL, and SQLite hands out empty TEXT/BLOB
// cells as null Qt values; empty cells must stay empty strings, not NULL.
QVariant nonNull(const QString& s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

QVariant nonNull(const QByteArray& b)
{
    return b.isNull() ? QVariant(QByteArray("", 0)) : QVariant(b);
}

// Converts one SQLite cell for the server column. Blob columns are read with CAST(... AS BLOB)
// so they always arrive as the exact bytes.
bool convertValue(Engine engine, const Column& c, const QVariant& v, QVariant* out, QString* error)
{
    if (v.isNull()) {
        *out = typedNull(engine, c.kind);
        return true;
    }
    const auto fail = [&](const QString& why) {
        *error = QStringLiteral("column %1 (%2): %3: %4")
                     .arg(c.name, c.declaredType, why, v.toString().left(80));
        return false;
    };
    switch (c.kind) {
    case Kind::Int: {
        bool ok = false;
        const qlonglong n = v.toLongLong(&ok);
        if (!ok)
            return fail(QStringLiteral("not an integer"));
        *out = QVariant::fromValue(n);
        return true;
    }
    case Kind::Bool: {
        bool ok = false;
        const qlonglong n = v.toLongLong(&ok);
        if (!ok)
            return fail(QStringLiteral("not a boolean integer"));
        // QPSQL inlines a bool as 1/0, which PostgreSQL will not coerce to BOOL; 'true' will.
        *out = engine == Engine::PostgreSQL ? QVariant(n != 0 ? QStringLiteral("true") : QStringLiteral("false"))
                                            : QVariant(n != 0 ? 1 : 0);
        return true;
    }
    case Kind::Text:
    case Kind::Uuid: {
        if (v.typeId() == QMetaType::QByteArray) {
            // A BLOB cell in a TEXT column (e.g. signing_key.private_key): must be valid UTF-8.
            const QByteArray bytes = v.toByteArray();
            QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
            const QString text = decoder(bytes);
            if (decoder.hasError() || bytes.contains('\0'))
                return fail(QStringLiteral("BLOB cell is not NUL-free UTF-8 text"));
            *out = nonNull(text);
            return true;
        }
        *out = nonNull(v.toString());
        return true;
    }
    case Kind::Blob:
        *out = nonNull(v.typeId() == QMetaType::QByteArray ? v.toByteArray() : v.toString().toUtf8());
        return true;
    case Kind::Real: {
        bool ok = false;
        const double d = v.toDouble(&ok);
        if (!ok)
            return fail(QStringLiteral("not a number"));
        *out = d;
        return true;
    }
    case Kind::DateTime:
    case Kind::Date: {
        QString s;
        if (!normaliseDateTime(engine, c.kind, v.toString(), &s)) {
            if (!c.notNull && v.toString().trimmed().isEmpty()) {
                *out = typedNull(engine, c.kind);
                return true;
            }
            return fail(QStringLiteral("unparseable date/time"));
        }
        *out = s;
        return true;
    }
    }
    return fail(QStringLiteral("unhandled kind"));
}

struct Table
{
    QString name;
    QList<Column> columns;
};

bool readSchema(QSqlDatabase& sqlite, QList<Table>* tables, QString* error)
{
    QSqlQuery q(sqlite);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                               "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"))) {
        *error = queryError(q, QStringLiteral("reading sqlite_master"));
        return false;
    }
    QList<std::pair<QString, QString>> names;
    while (q.next())
        names.append({q.value(0).toString(), q.value(1).toString()});

    for (const auto& [name, sql] : names) {
        Table t;
        t.name = name;
        QSqlQuery info(sqlite);
        QString quoted = name;
        quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        if (!info.exec(QStringLiteral("PRAGMA table_info(\"%1\")").arg(quoted))) {
            *error = queryError(info, QStringLiteral("reading columns of %1").arg(name));
            return false;
        }
        int pkCount = 0;
        while (info.next()) {
            Column c;
            c.name = info.value(1).toString();
            c.declaredType = info.value(2).toString().trimmed().toUpper();
            c.notNull = info.value(3).toInt() != 0;
            c.defaultSql = info.value(4).isNull() ? QString() : info.value(4).toString();
            c.pkIndex = info.value(5).toInt();
            c.kind = kindOf(c.declaredType);
            if (c.pkIndex > 0)
                ++pkCount;
            t.columns.append(c);
        }
        // INTEGER PRIMARY KEY AUTOINCREMENT (Grafana's id columns) -> BIGSERIAL / AUTO_INCREMENT.
        const bool autoinc = sql.contains(QStringLiteral("AUTOINCREMENT"), Qt::CaseInsensitive);
        for (Column& c : t.columns) {
            if (autoinc && pkCount == 1 && c.pkIndex == 1 && c.kind == Kind::Int)
                c.autoIncrement = true;
        }
        tables->append(t);
    }
    return true;
}

QString createTableSql(Engine engine, const Table& t)
{
    QStringList defs;
    QList<std::pair<int, QString>> pk;
    for (const Column& c : t.columns) {
        defs << quoteIdentifier(engine, c.name) + QLatin1Char(' ') + columnType(engine, c);
        if (c.pkIndex > 0)
            pk.append({c.pkIndex, quoteIdentifier(engine, c.name)});
    }
    std::sort(pk.begin(), pk.end());
    if (!pk.isEmpty()) {
        QStringList cols;
        for (const auto& p : std::as_const(pk))
            cols << p.second;
        defs << QStringLiteral("PRIMARY KEY (%1)").arg(cols.join(QStringLiteral(", ")));
    }
    QString sql = QStringLiteral("CREATE TABLE %1 (\n  %2\n)")
                      .arg(quoteIdentifier(engine, t.name), defs.join(QStringLiteral(",\n  ")));
    if (engine == Engine::MySQL)
        sql += QStringLiteral(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    return sql;
}

QString withDatabase(const QString& url, const QString& database)
{
    QUrl u(url);
    u.setPath(QLatin1Char('/') + database);
    return u.toString();
}

bool openFromUrl(Engine engine, const QString& url, const QString& connectionName, QString* error)
{
    const QUrl u(url);
    if (url.isEmpty() || !u.isValid()) {
        *error = QStringLiteral("no %1 server URL (is MK_DBSERVERS_DIR set and db-servers.sh started?)")
                     .arg(engineName(engine));
        return false;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(
        engine == Engine::PostgreSQL ? QStringLiteral("QPSQL") : QStringLiteral("QMYSQL"), connectionName);
    if (!db.isValid()) {
        *error = QStringLiteral("Qt SQL driver for %1 not available (install libqt6sql6-%2)")
                     .arg(engineName(engine), engine == Engine::PostgreSQL ? QStringLiteral("psql")
                                                                            : QStringLiteral("mysql"));
        return false;
    }
    db.setHostName(u.host());
    db.setPort(u.port(engine == Engine::PostgreSQL ? 5432 : 3306));
    db.setUserName(u.userName(QUrl::FullyDecoded));
    db.setPassword(u.password(QUrl::FullyDecoded));
    db.setDatabaseName(u.path(QUrl::FullyDecoded).mid(1));
    db.setConnectOptions(engine == Engine::PostgreSQL ? QStringLiteral("connect_timeout=15")
                                                      : QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=15"));
    if (!db.open()) {
        *error = QStringLiteral("cannot connect to %1: %2").arg(u.toDisplayString(QUrl::RemovePassword),
                                                                 db.lastError().text());
        return false;
    }
    if (engine == Engine::MySQL) {
        QSqlQuery q(db);
        q.exec(QStringLiteral("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci"));
        q.exec(QStringLiteral("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'"));
    }
    return true;
}

bool exec(QSqlDatabase& db, const QString& sql, QString* error)
{
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        *error = queryError(q, QStringLiteral("SQL failed"));
        return false;
    }
    return true;
}

bool recreateDatabase(Engine engine, const QString& name, QString* error)
{
    ServerConnection admin(engine);
    if (!admin.isOpen()) {
        *error = admin.error();
        return false;
    }
    QSqlDatabase db = admin.db();
    const QString q = quoteIdentifier(engine, name);
    if (engine == Engine::PostgreSQL) {
        return exec(db, QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(q), error)
               && exec(db, QStringLiteral("CREATE DATABASE %1 ENCODING 'UTF8'").arg(q), error);
    }
    return exec(db, QStringLiteral("DROP DATABASE IF EXISTS %1").arg(q), error)
           && exec(db,
                   QStringLiteral("CREATE DATABASE %1 CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").arg(q),
                   error);
}

bool copyTable(QSqlDatabase& sqlite, QSqlDatabase& server, Engine engine, const Table& t, QString* error)
{
    QStringList selectCols;
    QStringList insertCols;
    for (const Column& c : t.columns) {
        QString sq = c.name;
        sq.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        sq = QLatin1Char('"') + sq + QLatin1Char('"');
        selectCols << (c.kind == Kind::Blob ? QStringLiteral("CAST(%1 AS BLOB)").arg(sq) : sq);
        insertCols << quoteIdentifier(engine, c.name);
    }
    QString st = t.name;
    st.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    QSqlQuery read(sqlite);
    read.setForwardOnly(true);
    if (!read.exec(QStringLiteral("SELECT %1 FROM \"%2\" ORDER BY rowid")
                       .arg(selectCols.join(QStringLiteral(", ")), st))
        && !read.exec(QStringLiteral("SELECT %1 FROM \"%2\"").arg(selectCols.join(QStringLiteral(", ")), st))) {
        *error = queryError(read, QStringLiteral("reading %1").arg(t.name));
        return false;
    }

    const int ncols = int(t.columns.size());
    const int batchRows = std::max(1, std::min(500, 4000 / std::max(1, ncols)));
    const QString rowMarks = QLatin1Char('(') + QStringList(ncols, QStringLiteral("?")).join(QLatin1Char(',')) + QLatin1Char(')');
    const QString insertHead = QStringLiteral("INSERT INTO %1 (%2) VALUES ")
                                   .arg(quoteIdentifier(engine, t.name), insertCols.join(QStringLiteral(", ")));

    QList<QVariant> pending;
    pending.reserve(batchRows * ncols);
    int pendingRows = 0;
    int preparedRows = -1;
    QSqlQuery insert(server);

    const auto flush = [&]() -> bool {
        if (pendingRows == 0)
            return true;
        if (pendingRows != preparedRows) {
            insert = QSqlQuery(server);
            if (!insert.prepare(insertHead + QStringList(pendingRows, rowMarks).join(QLatin1Char(',')))) {
                *error = queryError(insert, QStringLiteral("preparing insert into %1").arg(t.name));
                return false;
            }
            preparedRows = pendingRows;
        }
        for (int i = 0; i < pending.size(); ++i)
            insert.bindValue(i, pending.at(i));
        if (!insert.exec()) {
            *error = queryError(insert, QStringLiteral("inserting into %1").arg(t.name));
            return false;
        }
        pending.clear();
        pendingRows = 0;
        return true;
    };

    if (!server.transaction()) {
        *error = QStringLiteral("cannot begin transaction: %1").arg(server.lastError().text());
        return false;
    }
    const auto rollback = [&]() {
        server.rollback();
        return false;
    };
    while (read.next()) {
        for (int i = 0; i < ncols; ++i) {
            QVariant v;
            QString why;
            if (!convertValue(engine, t.columns.at(i), read.value(i), &v, &why)) {
                *error = QStringLiteral("table %1: %2").arg(t.name, why);
                return rollback();
            }
            pending.append(v);
        }
        if (++pendingRows == batchRows && !flush())
            return rollback();
    }
    if (read.lastError().isValid()) {
        *error = queryError(read, QStringLiteral("reading %1").arg(t.name));
        return rollback();
    }
    if (!flush())
        return rollback();
    insert = QSqlQuery(server); // release the prepared statement before committing

    // Keep BIGSERIAL sequences ahead of the copied ids.
    if (engine == Engine::PostgreSQL) {
        for (const Column& c : t.columns) {
            if (!c.autoIncrement)
                continue;
            QString lit = quoteIdentifier(engine, t.name);
            lit.replace(QLatin1Char('\''), QStringLiteral("''"));
            const QString col = quoteIdentifier(engine, c.name);
            if (!exec(server,
                      QStringLiteral("SELECT setval(pg_get_serial_sequence('%1', '%2'), "
                                     "COALESCE((SELECT MAX(%3) FROM %4), 0) + 1, false)")
                          .arg(lit, QString(c.name).replace(QLatin1Char('\''), QStringLiteral("''")), col,
                               quoteIdentifier(engine, t.name)),
                      error))
                return rollback();
        }
    }
    if (!server.commit()) {
        *error = QStringLiteral("commit of %1 failed: %2").arg(t.name, server.lastError().text());
        return false;
    }
    return true;
}

QString readEnvFileValue(const QString& key)
{
    const QString dir = dbServersDir();
    if (dir.isEmpty())
        return QString::fromLocal8Bit(qgetenv(key.toLatin1().constData()));
    QFile f(dir + QStringLiteral("/env"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray prefix = key.toLatin1() + '=';
    for (const QByteArray& raw : f.readAll().split('\n')) {
        const QByteArray line = raw.trimmed();
        if (line.startsWith(prefix))
            return QString::fromUtf8(line.mid(prefix.size()));
    }
    return {};
}

} // namespace

QString engineName(Engine engine)
{
    return engine == Engine::PostgreSQL ? QStringLiteral("postgresql") : QStringLiteral("mysql");
}

QString dbServersDir()
{
    return QString::fromLocal8Bit(qgetenv("MK_DBSERVERS_DIR"));
}

QString serverUrl(Engine engine)
{
    return readEnvFileValue(engine == Engine::PostgreSQL ? QStringLiteral("MK_TEST_PG_URL")
                                                         : QStringLiteral("MK_TEST_MYSQL_URL"));
}

int serverPort(Engine engine)
{
    const QUrl u(serverUrl(engine));
    return u.isValid() ? u.port(0) : 0;
}

QString tlsCaFile()
{
    return readEnvFileValue(QStringLiteral("MK_TEST_TLS_CA"));
}

QString tlsOtherCaFile()
{
    return readEnvFileValue(QStringLiteral("MK_TEST_TLS_OTHER_CA"));
}

QString serverUser()
{
    return QUrl(serverUrl(Engine::PostgreSQL)).userName(QUrl::FullyDecoded);
}

QString serverPassword()
{
    return QUrl(serverUrl(Engine::PostgreSQL)).password(QUrl::FullyDecoded);
}

QString urlForSchema(Engine engine, const QString& schemaName)
{
    const QString base = serverUrl(engine);
    if (base.isEmpty() || !validDatabaseName(schemaName))
        return {};
    return withDatabase(base, schemaName);
}

QString schemaNameFor(const QString& prefix, const QString& key)
{
    const auto clean = [](const QString& s) {
        QString out;
        for (const QChar ch : s.toLower()) {
            if ((ch >= QLatin1Char('a') && ch <= QLatin1Char('z')) || (ch >= QLatin1Char('0') && ch <= QLatin1Char('9')))
                out += ch;
            else if (!out.endsWith(QLatin1Char('_')))
                out += QLatin1Char('_');
        }
        return out;
    };
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash((prefix + QLatin1Char('\n') + key).toUtf8(), QCryptographicHash::Sha1).toHex().left(10));
    QString p = clean(prefix).left(16);
    // Keep the file's base name readable: strip directories and the .db suffix.
    QString base = key.section(QLatin1Char('/'), -1);
    if (base.endsWith(QStringLiteral(".db")))
        base.chop(3);
    QString name = p + QLatin1Char('_') + clean(base);
    name = name.left(60 - 1 - hash.size());
    while (name.endsWith(QLatin1Char('_')))
        name.chop(1);
    name += QLatin1Char('_') + hash;
    if (!name.isEmpty() && name.at(0).isDigit())
        name.prepend(QLatin1Char('t'));
    return name.left(60);
}

QString quoteIdentifier(Engine engine, const QString& identifier)
{
    if (engine == Engine::PostgreSQL) {
        QString s = identifier;
        s.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        return QLatin1Char('"') + s + QLatin1Char('"');
    }
    QString s = identifier;
    s.replace(QLatin1Char('`'), QStringLiteral("``"));
    return QLatin1Char('`') + s + QLatin1Char('`');
}

bool dropServerSchema(Engine engine, const QString& schemaName, QString* error)
{
    QString dummy;
    QString* err = error ? error : &dummy;
    if (!validDatabaseName(schemaName) || schemaName == QStringLiteral("mk")) {
        *err = QStringLiteral("invalid database name '%1'").arg(schemaName);
        return false;
    }
    ServerConnection admin(engine);
    if (!admin.isOpen()) {
        *err = admin.error();
        return false;
    }
    QSqlDatabase db = admin.db();
    return exec(db,
                engine == Engine::PostgreSQL
                    ? QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(quoteIdentifier(engine, schemaName))
                    : QStringLiteral("DROP DATABASE IF EXISTS %1").arg(quoteIdentifier(engine, schemaName)),
                err);
}

bool loadSqliteIntoServer(const QString& sqlitePath, Engine engine, const QString& schemaName, QString* error)
{
    QString dummy;
    QString* err = error ? error : &dummy;
    if (!validDatabaseName(schemaName) || schemaName == QStringLiteral("mk")) {
        *err = QStringLiteral("invalid database name '%1' (want [a-z0-9_]{1,60}, not 'mk')").arg(schemaName);
        return false;
    }
    if (!QFile::exists(sqlitePath)) {
        *err = QStringLiteral("no such SQLite file: %1").arg(sqlitePath);
        return false;
    }

    const QString sqliteName = uniqueConnectionName(QStringLiteral("sqlite"));
    bool ok = false;
    {
        QSqlDatabase sqlite = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), sqliteName);
        // Read-only and immutable: the fixtures live in a read-only folder and must stay untouched.
        sqlite.setDatabaseName(QUrl::fromLocalFile(sqlitePath).toString(QUrl::FullyEncoded)
                               + QStringLiteral("?mode=ro&immutable=1"));
        sqlite.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"));
        QList<Table> tables;
        if (!sqlite.open()) {
            *err = QStringLiteral("cannot open %1: %2").arg(sqlitePath, sqlite.lastError().text());
        } else if (readSchema(sqlite, &tables, err) && recreateDatabase(engine, schemaName, err)) {
            ServerConnection target(engine, schemaName);
            if (!target.isOpen()) {
                *err = target.error();
            } else {
                QSqlDatabase server = target.db();
                ok = true;
                for (Table& t : tables) {
                    if (t.name == QStringLiteral("data_keys")) {
                        for (Column& c : t.columns) {
                            c.fixedType = dataKeysType(engine, c.name);
                            if (c.name == QStringLiteral("active"))
                                c.kind = Kind::Bool;
                            else if (c.name == QStringLiteral("encrypted_data"))
                                c.kind = Kind::Blob;
                            else if (c.name == QStringLiteral("created") || c.name == QStringLiteral("updated"))
                                c.kind = Kind::DateTime;
                            else if (!c.fixedType.isEmpty())
                                c.kind = Kind::Text;
                        }
                    }
                    if (!exec(server, createTableSql(engine, t), err)
                        || !copyTable(sqlite, server, engine, t, err)) {
                        *err = QStringLiteral("%1 -> %2/%3: %4")
                                   .arg(sqlitePath.section(QLatin1Char('/'), -1), engineName(engine), schemaName, *err);
                        ok = false;
                        break;
                    }
                }
            }
        }
        sqlite.close();
    }
    QSqlDatabase::removeDatabase(sqliteName);
    return ok;
}

ServerConnection::ServerConnection(Engine engine, const QString& database)
    : m_engine(engine)
    , m_connectionName(uniqueConnectionName(engineName(engine)))
{
    QString url = serverUrl(engine);
    if (!url.isEmpty() && !database.isEmpty())
        url = withDatabase(url, database);
    openFromUrl(engine, url, m_connectionName, &m_error);
}

ServerConnection::~ServerConnection()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

bool ServerConnection::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && QSqlDatabase::database(m_connectionName, false).isOpen();
}

QSqlDatabase ServerConnection::db() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

} // namespace mk::test
