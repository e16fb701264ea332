#include "model/ops/SecretsManagerKeys.h"

#include "crypto/KekProvider.h"
#include "model/ModelLog.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretsManager.h"
#include "model/store/Database.h"
#include "model/store/SecretsManagerStore.h"

#include <QDateTime>

namespace mk::model {

namespace {

struct GsmSession
{
    store::Database db;
    QList<store::GsmDataKeyRow> keys;
};

// nullopt inside: no secret_* tables.
Result<std::optional<GsmSession>> openGsm(const Target& target, bool readOnly)
{
    store::ConnectionSpec spec = target.connection;
    spec.readOnly = readOnly;
    const QString where = spec.displayName();
    auto db = store::Database::open(spec);
    if (!db)
        return std::unexpected(fromStoreError(db.error(), where));
    auto layout = store::detectGsmLayout(*db);
    if (!layout)
        return std::unexpected(fromStoreError(layout.error(), where));
    if (!layout->present)
        return std::optional<GsmSession>();
    auto keys = store::loadGsmDataKeys(*db);
    if (!keys)
        return std::unexpected(fromStoreError(keys.error(), where));
    return std::optional<GsmSession>(GsmSession{std::move(*db), std::move(*keys)});
}

// Runs `work` inside one transaction; rolls back on failure.
Result<void> inTransaction(store::Database& db, const QString& where, const std::function<store::Result<void>()>& work)
{
    if (auto begun = db.begin(); !begun)
        return std::unexpected(fromStoreError(begun.error(), where));
    if (auto done = work(); !done) {
        (void)db.rollback();
        return std::unexpected(fromStoreError(done.error(), where));
    }
    if (auto committed = db.commit(); !committed) {
        (void)db.rollback();
        return std::unexpected(fromStoreError(committed.error(), where));
    }
    return {};
}

QString now()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace

Result<void> rewrapGsmDataKeys(const Target& target, const OperationOptions& options, OperationResult& result)
{
    auto session = openGsm(target, options.dryRun);
    if (!session)
        return std::unexpected(session.error());
    if (!*session)
        return {};
    const QString where = target.connection.displayName();
    GsmKeyRing ring(target.config.secretsManager, (*session)->keys);
    const crypto::KekProvider* provider = ring.currentProvider();
    if (!provider) {
        result.notes << QStringLiteral("secrets-manager data keys not re-wrapped: [secrets_manager] "
                                       "encryption_provider %1 is not configured")
                            .arg(ring.currentProviderId());
        return {};
    }
    struct Rewrap
    {
        QString uid;
        QByteArray wrapped;
    };
    QList<Rewrap> planned;
    QStringList bad;
    for (const store::GsmDataKeyRow& row : ring.rows()) {
        DataKeyPlan plan;
        plan.id = row.uid;
        plan.label = row.label;
        plan.provider = row.provider;
        plan.active = row.active;
        auto key = ring.dataKey(row.uid);
        auto wrapped = key ? provider->wrap(key->view()) : crypto::Result<QByteArray>(std::unexpected(key.error()));
        const bool roundTrip = wrapped && [&] {
            const auto back = provider->unwrap(*wrapped);
            return back && back->view() == key->view();
        }();
        if (!roundTrip) {
            plan.health = key ? QStringLiteral("failed") : QStringLiteral("failed (%1)").arg(key.error().detail);
            plan.action = QStringLiteral("skip (secrets-manager)");
            bad << row.uid;
            result.dataKeyFailures << plan;
            continue;
        }
        plan.health = QStringLiteral("ok");
        plan.action = QStringLiteral("rewrap (secrets-manager)");
        result.preflight.dataKeys << plan;
        planned << Rewrap{row.uid, *wrapped};
    }
    if (!bad.isEmpty() && !options.force) {
        result.refused = true;
        result.refusal = QStringLiteral("%1 secrets-manager data keys do not unwrap with their "
                                        "[secrets_manager.encryption.<provider>] secret_key (%2); none was "
                                        "re-wrapped. --force re-wraps the others.")
                             .arg(bad.size())
                             .arg(bad.join(QStringLiteral(", ")));
        return {};
    }
    if (options.dryRun) {
        result.dataKeysRewrapped += planned.size();
        return {};
    }
    const QString stamp = now();
    auto written = inTransaction((*session)->db, where, [&]() -> store::Result<void> {
        for (const Rewrap& r : std::as_const(planned)) {
            if (auto ok = store::updateGsmDataKeyWrap((*session)->db, r.uid, provider->id(), r.wrapped, stamp); !ok)
                return ok;
        }
        return {};
    });
    if (!written)
        return written;
    result.dataKeysRewrapped += planned.size();
    qCInfo(lcModel).noquote() << "re-encrypt-data-keys: re-wrapped" << planned.size()
                              << "secrets-manager data keys with" << provider->id();
    return {};
}

Result<void> deactivateGsmDataKeys(const Target& target, const OperationOptions& options, OperationResult& result)
{
    auto session = openGsm(target, options.dryRun);
    if (!session)
        return std::unexpected(session.error());
    if (!*session)
        return {};
    QStringList active;
    for (const store::GsmDataKeyRow& row : (*session)->keys) {
        if (row.active)
            active << row.uid;
    }
    if (!options.dryRun && !active.isEmpty()) {
        qint64 changed = 0;
        auto written = inTransaction((*session)->db, target.connection.displayName(), [&]() -> store::Result<void> {
            auto n = store::deactivateAllGsmDataKeys((*session)->db, now());
            if (!n)
                return std::unexpected(n.error());
            changed = *n;
            return {};
        });
        if (!written)
            return written;
        result.dataKeysDeactivated += changed;
    } else {
        result.dataKeysDeactivated += active.size();
    }
    result.dataKeysDeactivatedIds << active;
    return {};
}

} // namespace mk::model
