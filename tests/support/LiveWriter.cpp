// mk-live-writer: a test-only stand-in for a running Grafana/Mosaicoo server that keeps writing
// secrets while an operation runs (issue #9, "a live writer").
//
//   mk-live-writer --db URL --log FILE [--seed N] [--pause-ms MIN:MAX] [--hot-rows N]
//                  [--secret-key-file FILE]          (otherwise $MOSAICOO_SECRET_KEY)
//                  [--touch-evidence]
//
// --touch-evidence (issue #17): after every write, also do what a running server does on its own
// schedule: its periodic job stamps server_lock.last_execution (Unix seconds) of "delete old login
// attempts", and the alertmanager state in kv_store gets `updated` = now in UTC (DATETIME text),
// each in its own autocommit statement, only where the table exists.
//
// Every write is one transaction that does what the server's secrets service does
// (formats.md §1.9): look up the active data key of today's label `YYYY-MM-DD/root@secretKey.v1`
// (no ORDER BY: any active one), and when there is none - as after a rotate or a rollback - wrap
// 16 fresh random bytes with the secret key and INSERT a new data_keys row in the same
// transaction; then encrypt as `#b64raw(id)#*YWVzLWNmYg*salt|iv|ct`. Writes:
//   * update a data source: every field of data_source.secure_json_data is decrypted and
//     re-encrypted under the current key (the server's merge of the stored fields), one field gets
//     a new value (sometimes a field the row did not have), Go's JSON shape (sorted keys, no
//     spaces, padded base64), version = version + 1, updated = now (local time, like xorm);
//   * insert a data source (a copy of an existing row with a new name, uid and secrets);
//   * replace a `secrets.value` (unpadded base64 of an envelope of a JSON object).
// Half of the data-source updates go to the first --hot-rows rows, so an operation's batch very
// likely changes under it. SQLite transactions are the server's deferred BEGIN; a busy/locked
// database (or any failed statement) rolls the whole transaction back and retries it.
//
// After each commit it appends one line per value written (and per data key created) to the log:
//   seq TAB startMs TAB endMs TAB kind TAB table TAB rowId TAB field TAB sha256(plaintext) TAB keyId
// kind = update | insert | key. Plaintexts never leave the process; only their SHA-256 does.
// stdout: "ready" after the first committed write, "stopped writes=… skipped=… retries=… keys=…"
// at the end. It stops on SIGTERM/SIGINT, or when stdin (a pipe) is closed. Exit 0, or 2 when it
// cannot connect or a write keeps failing.

#include "crypto/DataKey.h"
#include "crypto/Envelope.h"
#include "crypto/Payload.h"
#include "crypto/SecretKeyProvider.h"
#include "crypto/SecretsDecrypter.h"
#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/ConnectionSpec.h"
#include "model/store/DataKeyRow.h"
#include "model/store/Database.h"
#include "model/store/SchemaInfo.h"
#include "model/store/SecretLocation.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <expected>
#include <optional>

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mk;

namespace {

volatile std::sig_atomic_t s_stop = 0;

extern "C" void onStopSignal(int)
{
    s_stop = 1;
}

constexpr int kMaxAttempts = 200; // per write, before the writer gives up (exit 2)
const char* const kProvider = "secretKey.v1";
const char* const kNewFieldNames[] = {"password", "basicAuthPassword", "apiKey", "token",
                                      "httpHeaderValue1", "tlsClientKey"};

struct Options
{
    QString db;
    QString log;
    QString secretKeyFile;
    quint32 seed = 1;
    int pauseMin = 5;
    int pauseMax = 15;
    int hotRows = 40;
    bool touchEvidence = false;
};

struct LogEntry
{
    QString kind;
    QString table;
    QString rowId;
    QString field;
    QByteArray sha256;
    QString keyId;
};

// One value to write: its field name and plaintext (wiped after use).
struct PlainField
{
    QString field;
    QByteArray plaintext;
};

QByteArray sha256Hex(const QByteArray& data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

void wipe(QByteArray& bytes)
{
    bytes.fill('\0');
    bytes.clear();
}

QString nowLocalText()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString todayLabel()
{
    return QDate::currentDate().toString(QStringLiteral("yyyy-MM-dd")) + QStringLiteral("/root@")
           + QLatin1String(kProvider);
}

// A failed attempt: retried (the whole transaction) unless fatal.
struct Failure
{
    QString detail;
};

template <typename T>
using Attempt = std::expected<T, Failure>;

std::unexpected<Failure> failed(const QString& detail)
{
    return std::unexpected(Failure{detail});
}

class Writer
{
public:
    Writer(store::Database db, QByteArray secretKey, const Options& options)
        : m_db(std::move(db))
        , m_secretKey(std::move(secretKey))
        , m_options(options)
        , m_random(options.seed)
        , m_dataSource(store::findSecretLocation(QStringLiteral("data_source.secure_json_data")))
    {
        m_keys.addProvider(std::make_shared<crypto::SecretKeyProvider>(crypto::SecretBytes(QByteArrayView(m_secretKey))));
    }

    bool init(QString* error)
    {
        auto schema = store::detectSchema(m_db);
        if (!schema) {
            *error = schema.error().detail;
            return false;
        }
        if (!schema->hasDataKeys || !schema->hasColumn(QStringLiteral("data_source"), QStringLiteral("secure_json_data"))) {
            *error = QStringLiteral("the database has no data_keys or data_source.secure_json_data");
            return false;
        }
        m_hasSecrets = schema->hasColumn(QStringLiteral("secrets"), QStringLiteral("value"));
        m_dataSourceIds = ids(QStringLiteral("data_source"));
        if (m_hasSecrets)
            m_secretIds = ids(QStringLiteral("secrets"));
        if (m_dataSourceIds.isEmpty()) {
            *error = QStringLiteral("data_source is empty (nothing to copy for inserts)");
            return false;
        }
        m_templateId = m_dataSourceIds.first();
        return true;
    }

    // One write with retries. false: gave up (fatal).
    bool writeOnce(QList<LogEntry>& entries, qint64& startMs, QString* error)
    {
        const int dice = int(m_random.bounded(100));
        for (int attempt = 0; attempt < kMaxAttempts && !s_stop; ++attempt) {
            entries.clear();
            m_pendingKeys = 0;
            m_pendingInsert.clear();
            startMs = QDateTime::currentMSecsSinceEpoch();
            QSqlDatabase handle = QSqlDatabase::database(m_db.connectionName(), false);
            if (!handle.transaction()) {
                ++m_retries;
                *error = handle.lastError().text();
                pauseBeforeRetry();
                continue;
            }
            Attempt<bool> done;
            if (dice < 12)
                done = insertDataSource(entries);
            else if (dice < 30 && m_hasSecrets && !m_secretIds.isEmpty())
                done = updateSecret(entries);
            else
                done = updateDataSource(entries);
            if (done && handle.commit()) {
                if (!*done)
                    ++m_skipped;
                m_keysCreated += m_pendingKeys;
                if (!m_pendingInsert.isEmpty())
                    m_dataSourceIds << m_pendingInsert;
                return true;
            }
            *error = done ? handle.lastError().text() : done.error().detail;
            handle.rollback();
            ++m_retries;
            pauseBeforeRetry();
        }
        entries.clear();
        return s_stop != 0;
    }

    // The liveness evidence of a running server (see --touch-evidence). Failures are ignored: the
    // next round stamps again.
    void touchEvidence()
    {
        const store::SchemaInfo* schema = m_db.cachedSchema() ? &*m_db.cachedSchema() : nullptr;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QSqlQuery q(QSqlDatabase::database(m_db.connectionName(), false));
        if (schema && schema->hasTable(QStringLiteral("server_lock"))) {
            const QString uid = QStringLiteral("delete old login attempts");
            q.prepare(QStringLiteral("UPDATE server_lock SET last_execution = ?, %1 = %1 + 1 WHERE operation_uid = ?")
                          .arg(quote(QStringLiteral("version"))));
            q.addBindValue(now);
            q.addBindValue(uid);
            if (q.exec() && q.numRowsAffected() == 0) {
                q.prepare(QStringLiteral("INSERT INTO server_lock (operation_uid, %1, last_execution) VALUES (?, 1, ?)")
                              .arg(quote(QStringLiteral("version"))));
                q.addBindValue(uid);
                q.addBindValue(now);
                q.exec();
            }
        }
        if (schema && schema->hasTable(QStringLiteral("kv_store"))) {
            q.prepare(QStringLiteral("UPDATE kv_store SET updated = ? WHERE namespace = ?"));
            q.addBindValue(QDateTime::fromSecsSinceEpoch(now, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
            q.addBindValue(QStringLiteral("alertmanager"));
            q.exec();
        }
    }

    qint64 retries() const { return m_retries; }
    qint64 skipped() const { return m_skipped; }
    qint64 keysCreated() const { return m_keysCreated; }

private:
    QStringList ids(const QString& table)
    {
        QStringList result;
        QSqlQuery q(QSqlDatabase::database(m_db.connectionName(), false));
        if (q.exec(QStringLiteral("SELECT %1 FROM %2 ORDER BY %1").arg(quote(QStringLiteral("id")), quote(table)))) {
            while (q.next())
                result << q.value(0).toString();
        }
        return result;
    }

    QString quote(const QString& identifier) const
    {
        if (m_db.driver() == store::ConnectionSpec::Driver::Mysql)
            return QLatin1Char('`') + identifier + QLatin1Char('`');
        return QLatin1Char('"') + identifier + QLatin1Char('"');
    }

    void pauseBeforeRetry() { QThread::msleep(2 + m_random.bounded(8)); }

    QByteArray newPlaintext(const QString& what)
    {
        return QStringLiteral("live-writer %1 %2 ").arg(m_options.seed).arg(what).toUtf8()
               + crypto::randomBytes(12).toHex();
    }

    // The current data key of today's label, created (inside the caller's transaction) when no
    // active one exists. Fills m_keys with every row so that stored values decrypt.
    Attempt<std::pair<QByteArray, crypto::SecretBytes>> currentKey(QList<LogEntry>& entries)
    {
        auto rows = store::loadDataKeys(m_db);
        if (!rows)
            return failed(rows.error().detail);
        const QString label = todayLabel();
        QSet<QByteArray> present;
        std::optional<store::DataKeyRow> current;
        for (const store::DataKeyRow& row : std::as_const(*rows)) {
            const QByteArray id = row.id.toUtf8();
            present.insert(id);
            if (!m_keys.contains(id))
                m_keys.addDataKey(id, row.provider, row.encryptedData);
            if (!current && row.active && row.label == label)
                current = row;
        }
        for (const QByteArray& id : std::as_const(m_knownIds)) {
            if (!present.contains(id))
                m_keys.removeDataKey(id);
        }
        m_knownIds = present;
        if (current) {
            auto key = m_keys.dataKey(current->id.toUtf8());
            if (!key)
                return failed(QStringLiteral("data key %1 does not unwrap: %2").arg(current->id, key.error().detail));
            return std::pair{current->id.toUtf8(), std::move(*key)};
        }
        crypto::SecretBytes dek = crypto::generateDataKey();
        const crypto::SecretKeyProvider provider{crypto::SecretBytes(QByteArrayView(m_secretKey))};
        auto wrapped = provider.wrap(dek.view());
        if (!wrapped)
            return failed(wrapped.error().detail);
        store::DataKeyRow row;
        row.id = crypto::generateDataKeyId();
        row.label = label;
        row.provider = QLatin1String(kProvider);
        row.scope = QStringLiteral("root");
        row.active = true;
        row.encryptedData = *wrapped;
        row.created = nowLocalText();
        row.updated = row.created;
        if (auto inserted = store::insertDataKey(m_db, row); !inserted)
            return failed(inserted.error().detail);
        m_keys.addDataKey(row.id.toUtf8(), row.provider, row.encryptedData);
        m_knownIds.insert(row.id.toUtf8());
        entries << LogEntry{QStringLiteral("key"), QStringLiteral("data_keys"), row.id, QString(), QByteArray(), row.id};
        ++m_pendingKeys;
        return std::pair{row.id.toUtf8(), std::move(dek)};
    }

    Attempt<QByteArray> encrypt(const QByteArray& plaintext, const std::pair<QByteArray, crypto::SecretBytes>& key)
    {
        auto inner = crypto::encryptPayload(plaintext, key.second.view());
        if (!inner)
            return failed(inner.error().detail);
        return crypto::buildEnvelope(key.first, *inner);
    }

    // Go's json.Marshal of map[string][]byte: sorted keys, no spaces, padded base64.
    Attempt<QByteArray> secureJson(QList<PlainField>& fields,
                                   const std::pair<QByteArray, crypto::SecretBytes>& key)
    {
        std::sort(fields.begin(), fields.end(),
                  [](const PlainField& a, const PlainField& b) { return a.field.toUtf8() < b.field.toUtf8(); });
        QByteArray json = "{";
        for (const PlainField& f : std::as_const(fields)) {
            auto payload = encrypt(f.plaintext, key);
            if (!payload)
                return std::unexpected(payload.error());
            if (json.size() > 1)
                json += ',';
            json += '"' + f.field.toUtf8() + "\":\"" + payload->toBase64() + '"';
        }
        json += '}';
        return json;
    }

    void logFields(QList<LogEntry>& entries, const QString& kind, const QString& table, const QString& rowId,
                   const QList<PlainField>& fields, const QByteArray& keyId)
    {
        for (const PlainField& f : fields)
            entries << LogEntry{kind, table, rowId, f.field, sha256Hex(f.plaintext), QString::fromUtf8(keyId)};
    }

    static void wipeAll(QList<PlainField>& fields)
    {
        for (PlainField& f : fields)
            wipe(f.plaintext);
    }

    QString pickDataSource()
    {
        const qsizetype hot = qMin<qsizetype>(m_options.hotRows, m_dataSourceIds.size());
        if (hot > 0 && m_random.bounded(2) == 0)
            return m_dataSourceIds.at(m_random.bounded(int(hot)));
        return m_dataSourceIds.at(m_random.bounded(int(m_dataSourceIds.size())));
    }

    // true: written; false: skipped (row gone, or a field that the server could not decrypt).
    Attempt<bool> updateDataSource(QList<LogEntry>& entries)
    {
        auto key = currentKey(entries);
        if (!key)
            return std::unexpected(key.error());
        const QString rowId = pickDataSource();
        auto cells = store::readCells(m_db, *m_dataSource, QString::number(rowId.toLongLong() - 1), 1);
        if (!cells)
            return failed(cells.error().detail);
        if (cells->isEmpty() || cells->first().rowId != rowId)
            return finishSkipped(entries);
        const store::Cell& cell = cells->first();
        const store::CellExpansion expansion = store::expandCell(*m_dataSource, cell.raw, cell.isNull);
        if (!expansion.problems.isEmpty())
            return finishSkipped(entries);
        QList<PlainField> fields;
        QSet<QString> names;
        for (const store::CellValue& value : expansion.values) {
            auto plaintext = crypto::decryptSecret(value.payload, m_secretKey, m_keys);
            if (!plaintext || names.contains(value.field)) { // duplicate keys: not the server's JSON
                wipeAll(fields);
                return finishSkipped(entries);
            }
            names.insert(value.field);
            fields << PlainField{value.field, std::move(*plaintext)};
        }
        QString field;
        if (!fields.isEmpty() && m_random.bounded(10) < 7) {
            field = fields.at(m_random.bounded(int(fields.size()))).field;
        } else {
            field = QLatin1String(kNewFieldNames[m_random.bounded(int(std::size(kNewFieldNames)))]);
        }
        const QByteArray plaintext = newPlaintext(QStringLiteral("update"));
        bool replaced = false;
        for (PlainField& f : fields) {
            if (f.field == field) {
                wipe(f.plaintext);
                f.plaintext = plaintext;
                replaced = true;
            }
        }
        if (!replaced)
            fields << PlainField{field, plaintext};
        auto json = secureJson(fields, *key);
        if (!json) {
            wipeAll(fields);
            return std::unexpected(json.error());
        }
        QSqlQuery q(QSqlDatabase::database(m_db.connectionName(), false));
        q.prepare(QStringLiteral("UPDATE %1 SET %2 = ?, %3 = %3 + 1, %4 = ? WHERE %5 = ?")
                      .arg(quote(QStringLiteral("data_source")), quote(QStringLiteral("secure_json_data")),
                           quote(QStringLiteral("version")), quote(QStringLiteral("updated")),
                           quote(QStringLiteral("id"))));
        q.addBindValue(QString::fromUtf8(*json));
        q.addBindValue(nowLocalText());
        q.addBindValue(rowId.toLongLong());
        if (!q.exec() || q.numRowsAffected() != 1) {
            wipeAll(fields);
            return failed(QStringLiteral("update data_source: %1").arg(q.lastError().text()));
        }
        logFields(entries, QStringLiteral("update"), QStringLiteral("data_source"), rowId, fields, key->first);
        wipeAll(fields);
        return true;
    }

    Attempt<bool> finishSkipped(QList<LogEntry>& entries)
    {
        // Only a created data key is worth committing from a skipped write (the server would
        // have committed it too); nothing else was written.
        entries.erase(std::remove_if(entries.begin(), entries.end(),
                                     [](const LogEntry& e) { return e.kind != QLatin1String("key"); }),
                      entries.end());
        return false;
    }

    Attempt<bool> updateSecret(QList<LogEntry>& entries)
    {
        auto key = currentKey(entries);
        if (!key)
            return std::unexpected(key.error());
        const QString rowId = m_secretIds.at(m_random.bounded(int(m_secretIds.size())));
        QByteArray plaintext = "{\"password\":\"" + newPlaintext(QStringLiteral("secret")) + "\"}";
        auto payload = encrypt(plaintext, *key);
        if (!payload) {
            wipe(plaintext);
            return std::unexpected(payload.error());
        }
        QSqlQuery q(QSqlDatabase::database(m_db.connectionName(), false));
        q.prepare(QStringLiteral("UPDATE %1 SET %2 = ?, %3 = ? WHERE %4 = ?")
                      .arg(quote(QStringLiteral("secrets")), quote(QStringLiteral("value")),
                           quote(QStringLiteral("updated")), quote(QStringLiteral("id"))));
        q.addBindValue(QString::fromLatin1(payload->toBase64(QByteArray::OmitTrailingEquals)));
        q.addBindValue(nowLocalText());
        q.addBindValue(rowId.toLongLong());
        if (!q.exec()) {
            wipe(plaintext);
            return failed(QStringLiteral("update secrets: %1").arg(q.lastError().text()));
        }
        if (q.numRowsAffected() != 1) {
            wipe(plaintext);
            return finishSkipped(entries);
        }
        entries << LogEntry{QStringLiteral("update"), QStringLiteral("secrets"), rowId, QStringLiteral("value"),
                            sha256Hex(plaintext), QString::fromUtf8(key->first)};
        wipe(plaintext);
        return true;
    }

    // A copy of the template row with a new name, uid, version 1, created/updated now and new
    // secrets (like POST /api/datasources).
    Attempt<bool> insertDataSource(QList<LogEntry>& entries)
    {
        auto key = currentKey(entries);
        if (!key)
            return std::unexpected(key.error());
        QSqlDatabase handle = QSqlDatabase::database(m_db.connectionName(), false);
        const QSqlRecord record = handle.record(QStringLiteral("data_source"));
        QStringList columns;
        for (int i = 0; i < record.count(); ++i) {
            if (record.fieldName(i).compare(QLatin1String("id"), Qt::CaseInsensitive) != 0)
                columns << record.fieldName(i);
        }
        QStringList quoted;
        for (const QString& c : std::as_const(columns))
            quoted << quote(c);
        QSqlQuery read(handle);
        read.prepare(QStringLiteral("SELECT %1 FROM %2 WHERE %3 = ?")
                         .arg(quoted.join(QStringLiteral(", ")), quote(QStringLiteral("data_source")),
                              quote(QStringLiteral("id"))));
        read.addBindValue(m_templateId.toLongLong());
        if (!read.exec())
            return failed(QStringLiteral("read template data source: %1").arg(read.lastError().text()));
        if (!read.next())
            return finishSkipped(entries);
        QVariantList values;
        for (int i = 0; i < columns.size(); ++i)
            values << read.value(i);
        read.finish();

        QList<PlainField> fields;
        const int count = 1 + int(m_random.bounded(2));
        for (int i = 0; i < count; ++i) {
            const QString field = QLatin1String(kNewFieldNames[m_random.bounded(int(std::size(kNewFieldNames)))]);
            if (std::none_of(fields.cbegin(), fields.cend(), [&field](const PlainField& f) { return f.field == field; }))
                fields << PlainField{field, newPlaintext(QStringLiteral("insert"))};
        }
        auto json = secureJson(fields, *key);
        if (!json) {
            wipeAll(fields);
            return std::unexpected(json.error());
        }
        const QString unique = QStringLiteral("lw%1x%2x%3")
                                   .arg(m_options.seed)
                                   .arg(QDateTime::currentMSecsSinceEpoch())
                                   .arg(m_random.bounded(1'000'000));
        for (int i = 0; i < columns.size(); ++i) {
            const QString c = columns.at(i).toLower();
            QVariant& v = values[i];
            if (c == QLatin1String("name"))
                v = QStringLiteral("live writer ") + unique;
            else if (c == QLatin1String("uid"))
                v = unique;
            else if (c == QLatin1String("version"))
                v = 1;
            else if (c == QLatin1String("secure_json_data"))
                v = QString::fromUtf8(*json);
            else if (c == QLatin1String("created") || c == QLatin1String("updated"))
                v = v.typeId() == QMetaType::QDateTime ? QVariant(QDateTime::currentDateTime()) : QVariant(nowLocalText());
        }
        QStringList marks;
        for (qsizetype i = 0; i < columns.size(); ++i)
            marks << QStringLiteral("?");
        const bool postgres = m_db.driver() == store::ConnectionSpec::Driver::Postgres;
        QSqlQuery insert(handle);
        insert.prepare(QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)%4")
                           .arg(quote(QStringLiteral("data_source")), quoted.join(QStringLiteral(", ")),
                                marks.join(QStringLiteral(", ")),
                                postgres ? QStringLiteral(" RETURNING id") : QString()));
        for (const QVariant& v : std::as_const(values))
            insert.addBindValue(v);
        if (!insert.exec()) {
            wipeAll(fields);
            return failed(QStringLiteral("insert data source: %1").arg(insert.lastError().text()));
        }
        QString rowId;
        if (postgres && insert.next())
            rowId = insert.value(0).toString();
        else if (!postgres)
            rowId = insert.lastInsertId().toString();
        if (rowId.isEmpty()) {
            wipeAll(fields);
            return failed(QStringLiteral("insert data source: no id"));
        }
        logFields(entries, QStringLiteral("insert"), QStringLiteral("data_source"), rowId, fields, key->first);
        wipeAll(fields);
        m_pendingInsert = rowId;
        return true;
    }

    store::Database m_db;
    QByteArray m_secretKey;
    Options m_options;
    QRandomGenerator m_random;
    const store::SecretLocation* m_dataSource = nullptr;
    crypto::DataKeyTable m_keys;
    QSet<QByteArray> m_knownIds;
    bool m_hasSecrets = false;
    QStringList m_dataSourceIds;
    QStringList m_secretIds;
    QString m_templateId;
    QString m_pendingInsert;
    qint64 m_pendingKeys = 0;
    qint64 m_keysCreated = 0;
    qint64 m_retries = 0;
    qint64 m_skipped = 0;
};

bool stdinIsPipe()
{
    struct stat st{};
    return fstat(STDIN_FILENO, &st) == 0 && S_ISFIFO(st.st_mode);
}

// Sleeps up to `ms`; true when stdin (a pipe) reached end of file.
bool pauseAndCheckStdin(int ms, bool watchStdin)
{
    if (!watchStdin) {
        QThread::msleep(static_cast<unsigned long>(ms));
        return false;
    }
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    const int ready = poll(&fd, 1, ms);
    if (ready <= 0)
        return false;
    char buffer[256];
    const ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
    return n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
}

int usage(const QString& message)
{
    std::fprintf(stderr, "mk-live-writer: %s\nusage: mk-live-writer --db URL --log FILE [--seed N] "
                         "[--pause-ms MIN:MAX] [--hot-rows N] [--secret-key-file FILE] [--touch-evidence]\n",
                 qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    Options options;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& a = args.at(i);
        const QString value = i + 1 < args.size() ? args.at(i + 1) : QString();
        if (a == QLatin1String("--db"))
            options.db = value;
        else if (a == QLatin1String("--log"))
            options.log = value;
        else if (a == QLatin1String("--secret-key-file"))
            options.secretKeyFile = value;
        else if (a == QLatin1String("--seed"))
            options.seed = value.toUInt();
        else if (a == QLatin1String("--hot-rows"))
            options.hotRows = value.toInt();
        else if (a == QLatin1String("--touch-evidence")) {
            options.touchEvidence = true;
            continue;
        } else if (a == QLatin1String("--pause-ms")) {
            const QStringList parts = value.split(QLatin1Char(':'));
            options.pauseMin = parts.value(0).toInt();
            options.pauseMax = parts.value(1, parts.value(0)).toInt();
        } else
            return usage(QStringLiteral("unknown argument %1").arg(a));
        ++i;
    }
    if (options.db.isEmpty() || options.log.isEmpty() || options.pauseMin < 0 || options.pauseMax < options.pauseMin)
        return usage(QStringLiteral("--db and --log are required"));

    QByteArray secretKey = qgetenv("MOSAICOO_SECRET_KEY");
    if (!options.secretKeyFile.isEmpty()) {
        QFile file(options.secretKeyFile);
        if (!file.open(QIODevice::ReadOnly))
            return usage(QStringLiteral("cannot read %1").arg(options.secretKeyFile));
        secretKey = file.readAll().trimmed();
    }
    if (secretKey.isEmpty())
        return usage(QStringLiteral("no secret key (MOSAICOO_SECRET_KEY or --secret-key-file)"));

    auto spec = store::ConnectionSpec::fromUrl(options.db);
    if (!spec)
        return usage(spec.error().detail);
    spec->readOnly = false;
    auto db = store::Database::open(*spec);
    if (!db) {
        std::fprintf(stderr, "mk-live-writer: cannot open %s: %s\n", qPrintable(spec->displayName()),
                     qPrintable(db.error().detail));
        return 2;
    }
    QFile log(options.log);
    if (!log.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
        std::fprintf(stderr, "mk-live-writer: cannot write %s\n", qPrintable(options.log));
        return 2;
    }

    Writer writer(std::move(*db), secretKey, options);
    wipe(secretKey);
    QString error;
    if (!writer.init(&error)) {
        std::fprintf(stderr, "mk-live-writer: %s\n", qPrintable(error));
        return 2;
    }
    std::signal(SIGTERM, onStopSignal);
    std::signal(SIGINT, onStopSignal);
    const bool watchStdin = stdinIsPipe();
    QRandomGenerator pauses(options.seed ^ 0x5eedu);

    qint64 seq = 0;
    qint64 writes = 0;
    bool stdinClosed = false;
    while (!s_stop && !stdinClosed) {
        QList<LogEntry> entries;
        qint64 startMs = 0;
        if (!writer.writeOnce(entries, startMs, &error)) {
            std::fprintf(stderr, "mk-live-writer: a write kept failing (%d attempts): %s\n", kMaxAttempts,
                         qPrintable(error));
            return 2;
        }
        const qint64 endMs = QDateTime::currentMSecsSinceEpoch();
        if (options.touchEvidence)
            writer.touchEvidence();
        for (const LogEntry& e : std::as_const(entries)) {
            const QString line = QStringLiteral("%1\t%2\t%3\t%4\t%5\t%6\t%7\t%8\t%9\n")
                                     .arg(++seq)
                                     .arg(startMs)
                                     .arg(endMs)
                                     .arg(e.kind, e.table, e.rowId, e.field, QString::fromLatin1(e.sha256), e.keyId);
            log.write(line.toUtf8());
        }
        log.flush();
        if (!entries.isEmpty() && writes++ == 0) {
            std::fputs("ready\n", stdout);
            std::fflush(stdout);
        }
        const int pause = options.pauseMin + int(pauses.bounded(options.pauseMax - options.pauseMin + 1));
        stdinClosed = pauseAndCheckStdin(pause, watchStdin);
    }
    std::fprintf(stdout, "stopped writes=%lld skipped=%lld retries=%lld keys=%lld\n", static_cast<long long>(writes),
                 static_cast<long long>(writer.skipped()), static_cast<long long>(writer.retries()),
                 static_cast<long long>(writer.keysCreated()));
    std::fflush(stdout);
    return 0;
}
