#include "GsmFixture.h"

#include "crypto/DataKey.h"
#include "crypto/GsmCipher.h"
#include "model/ops/SecretsManager.h"
#include "model/store/Database.h"
#include "tests/support/TestData.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUuid>

#include <vector>

namespace mk::test {

namespace {

struct KeySpec
{
    const char* uid;
    const char* nameSpace;
    const char* provider;
    bool active;
};

// uid, namespace, provider, active.
const KeySpec kKeys[] = {
    {"a1d0c3f2-0000-4000-8000-000000000001", "default", "secret_key.v1", true},
    {"b2d0c3f2-0000-4000-8000-000000000002", "default", "secret_key.v1", false},
    {"c3d0c3f2-0000-4000-8000-000000000003", "org-2", "secret_key.v2", true},
    {"d4d0c3f2-0000-4000-8000-000000000004", "stacks-7", "secret_key.v1", true},
    {"e5d0c3f2-0000-4000-8000-000000000005", "org-2", "secret_key.v1", false}, // unused
};

struct ValueSpec
{
    const char* nameSpace;
    const char* name;
    qint64 version;
    int key; // index into kKeys
    const char* plaintext;
    bool prefixLayout; // '#id#' even when the column exists
};

const ValueSpec kValues[] = {
    {"default", "gitsync-token", 1, 1, "ghp_oldTokenValue0001", false},
    {"default", "gitsync-token", 2, 0, "ghp_newTokenValue0002", false},
    {"default", "k6-token", 1, 0, "k6-7f3a9e1b", false},
    {"default", "empty-secret", 1, 0, "", false},
    {"org-2", "sm-token", 1, 2, "sm:glc_eyJrIjoiYWJjIn0=", false},
    {"org-2", "ds-password", 1, 2, "p\xc3\xa4sswo\xcc\x88rd\xe2\x9c\x93 #;", false},
    {"stacks-7", "repo-token", 1, 3, "repo-token-one", true},
    {"stacks-7", "repo-token", 3, 3, "repo-token-three", false},
};

void exec(QSqlQuery& q, const QString& what)
{
    if (!q.exec())
        qFatal("GsmFixture: %s: %s", qPrintable(what), qPrintable(q.lastError().text()));
}

void insertSecureValue(const QSqlDatabase& db, const QString& ns, const QString& name, qint64 version,
                       const QString& keeper, const QString& externalId)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO secret_secure_value (guid, name, namespace, created, created_by, updated, updated_by, "
        "external_id, active, version, description, keeper, decrypters) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)"));
    for (const QVariant& v : QVariantList{QUuid::createUuid().toString(QUuid::WithoutBraces), name, ns,
                                          1767225600, QStringLiteral("user:admin"), 1767225600,
                                          QStringLiteral("user:admin"), externalId, version,
                                          QStringLiteral("%1 (generated)").arg(name), keeper,
                                          QStringLiteral("[\"provisioning.grafana.app\"]")})
        q.addBindValue(v);
    exec(q, QStringLiteral("insert secure value"));
}

} // namespace

GsmFixture makeGsmFixture(const QString& sourceDatabase, const QString& dir, int extraValues)
{
    GsmFixture f;
    f.databasePath = copyFixture(sourceDatabase, dir);
    const QString connection = QStringLiteral("gsm-fixture-") + QUuid::createUuid().toString(QUuid::Id128);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(f.databasePath);
        if (!db.open())
            qFatal("GsmFixture: cannot open %s", qPrintable(f.databasePath));
        f.dataKeyIdColumn = db.record(QStringLiteral("secret_encrypted_value")).indexOf(QStringLiteral("data_key_id")) >= 0;
        std::vector<crypto::SecretBytes> raw;
        for (const KeySpec& k : kKeys) {
            crypto::SecretBytes dek = crypto::generateDataKey();
            const QByteArray kek = QByteArray(k.provider) == "secret_key.v1" ? kGsmKekV1 : kGsmKekV2;
            const QByteArray wrapped = crypto::gsm::encrypt(kek, dek.view()).value();
            QSqlQuery q(db);
            q.prepare(QStringLiteral("INSERT INTO secret_data_key (uid, namespace, label, active, provider, "
                                     "encrypted_data, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
            for (const QVariant& v : QVariantList{QLatin1String(k.uid), QLatin1String(k.nameSpace),
                                                  QStringLiteral("2026-03-01@%1").arg(QLatin1String(k.provider)),
                                                  k.active ? 1 : 0, QLatin1String(k.provider), wrapped,
                                                  QStringLiteral("2026-03-01 10:00:00"),
                                                  QStringLiteral("2026-03-01 10:00:00")})
                q.addBindValue(v);
            exec(q, QStringLiteral("insert data key"));
            f.dataKeyUids << QLatin1String(k.uid);
            raw.push_back(std::move(dek));
        }
        f.unusedDataKeyUid = QLatin1String(kKeys[4].uid);
        QList<ValueSpec> specs(std::begin(kValues), std::end(kValues));
        QList<QByteArray> bulkNames;
        for (int i = 0; i < extraValues; ++i) {
            bulkNames << QByteArray("bulk-") + QByteArray::number(i);
            bulkNames << QByteArray("bulk-secret-") + QByteArray::number(i * 7919);
        }
        for (int i = 0; i < extraValues; ++i)
            specs << ValueSpec{"default", bulkNames.at(2 * i).constData(), 1, i % 2, bulkNames.at(2 * i + 1).constData(), false};
        if (extraValues > 0)
            db.transaction();
        for (const ValueSpec& v : std::as_const(specs)) {
            const QString uid = QLatin1String(kKeys[v.key].uid);
            const QByteArray blob = crypto::gsm::encrypt(raw.at(v.key).view(), QByteArray(v.plaintext)).value();
            const bool prefix = v.prefixLayout || !f.dataKeyIdColumn;
            const QByteArray stored = prefix ? crypto::gsm::joinLegacyLayout(uid.toUtf8(), blob) : blob;
            QSqlQuery q(db);
            if (f.dataKeyIdColumn) {
                q.prepare(QStringLiteral("INSERT INTO secret_encrypted_value (namespace, name, version, "
                                         "encrypted_data, created, updated, data_key_id) VALUES (?, ?, ?, ?, ?, ?, ?)"));
            } else {
                q.prepare(QStringLiteral("INSERT INTO secret_encrypted_value (namespace, name, version, "
                                         "encrypted_data, created, updated) VALUES (?, ?, ?, ?, ?, ?)"));
            }
            QVariantList binds{QLatin1String(v.nameSpace), QLatin1String(v.name), v.version, stored,
                               1767225600, 1767225600};
            if (f.dataKeyIdColumn)
                binds << (prefix ? QStringLiteral("") : uid);
            for (const QVariant& b : binds)
                q.addBindValue(b);
            exec(q, QStringLiteral("insert value"));
            insertSecureValue(db, QLatin1String(v.nameSpace), QLatin1String(v.name), v.version,
                              QStringLiteral("system"), QStringLiteral(""));
            const QString rowId = QStringLiteral("%1/%2/%3").arg(QLatin1String(v.nameSpace), QLatin1String(v.name)).arg(v.version);
            f.plaintexts.insert(rowId, QByteArray(v.plaintext));
            f.valueKeys.insert(rowId, uid);
        }
        if (extraValues > 0)
            db.commit();
        insertSecureValue(db, QStringLiteral("default"), QStringLiteral("vault-ref"), 1, QStringLiteral("my-vault"),
                          QStringLiteral("secret/data/grafana#token"));
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return f;
}

QMap<QString, QByteArray> decryptGsmValues(const model::Target& target)
{
    QMap<QString, QByteArray> out;
    auto db = store::Database::open(target.connection);
    if (!db)
        return out;
    auto keys = store::loadGsmDataKeys(*db);
    auto values = store::loadGsmValues(*db);
    if (!keys || !values)
        return out;
    const model::GsmKeyRing ring(target.config.secretsManager, *keys);
    for (const store::GsmValueRow& v : *values) {
        auto plaintext = model::decryptGsmValue(v, ring);
        out.insert(v.rowId(), plaintext ? *plaintext
                                        : QByteArray("FAIL:") + model::reasonName(plaintext.error().reason).toUtf8());
    }
    return out;
}

QString writeGsmConfig(const QString& dir, const QString& provider, const QByteArray& v1Kek,
                       const QByteArray& cacheTtl)
{
    const QString path = QDir(dir).filePath(QStringLiteral("grafana-gsm.ini"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    const QByteArray ttl = cacheTtl.isEmpty() ? QByteArray() : "data_keys_cache_ttl = " + cacheTtl + "\n";
    file.write("[secrets_manager]\nencryption_provider = " + provider.toUtf8() + "\n" + ttl +
               "[secrets_manager.encryption.secret_key.v1]\nsecret_key = `" + v1Kek + "`\n"
               "[secrets_manager.encryption.secret_key.v2]\nsecret_key = " + QByteArray(kGsmKekV2) + "\n");
    return path;
}

model::Target gsmTargetFor(const QString& dbUrl, const QString& configPath, const QByteArray& legacySecretKey)
{
    model::OpenRequest request;
    request.dbUrl = dbUrl;
    request.configFile = configPath;
    request.environment = QProcessEnvironment();
    request.environment.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromUtf8(legacySecretKey));
    auto target = model::resolveTarget(request);
    if (!target)
        qFatal("resolveTarget failed: %s", qPrintable(target.error().message));
    return *target;
}

QString gsmFixtureWithoutColumn()
{
    return realFixturesDir() + QStringLiteral("/Jobensa__TerminalGalan__grafana-data_grafana.db");
}

QString gsmFixtureWithColumn()
{
    return realFixturesDir() + QStringLiteral("/joshbatley__home.muffled__monitoring_grafana_data_grafana.db");
}

} // namespace mk::test
