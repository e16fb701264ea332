#include "model/ops/DemoDatabase.h"

#include "crypto/Base64.h"
#include "crypto/DataKey.h"
#include "crypto/Envelope.h"
#include "crypto/Payload.h"
#include "crypto/SecretKeyProvider.h"
#include "model/config/SecretKeySource.h"
#include "model/ops/OpenedDatabase.h"
#include "model/store/DemoSchema.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>

namespace mk::model {

namespace {

using Row = QList<QPair<QString, QVariant>>;

enum class Style
{
    Legacy91,        // unprefixed CFB with the secret key
    LegacyPrefixed,  // *aes-cfb* with the secret key
    LegacyGcm,       // *aes-gcm* with the secret key
    EnvelopeActive,  // envelope under today's active key
    EnvelopeRotated, // envelope under the rotated key
    EnvelopeGcm,     // envelope, inner aes-gcm, active key
    Orphaned,        // envelope naming a data key that no longer exists
    Tampered,        // envelope aes-gcm with a flipped tag bit
};

struct DemoKey
{
    QString id;
    crypto::SecretBytes dek;
};

class DemoWriter
{
public:
    DemoWriter(store::Database& db, QByteArray secretKey)
        : m_db(db)
        , m_secretKey(std::move(secretKey))
    {
    }

    Result<void> addKey(const QString& label, bool isActive, const QString& created, DemoKey& key)
    {
        key.id = crypto::generateDataKeyId();
        key.dek = crypto::generateDataKey();
        const crypto::SecretKeyProvider provider{crypto::SecretBytes(QByteArrayView(m_secretKey))};
        auto wrapped = provider.wrap(key.dek.view());
        if (!wrapped)
            return fail(ErrorKind::Failed, wrapped.error().detail);
        return insert(QStringLiteral("data_keys"),
                      {{QStringLiteral("name"), key.id},
                       {QStringLiteral("active"), isActive ? 1 : 0},
                       {QStringLiteral("scope"), QStringLiteral("root")},
                       {QStringLiteral("provider"), QStringLiteral("secretKey.v1")},
                       {QStringLiteral("encrypted_data"), *wrapped},
                       {QStringLiteral("created"), created},
                       {QStringLiteral("updated"), created},
                       {QStringLiteral("label"), label}});
    }

    // Encrypted payload bytes of `plaintext` in the given style.
    QByteArray payload(const QByteArray& plaintext, Style style)
    {
        ++m_values;
        crypto::EncryptOptions options;
        switch (style) {
        case Style::Legacy91:
            options.writePrefix = false;
            return crypto::encryptPayload(plaintext, m_secretKey, options).value_or(QByteArray());
        case Style::LegacyPrefixed:
            return crypto::encryptPayload(plaintext, m_secretKey, options).value_or(QByteArray());
        case Style::LegacyGcm:
            options.algorithm = crypto::Algorithm::AesGcm;
            return crypto::encryptPayload(plaintext, m_secretKey, options).value_or(QByteArray());
        case Style::EnvelopeActive:
            return envelope(plaintext, active, crypto::Algorithm::AesCfb);
        case Style::EnvelopeRotated:
            return envelope(plaintext, rotated, crypto::Algorithm::AesCfb);
        case Style::EnvelopeGcm:
            return envelope(plaintext, active, crypto::Algorithm::AesGcm);
        case Style::Orphaned: {
            DemoKey gone{QStringLiteral("dk0rphan3dk3y1"), crypto::generateDataKey()};
            return envelope(plaintext, gone, crypto::Algorithm::AesCfb);
        }
        case Style::Tampered: {
            QByteArray value = envelope(plaintext, active, crypto::Algorithm::AesGcm);
            value[value.size() - 5] = static_cast<char>(value.at(value.size() - 5) ^ 0x10);
            return value;
        }
        }
        return {};
    }

    QString std64(const QByteArray& plaintext, Style style)
    {
        return QString::fromLatin1(crypto::base64::encodeStd(payload(plaintext, style)));
    }
    QString raw64(const QByteArray& plaintext, Style style)
    {
        return QString::fromLatin1(crypto::base64::encodeRaw(payload(plaintext, style)));
    }

    // secure_json_data: Go's json.Marshal of map[string][]byte (sorted keys, padded base64)
    QString secureJson(const QList<QPair<QString, QByteArray>>& fields, Style style)
    {
        QJsonObject object;
        for (const auto& [key, plaintext] : fields)
            object.insert(key, std64(plaintext, style));
        return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
    }

    Result<void> insert(const QString& table, const Row& row)
    {
        auto inserted = store::insertDemoRow(m_db, table, row);
        if (!inserted)
            return fail(ErrorKind::Failed, QStringLiteral("demo %1: %2").arg(table, inserted.error().detail));
        return {};
    }

    int values() const { return m_values; }

    DemoKey active;
    DemoKey rotated;
    DemoKey unused;

private:
    QByteArray envelope(const QByteArray& plaintext, const DemoKey& key, crypto::Algorithm algorithm)
    {
        crypto::EncryptOptions options;
        options.algorithm = algorithm;
        const auto inner = crypto::encryptPayload(plaintext, key.dek.view(), options);
        return crypto::buildEnvelope(key.id.toUtf8(), inner.value_or(QByteArray()));
    }

    store::Database& m_db;
    QByteArray m_secretKey;
    int m_values = 0;
};

#define MK_TRY(expr)                                                                               \
    if (auto result_ = (expr); !result_)                                                           \
        return std::unexpected(result_.error());

Result<void> fillDemo(DemoWriter& w, const QString& now)
{
    const QString today = QDate::currentDate().toString(QStringLiteral("yyyy-MM-dd"));
    MK_TRY(w.addKey(today + QStringLiteral("/root@secretKey.v1"), true, now, w.active));
    MK_TRY(w.addKey(QStringLiteral("2025-03-02/root@secretKey.v1"), false,
                    QStringLiteral("2025-03-02 09:12:44"), w.rotated));
    MK_TRY(w.addKey(QStringLiteral("2024-11-20/root@secretKey.v1"), false,
                    QStringLiteral("2024-11-20 17:03:10"), w.unused));

    struct Source
    {
        const char* name;
        const char* type;
        const char* url;
        QList<QPair<QString, QByteArray>> secrets;
        Style style;
    };
    const QList<Source> sources{
        {"Prometheus (prod)", "prometheus", "https://prometheus.example.net",
         {{QStringLiteral("basicAuthPassword"), "demo-prom-basic-Xq81"}}, Style::EnvelopeActive},
        {"Loki", "loki", "https://loki.example.net",
         {{QStringLiteral("httpHeaderValue1"), "Bearer demo-loki-token-77a2"}}, Style::EnvelopeActive},
        {"PostgreSQL warehouse", "grafana-postgresql-datasource", "pg.example.net:5432",
         {{QStringLiteral("password"), "demo-wh-pässwörd"}}, Style::EnvelopeRotated},
        {"InfluxDB metrics", "influxdb", "https://influx.example.net",
         {{QStringLiteral("token"), "demo-influx-token-0c9d1e"}}, Style::EnvelopeGcm},
        {"Elasticsearch logs", "elasticsearch", "https://es.example.net",
         {{QStringLiteral("basicAuthPassword"), "demo-es-secret"}, {QStringLiteral("tlsClientKey"), "demo-key-pem"}},
         Style::LegacyPrefixed},
        {"MySQL billing", "mysql", "mysql.example.net:3306",
         {{QStringLiteral("password"), "demo-billing-pw"}}, Style::Legacy91},
        {"CloudWatch", "cloudwatch", "",
         {{QStringLiteral("accessKey"), "AKIADEMOEXAMPLE"}, {QStringLiteral("secretKey"), "demo/cloudwatch+secret"}},
         Style::LegacyGcm},
        {"Tempo traces", "tempo", "https://tempo.example.net",
         {{QStringLiteral("basicAuthPassword"), "demo-tempo-pw"}}, Style::EnvelopeActive},
        {"GitHub", "grafana-github-datasource", "",
         {{QStringLiteral("accessToken"), "ghp_demoTokenNotReal0123456789"}}, Style::EnvelopeRotated},
        {"Jira (retired)", "grafana-jira-datasource", "https://jira.example.net",
         {{QStringLiteral("token"), "demo-jira-token"}}, Style::Orphaned},
        {"Graphite", "graphite", "https://graphite.example.net",
         {{QStringLiteral("basicAuthPassword"), "demo-graphite-pw"}}, Style::Tampered},
        {"TestData", "grafana-testdata-datasource", "", {}, Style::EnvelopeActive},
    };
    int id = 0;
    for (const Source& s : sources) {
        ++id;
        const QString name = QString::fromUtf8(s.name);
        const QVariant secure = s.secrets.isEmpty() ? QVariant(QStringLiteral("{}")) : QVariant(w.secureJson(s.secrets, s.style));
        MK_TRY(w.insert(QStringLiteral("data_source"),
                        {{QStringLiteral("id"), id},
                         {QStringLiteral("org_id"), 1},
                         {QStringLiteral("version"), 1},
                         {QStringLiteral("type"), QString::fromUtf8(s.type)},
                         {QStringLiteral("name"), name},
                         {QStringLiteral("access"), QStringLiteral("proxy")},
                         {QStringLiteral("url"), QString::fromUtf8(s.url)},
                         {QStringLiteral("basic_auth"), 0},
                         {QStringLiteral("is_default"), id == 1 ? 1 : 0},
                         {QStringLiteral("json_data"), QStringLiteral("{}")},
                         {QStringLiteral("created"), now},
                         {QStringLiteral("updated"), now},
                         {QStringLiteral("secure_json_data"), secure},
                         {QStringLiteral("uid"), QStringLiteral("demo-ds-%1").arg(id)}}));
        if (s.secrets.isEmpty() || s.style == Style::Orphaned || s.style == Style::Tampered)
            continue;
        // the unified secrets store keeps the same fields as one JSON object (Grafana ≥ 9.0)
        QJsonObject plain;
        for (const auto& [key, value] : s.secrets)
            plain.insert(key, QString::fromUtf8(value));
        MK_TRY(w.insert(QStringLiteral("secrets"),
                        {{QStringLiteral("org_id"), 1},
                         {QStringLiteral("namespace"), name},
                         {QStringLiteral("type"), QStringLiteral("datasource")},
                         {QStringLiteral("value"), w.raw64(QJsonDocument(plain).toJson(QJsonDocument::Compact),
                                                           s.style == Style::Legacy91 ? Style::Legacy91
                                                                                      : Style::EnvelopeActive)},
                         {QStringLiteral("created"), now},
                         {QStringLiteral("updated"), now}}));
    }

    MK_TRY(w.insert(QStringLiteral("plugin_setting"),
                    {{QStringLiteral("org_id"), 1},
                     {QStringLiteral("plugin_id"), QStringLiteral("grafana-oncall-app")},
                     {QStringLiteral("enabled"), 1},
                     {QStringLiteral("pinned"), 1},
                     {QStringLiteral("json_data"), QStringLiteral("{}")},
                     {QStringLiteral("secure_json_data"),
                      w.secureJson({{QStringLiteral("onCallApiToken"), "demo-oncall-token"}}, Style::EnvelopeActive)},
                     {QStringLiteral("created"), now},
                     {QStringLiteral("updated"), now}}));

    const QStringList logins{QStringLiteral("admin"), QStringLiteral("alice"), QStringLiteral("bob"),
                             QStringLiteral("carol")};
    for (int u = 0; u < logins.size(); ++u) {
        MK_TRY(w.insert(QStringLiteral("user"),
                        {{QStringLiteral("id"), u + 1},
                         {QStringLiteral("login"), logins.at(u)},
                         {QStringLiteral("email"), logins.at(u) + QStringLiteral("@example.net")},
                         {QStringLiteral("org_id"), 1},
                         {QStringLiteral("created"), now},
                         {QStringLiteral("updated"), now}}));
        if (u == 0)
            continue;
        const Style style = u == 1 ? Style::EnvelopeActive : (u == 2 ? Style::EnvelopeRotated : Style::LegacyPrefixed);
        MK_TRY(w.insert(QStringLiteral("user_auth"),
                        {{QStringLiteral("user_id"), u + 1},
                         {QStringLiteral("auth_module"), QStringLiteral("oauth_generic_oauth")},
                         {QStringLiteral("auth_id"), QStringLiteral("sub-%1").arg(u)},
                         {QStringLiteral("created"), now},
                         {QStringLiteral("o_auth_access_token"),
                          w.std64("demo-access-" + logins.at(u).toUtf8(), style)},
                         {QStringLiteral("o_auth_refresh_token"),
                          w.std64("demo-refresh-" + logins.at(u).toUtf8(), style)},
                         {QStringLiteral("o_auth_token_type"), w.std64("Bearer", style)},
                         {QStringLiteral("o_auth_id_token"), QString()}}));
    }

    const QString alerting =
        QStringLiteral(R"({"alertmanager_config":{"route":{"receiver":"ops-team"},"receivers":[)"
                       R"({"name":"ops-team","grafana_managed_receiver_configs":[{"uid":"demo-slack","name":"ops-team",)"
                       R"("type":"slack","settings":{"recipient":"#ops"},"secureSettings":{"url":"%1","token":"%2"}}]},)"
                       R"({"name":"pager","grafana_managed_receiver_configs":[{"uid":"demo-pd","name":"pager",)"
                       R"("type":"pagerduty","settings":{},"secureSettings":{"integrationKey":"%3"}}]}]},)"
                       R"("template_files":null})")
            .arg(w.std64("https://hooks.slack.example/services/DEMO", Style::EnvelopeActive),
                 w.std64("xoxb-demo-token", Style::EnvelopeActive),
                 w.std64("demo-pagerduty-key", Style::EnvelopeRotated));
    MK_TRY(w.insert(QStringLiteral("alert_configuration"),
                    {{QStringLiteral("alertmanager_configuration"), alerting},
                     {QStringLiteral("configuration_version"), QStringLiteral("v1")},
                     {QStringLiteral("created_at"), QDateTime::currentSecsSinceEpoch()},
                     {QStringLiteral("default"), 0},
                     {QStringLiteral("org_id"), 1}}));

    MK_TRY(w.insert(QStringLiteral("alert_notification"),
                    {{QStringLiteral("org_id"), 1},
                     {QStringLiteral("name"), QStringLiteral("Legacy email")},
                     {QStringLiteral("type"), QStringLiteral("email")},
                     {QStringLiteral("settings"), QStringLiteral("{}")},
                     {QStringLiteral("created"), now},
                     {QStringLiteral("updated"), now},
                     {QStringLiteral("secure_settings"),
                      w.secureJson({{QStringLiteral("password"), "demo-smtp-pw"}}, Style::Legacy91)}}));

    MK_TRY(w.insert(QStringLiteral("signing_key"),
                    {{QStringLiteral("key_id"), QStringLiteral("demo-signing-key")},
                     {QStringLiteral("private_key"),
                      w.raw64("-----BEGIN PRIVATE KEY-----\nDEMO-NOT-A-REAL-KEY\n-----END PRIVATE KEY-----\n",
                              Style::EnvelopeActive)},
                     {QStringLiteral("added_at"), now},
                     {QStringLiteral("alg"), QStringLiteral("ES256")}}));

    MK_TRY(w.insert(QStringLiteral("sso_setting"),
                    {{QStringLiteral("id"), QStringLiteral("demo-sso-github")},
                     {QStringLiteral("provider"), QStringLiteral("github")},
                     {QStringLiteral("settings"),
                      QStringLiteral(R"({"client_id":"demo-client","client_secret":"%1","enabled":true})")
                          .arg(w.raw64("demo-github-client-secret", Style::EnvelopeActive))},
                     {QStringLiteral("created"), now},
                     {QStringLiteral("updated"), now}}));

    MK_TRY(w.insert(QStringLiteral("dashboard_snapshot"),
                    {{QStringLiteral("name"), QStringLiteral("Incident 42 snapshot")},
                     {QStringLiteral("key"), QStringLiteral("demo-snap-key")},
                     {QStringLiteral("delete_key"), QStringLiteral("demo-delete-key")},
                     {QStringLiteral("org_id"), 1},
                     {QStringLiteral("user_id"), 1},
                     {QStringLiteral("external"), 0},
                     {QStringLiteral("external_url"), QStringLiteral("")},
                     {QStringLiteral("dashboard"), QStringLiteral("{}")},
                     {QStringLiteral("expires"), QStringLiteral("2099-01-01 00:00:00")},
                     {QStringLiteral("created"), now},
                     {QStringLiteral("updated"), now},
                     {QStringLiteral("dashboard_encrypted"),
                      w.payload(R"({"title":"Incident 42","panels":[]})", Style::EnvelopeActive)}}));
    return {};
}

#undef MK_TRY

Result<DemoSummary> fillDemoDatabase(const QString& path)
{
    auto db = store::createDemoSqliteDatabase(path);
    if (!db && db.error().code == store::ErrorCode::Io) // cannot create the file: a bad --out
        return fail(ErrorKind::Usage, db.error().detail);
    if (!db)
        return std::unexpected(fromStoreError(db.error(), path));
    if (auto begun = db->begin(); !begun)
        return std::unexpected(fromStoreError(begun.error(), path));
    DemoWriter writer(*db, QByteArray(config::kPublicDefaultSecretKey));
    const QString now = QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (auto filled = fillDemo(writer, now); !filled) {
        (void)db->rollback();
        return std::unexpected(filled.error());
    }
    if (auto committed = db->commit(); !committed)
        return std::unexpected(fromStoreError(committed.error(), path));
    return DemoSummary{writer.values(), 3};
}

} // namespace

Result<DemoSummary> createDemoDatabase(const QString& path)
{
    if (QFile::exists(path))
        return fail(ErrorKind::Usage, QStringLiteral("%1 already exists; choose another file").arg(path));
    auto created = fillDemoDatabase(path);
    if (!created)
        QFile::remove(path); // never leave a half-written demo of ours behind
    return created;
}

} // namespace mk::model
