#include "model/store/SecretLocation.h"

namespace mk::store {

namespace {

using C = SecretLocation::Container;
using E = SecretLocation::Encoding;

SecretLocation make(const char* table, const char* column, C container, E encoding)
{
    SecretLocation l;
    l.table = QLatin1String(table);
    l.column = QLatin1String(column);
    l.key = l.table + QLatin1Char('.') + l.column;
    l.idColumn = QStringLiteral("id");
    l.container = container;
    l.encoding = encoding;
    return l;
}

QList<SecretLocation> buildCatalog()
{
    QList<SecretLocation> all;

    SecretLocation snap = make("dashboard_snapshot", "dashboard_encrypted", C::Single, E::RawBytes);
    snap.ownerColumns = {QStringLiteral("name")};
    snap.updatedColumn = QStringLiteral("updated");
    all << snap;

    for (const char* col : {"o_auth_access_token", "o_auth_refresh_token", "o_auth_token_type",
                            "o_auth_id_token"}) {
        SecretLocation ua = make("user_auth", col, C::Single, E::StdBase64);
        ua.ownerColumns = {QStringLiteral("auth_module"), QStringLiteral("user_id")};
        ua.ownerUserIdColumn = QStringLiteral("user_id");
        all << ua;
    }

    SecretLocation secrets = make("secrets", "value", C::Single, E::RawBase64);
    secrets.ownerColumns = {QStringLiteral("namespace"), QStringLiteral("type")};
    secrets.updatedColumn = QStringLiteral("updated");
    all << secrets;

    SecretLocation ds = make("data_source", "secure_json_data", C::JsonMap, E::StdBase64);
    ds.ownerColumns = {QStringLiteral("name")};
    ds.ownerOrgColumn = QStringLiteral("org_id");
    ds.updatedColumn = QStringLiteral("updated");
    all << ds;

    SecretLocation ps = make("plugin_setting", "secure_json_data", C::JsonMap, E::StdBase64);
    ps.ownerColumns = {QStringLiteral("plugin_id")};
    ps.updatedColumn = QStringLiteral("updated");
    all << ps;

    SecretLocation sk = make("signing_key", "private_key", C::Single, E::AnyBase64);
    sk.ownerColumns = {QStringLiteral("key_id")};
    all << sk;

    SecretLocation ac = make("alert_configuration", "alertmanager_configuration", C::Alertmanager,
                             E::StdBase64);
    ac.ownerColumns = {QStringLiteral("org_id")};
    all << ac;

    SecretLocation sso = make("sso_setting", "settings", C::SsoSettings, E::RawBase64);
    sso.idIsText = true;
    sso.ownerColumns = {QStringLiteral("provider")};
    sso.updatedColumn = QStringLiteral("updated");
    all << sso;

    for (const char* col : {"access_token", "id_token", "refresh_token", "session_id", "name_id"}) {
        SecretLocation ues = make("user_external_session", col, C::Single, E::StdBase64);
        ues.ownerColumns = {QStringLiteral("auth_module"), QStringLiteral("user_id")};
        ues.ownerUserIdColumn = QStringLiteral("user_id");
        all << ues;
    }

    SecretLocation res = make("resource", "value", C::Provisioning, E::StdBase64);
    res.idColumn = QStringLiteral("guid");
    res.idIsText = true;
    res.ownerColumns = {QStringLiteral("namespace"), QStringLiteral("name")};
    res.filterColumn1 = QStringLiteral("group");
    res.filterValue1 = QStringLiteral("provisioning.grafana.app");
    res.filterColumn2 = QStringLiteral("resource");
    res.filterValue2 = QStringLiteral("repositories");
    all << res;

    // Locations Grafana's own migrator never touches.
    SecretLocation an = make("alert_notification", "secure_settings", C::JsonMap, E::StdBase64);
    an.ownerColumns = {QStringLiteral("name")};
    an.updatedColumn = QStringLiteral("updated");
    an.migratedUpstream = false;
    an.legacyOnly = true;
    all << an;

    SecretLocation ach = make("alert_configuration_history", "alertmanager_configuration",
                              C::Alertmanager, E::StdBase64);
    ach.ownerColumns = {QStringLiteral("org_id")};
    ach.migratedUpstream = false;
    all << ach;

    SecretLocation cache = make("cache_data", "data", C::Single, E::RawBytes);
    cache.idColumn = QStringLiteral("cache_key");
    cache.idIsText = true;
    cache.migratedUpstream = false;
    cache.envelopeOnly = true;
    all << cache;

    return all;
}

} // namespace

const QList<SecretLocation>& secretLocations()
{
    static const QList<SecretLocation> catalog = buildCatalog();
    return catalog;
}

const SecretLocation* findSecretLocation(const QString& key)
{
    for (const SecretLocation& l : secretLocations()) {
        if (l.key == key)
            return &l;
    }
    return nullptr;
}

} // namespace mk::store
