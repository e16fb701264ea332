// repair (issue 14) on damaged copies of the fixtures, built here (never checked in): a database
// moved to a server with another key, a change of the secret key done halfway, data_keys rows
// deleted with a backup that still has them, an alerting value under an unknown key and values
// nothing can open. Every repair keeps every other plaintext digest of the fixture's expected file,
// dry runs change no byte and a second run changes nothing.
#include "crypto/Payload.h"
#include "crypto/SecretKeyProvider.h"
#include "model/ops/BackupJob.h"
#include "model/ops/KeyFingerprint.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/RepairJob.h"
#include "model/ops/RewrapDataKeysJob.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/DataKeyRow.h"
#include "model/store/SecretLocation.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"
#include "tests/unit/ops/RepairTestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mk;

namespace {

using test::kOtherKey;
using test::kUnknownKey;
using test::expectedWithout;
using test::locationIndex;
using test::mismatch;
using test::rawCell;
using test::repairFixture;
using test::replaceValue;
using test::undecryptablePayload;

QString fixture()
{
    return repairFixture();
}

struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json;
};

CliRun repairCli(const QStringList& args, const QByteArray& secretKey)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("GF_SECURITY_SECRET_KEY"));
    env.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromUtf8(secretKey));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("MK_CLI"), args);
    process.waitForFinished(600'000);
    CliRun run{process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError(), {}};
    run.json = QJsonDocument::fromJson(run.out).object();
    return run;
}

} // namespace

class TestRepair : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void movedToServerWithAnotherKey();
    void keyChangeDoneHalfway();
    void deletedDataKeysFromBackup_data();
    void deletedDataKeysFromBackup();
    void backupKeyThatOpensNothingIsNotRestored();
    void alertingValueUnderUnknownKey();
    void valuesNothingCanOpen();
    void removeValueCutsOnlyTheMember();
    void fingerprintIsStableAndKeyFree();
    void cliInterface();

private:
    QString copy() { return test::copyFixture(fixture(), m_dir->path()); }
    model::Result<model::RepairResult> repair(const model::Target& target,
                                              QList<QByteArray> candidates,
                                              bool dryRun = false,
                                              bool clear = false,
                                              const QString& backup = {})
    {
        model::RepairOptions options;
        options.candidateKeys = std::move(candidates);
        options.dryRun = dryRun;
        options.clearUnrecoverable = clear;
        options.dataKeysFrom = backup;
        return model::runRepair(target, options, nullptr);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestRepair::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestRepair::movedToServerWithAnotherKey()
{
    // The database was written by a server with the default key; this server has kOtherKey.
    const QString db = copy();
    const model::Target here = test::targetFor(db, kOtherKey);
    const QByteArray before = test::fileDigest(db);
    // Legacy values to move: those the new key does not open already (an empty plaintext decrypts
    // under every key and stays as it is).
    qint64 legacy = 0;
    qint64 legacyTotal = 0;
    QSet<QString> referenced;
    const model::KeyRing otherRing(here, {});
    for (const model::ValueRecord& v : test::scanValues(here)) {
        legacy += model::isLegacy(v.format) && !model::decryptValue(v, otherRing).has_value() ? 1 : 0;
        legacyTotal += model::isLegacy(v.format) ? 1 : 0;
        if (model::isEnvelope(v.format))
            referenced.insert(v.dataKeyId);
    }
    QVERIFY(legacy > 0 && !referenced.isEmpty());

    // Without the old key: the wrong-key refusal (nothing explains the failures).
    const auto refused = repair(here, {});
    QVERIFY(!refused.has_value());
    QCOMPARE(refused.error().kind, model::ErrorKind::Refused);
    QCOMPARE(test::fileDigest(db), before);

    const auto dry = repair(here, {QByteArray(test::kDefaultSecretKey)}, true);
    QVERIFY2(dry.has_value(), dry ? "" : qPrintable(dry.error().message));
    QCOMPARE(test::fileDigest(db), before);
    QCOMPARE(dry->operation.dataKeysRewrapped, qint64(referenced.size()));
    // Plus values that both keys open (an empty plaintext) when their cell moves with them.
    QVERIFY(dry->valuesReencrypted >= legacy && dry->valuesReencrypted <= legacyTotal);
    QCOMPARE(dry->remaining.size(), 0);
    QCOMPARE(dry->candidates.size(), 1);
    QCOMPARE(dry->candidates.first().dataKeys.size(), referenced.size());

    const auto done = repair(here, {QByteArray(test::kDefaultSecretKey)});
    QVERIFY2(done.has_value(), done ? "" : qPrintable(done.error().message));
    QCOMPARE(done->operation.dataKeysRewrapped, dry->operation.dataKeysRewrapped);
    QCOMPARE(done->valuesReencrypted, dry->valuesReencrypted);
    QCOMPARE(done->remaining.size(), 0);
    QCOMPARE(done->operation.verifyFailed, 0);
    QCOMPARE(model::exitCodeFor(*done), 0);
    const QString diff = mismatch(here, test::expectedLines(fixture()));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    // A second run changes nothing (not a byte).
    const QByteArray repaired = test::fileDigest(db);
    const auto again = repair(here, {QByteArray(test::kDefaultSecretKey)});
    QVERIFY(again.has_value());
    QCOMPARE(again->operation.dataKeysRewrapped, 0);
    QCOMPARE(again->valuesReencrypted, 0);
    QCOMPARE(test::fileDigest(db), repaired);
}

void TestRepair::keyChangeDoneHalfway()
{
    // A change of the secret key (default -> kOtherKey) of which only half arrived: two data keys
    // and every other legacy cell of alert_notification and data_source are still under the old key.
    const QString original = copy();
    const model::Target old = test::targetFor(original, test::kDefaultSecretKey);
    const QString db = m_dir->filePath(QStringLiteral("halfway.db"));
    QVERIFY(QFile::copy(original, db));
    const model::Target here = test::targetFor(db, kOtherKey);
    model::RewrapDataKeysOptions change;
    change.newSecretKey = kOtherKey;
    QVERIFY(model::runRewrapDataKeys(test::withSecretKey(here, test::kDefaultSecretKey), change, nullptr).has_value());
    QVERIFY(mismatch(here, test::expectedLines(fixture())).isEmpty());

    const QList<store::DataKeyRow> oldKeys = test::dataKeysOf(old);
    QSet<QString> referenced;
    for (const model::ValueRecord& v : test::scanValues(old))
        referenced.insert(v.dataKeyId);
    QStringList reverted;
    {
        auto opened = model::openTarget(here, model::AccessMode::ReadWrite);
        QVERIFY(opened.has_value());
        for (const store::DataKeyRow& row : oldKeys) {
            if (!referenced.contains(row.id) || reverted.size() == 2)
                continue;
            QVERIFY(store::updateDataKeyWrap(opened->db, row.id, row.provider, row.label, row.encryptedData,
                                             row.updated)
                        .has_value());
            reverted << row.id;
        }
    }
    QCOMPARE(reverted.size(), 2);
    const QHash<QString, QByteArray> oldCells = test::snapshotCells(old);
    const QHash<QString, QByteArray> newCells = test::snapshotCells(here);
    int revertedCells = 0;
    {
        auto opened = model::openTarget(here, model::AccessMode::ReadWrite);
        QVERIFY(opened.has_value());
        int n = 0;
        for (const char* key : {"alert_notification.secure_settings", "user_auth.o_auth_access_token"}) {
            const store::SecretLocation& location = store::secretLocations().at(locationIndex(QLatin1String(key)));
            for (auto it = oldCells.cbegin(); it != oldCells.cend(); ++it) {
                if (!it.key().startsWith(location.key + QLatin1Char('/')) || newCells.value(it.key()) == it.value()
                    || (n++ % 2) != 0)
                    continue;
                const QString rowId = it.key().mid(location.key.size() + 1);
                QVERIFY(store::updateCell(opened->db, location, rowId, newCells.value(it.key()), it.value(), {})
                            .has_value());
                ++revertedCells;
            }
        }
    }
    QVERIFY(revertedCells >= 2);
    QVERIFY(!mismatch(here, test::expectedLines(fixture())).isEmpty());

    const QByteArray damaged = test::fileDigest(db);
    const auto dry = repair(here, {QByteArray(test::kDefaultSecretKey)}, true);
    QVERIFY2(dry.has_value(), dry ? "" : qPrintable(dry.error().message));
    QCOMPARE(test::fileDigest(db), damaged);
    QStringList rewrapped = dry->dataKeysRewrappedIds;
    rewrapped.sort();
    reverted.sort();
    QCOMPARE(rewrapped, reverted);

    const auto done = repair(here, {QByteArray(test::kDefaultSecretKey)});
    QVERIFY2(done.has_value(), done ? "" : qPrintable(done.error().message));
    QCOMPARE(done->operation.dataKeysRewrapped, 2);
    QVERIFY(done->valuesReencrypted >= revertedCells);
    QCOMPARE(done->valuesReencrypted, dry->valuesReencrypted);
    QCOMPARE(done->remaining.size(), 0);
    const QString diff = mismatch(here, test::expectedLines(fixture()));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    const QByteArray repaired = test::fileDigest(db);
    const auto again = repair(here, {QByteArray(test::kDefaultSecretKey)});
    QVERIFY(again.has_value());
    QCOMPARE(again->operation.changed, 0);
    QCOMPARE(test::fileDigest(db), repaired);
}

void TestRepair::deletedDataKeysFromBackup_data()
{
    QTest::addColumn<QString>("format");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("json") << QStringLiteral("json");
}

void TestRepair::deletedDataKeysFromBackup()
{
    QFETCH(QString, format);
    const QString db = copy();
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    model::BackupOptions backup;
    backup.outPath = m_dir->filePath(QStringLiteral("backup.") + format);
    backup.format = format;
    QVERIFY(model::runBackup(target, backup, nullptr).has_value());

    QStringList deleted = test::deleteReferencedDataKeys(target, 2);
    QCOMPARE(deleted.size(), 2);
    QVERIFY(!mismatch(target, test::expectedLines(fixture())).isEmpty());

    // Without the backup the values are reported (exit 1) and nothing changes.
    const QByteArray damaged = test::fileDigest(db);
    const auto without = repair(target, {});
    QVERIFY2(without.has_value(), without ? "" : qPrintable(without.error().message));
    QVERIFY(without->remaining.size() > 0);
    QCOMPARE(model::exitCodeFor(*without), 1);
    for (const model::RepairValue& v : without->remaining)
        QCOMPARE(v.value.reason, model::FailureReason::MissingDataKey);
    QCOMPARE(test::fileDigest(db), damaged);

    const auto dry = repair(target, {}, true, false, backup.outPath);
    QVERIFY2(dry.has_value(), dry ? "" : qPrintable(dry.error().message));
    QCOMPARE(test::fileDigest(db), damaged);
    QCOMPARE(dry->dataKeysRestored, 2);
    QCOMPARE(dry->remaining.size(), 0);

    const auto done = repair(target, {}, false, false, backup.outPath);
    QVERIFY2(done.has_value(), done ? "" : qPrintable(done.error().message));
    QCOMPARE(done->dataKeysRestored, 2);
    QStringList restored = done->dataKeysRestoredIds;
    restored.sort();
    deleted.sort();
    QCOMPARE(restored, deleted);
    QCOMPARE(model::exitCodeFor(*done), 0);
    for (const store::DataKeyRow& row : test::dataKeysOf(target)) {
        if (deleted.contains(row.id))
            QVERIFY2(!row.active, "a restored data key is never active");
    }
    const QString diff = mismatch(target, test::expectedLines(fixture()));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    const QByteArray repaired = test::fileDigest(db);
    const auto again = repair(target, {}, false, false, backup.outPath);
    QVERIFY(again.has_value());
    QCOMPARE(again->dataKeysRestored, 0);
    QCOMPARE(test::fileDigest(db), repaired);
}

void TestRepair::backupKeyThatOpensNothingIsNotRestored()
{
    // A backup whose row has the right id but other key bytes (another database's key): the values
    // here do not decrypt with it, so it is not restored.
    const QString db = copy();
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    model::BackupOptions backup;
    backup.outPath = m_dir->filePath(QStringLiteral("foreign.db"));
    QVERIFY(model::runBackup(target, backup, nullptr).has_value());
    const QStringList deleted = test::deleteReferencedDataKeys(target, 1);
    QCOMPARE(deleted.size(), 1);
    const QString victim = deleted.first();
    {
        const model::Target foreign = test::targetFor(backup.outPath, test::kDefaultSecretKey);
        auto opened = model::openTarget(foreign, model::AccessMode::ReadWrite);
        QVERIFY(opened.has_value());
        const crypto::SecretKeyProvider provider(crypto::SecretBytes(QByteArrayView(test::kDefaultSecretKey)), {});
        const auto wrapped = provider.wrap(QByteArray("0123456789abcdef"));
        QVERIFY(wrapped.has_value());
        QVERIFY(store::updateDataKeyWrap(opened->db, victim, QStringLiteral("secretKey.v1"),
                                         QStringLiteral("2020-01-01/root@secretKey.v1"), *wrapped,
                                         QStringLiteral("2026-01-01 00:00:00"))
                    .has_value());
    }
    const QByteArray damaged = test::fileDigest(db);
    const auto done = repair(target, {}, false, false, backup.outPath);
    QVERIFY2(done.has_value(), done ? "" : qPrintable(done.error().message));
    QCOMPARE(done->dataKeysRestored, 0);
    QVERIFY(!done->remaining.isEmpty());
    QCOMPARE(model::exitCodeFor(*done), 1);
    QCOMPARE(test::fileDigest(db), damaged);
}

void TestRepair::alertingValueUnderUnknownKey()
{
    const QString db = copy();
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    const QString field = QStringLiteral("receivers[0].grafana_managed_receiver_configs[0].secureSettings.password");
    const QByteArray payload = undecryptablePayload(target, QByteArray("a webhook password of decent length"),
                                                    crypto::Algorithm::AesGcm);
    QVERIFY(!payload.isEmpty());
    const QByteArray before = rawCell(target, QStringLiteral("alert_configuration.alertmanager_configuration"),
                                      QStringLiteral("1"));
    QVERIFY(replaceValue(target, QStringLiteral("alert_configuration.alertmanager_configuration"), QStringLiteral("1"),
                         field, payload));
    const QByteArray damagedCell = rawCell(target, QStringLiteral("alert_configuration.alertmanager_configuration"),
                                           QStringLiteral("1"));

    // Without --clear-unrecoverable: reported with its owner, left alone, exit 1.
    const QByteArray damaged = test::fileDigest(db);
    const auto reported = repair(target, {kOtherKey});
    QVERIFY2(reported.has_value(), reported ? "" : qPrintable(reported.error().message));
    QCOMPARE(reported->remaining.size(), 1);
    QCOMPARE(reported->remaining.first().value.field, field);
    QCOMPARE(reported->remaining.first().value.reason, model::FailureReason::AuthenticationFailed);
    QVERIFY2(reported->remaining.first().owner.startsWith(QLatin1String("contact point '")),
             qPrintable(reported->remaining.first().owner));
    QCOMPARE(model::exitCodeFor(*reported), 1);
    QCOMPARE(test::fileDigest(db), damaged);

    const auto dry = repair(target, {}, true, true);
    QVERIFY(dry.has_value());
    QCOMPARE(dry->cleared.size(), 1);
    QCOMPARE(test::fileDigest(db), damaged);

    const auto cleared = repair(target, {}, false, true);
    QVERIFY2(cleared.has_value(), cleared ? "" : qPrintable(cleared.error().message));
    QCOMPARE(cleared->cleared.size(), 1);
    QCOMPARE(cleared->cleared.first().owner, reported->remaining.first().owner);
    QCOMPARE(cleared->remaining.size(), 0);
    QCOMPARE(model::exitCodeFor(*cleared), 0);
    const QString diff = mismatch(target, expectedWithout({QStringLiteral("alert_configuration/1/") + field}));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    // Only that member left its receiver: the configuration is the damaged one minus that member.
    QJsonObject withoutMember = QJsonDocument::fromJson(damagedCell).object();
    QJsonObject config = withoutMember.value(QStringLiteral("alertmanager_config")).toObject();
    QJsonArray receivers = config.value(QStringLiteral("receivers")).toArray();
    QJsonObject receiver = receivers.at(0).toObject();
    QJsonArray integrations = receiver.value(QStringLiteral("grafana_managed_receiver_configs")).toArray();
    QJsonObject integration = integrations.at(0).toObject();
    QJsonObject secure = integration.value(QStringLiteral("secureSettings")).toObject();
    QVERIFY(secure.contains(QStringLiteral("password")));
    secure.remove(QStringLiteral("password"));
    integration.insert(QStringLiteral("secureSettings"), secure);
    integrations.replace(0, integration);
    receiver.insert(QStringLiteral("grafana_managed_receiver_configs"), integrations);
    receivers.replace(0, receiver);
    config.insert(QStringLiteral("receivers"), receivers);
    withoutMember.insert(QStringLiteral("alertmanager_config"), config);
    const QByteArray after = rawCell(target, QStringLiteral("alert_configuration.alertmanager_configuration"),
                                     QStringLiteral("1"));
    QCOMPARE(QJsonDocument::fromJson(after).object(), withoutMember);
    QCOMPARE(after.size(), damagedCell.size() - (damagedCell.size() - after.size()));
    QVERIFY(after.size() < before.size());

    const QByteArray repaired = test::fileDigest(db);
    const auto again = repair(target, {}, false, true);
    QVERIFY(again.has_value());
    QCOMPARE(again->cleared.size(), 0);
    QCOMPARE(test::fileDigest(db), repaired);
}

void TestRepair::valuesNothingCanOpen()
{
    // A data source field and a single column under a key nobody has (CFB: judged by plausibility).
    const QString db = copy();
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    QString dsRow;
    QString dsField;
    QString uaRow;
    for (const model::ValueRecord& v : test::scanValues(target)) {
        const QString key = store::secretLocations().at(v.locationIndex).key;
        if (dsRow.isEmpty() && key == QLatin1String("data_source.secure_json_data") && !v.problem) {
            dsRow = v.rowId;
            dsField = v.field;
        }
        if (uaRow.isEmpty() && key == QLatin1String("user_auth.o_auth_access_token") && !v.problem)
            uaRow = v.rowId;
    }
    QVERIFY(!dsRow.isEmpty() && !uaRow.isEmpty());
    const QByteArray long64(64, 'x');
    const QByteArray p1 = undecryptablePayload(target, long64 + "-token-one", crypto::Algorithm::AesCfb);
    const QByteArray p2 = undecryptablePayload(target, long64 + "-token-two", crypto::Algorithm::AesCfb);
    QVERIFY(!p1.isEmpty() && !p2.isEmpty());
    QVERIFY(replaceValue(target, QStringLiteral("data_source.secure_json_data"), dsRow, dsField, p1));
    QVERIFY(replaceValue(target, QStringLiteral("user_auth.o_auth_access_token"), uaRow,
                         QStringLiteral("o_auth_access_token"), p2));

    const auto reported = repair(target, {kOtherKey});
    QVERIFY(reported.has_value());
    QCOMPARE(reported->remaining.size(), 2);
    QCOMPARE(model::exitCodeFor(*reported), 1);

    const auto cleared = repair(target, {kOtherKey}, false, true);
    QVERIFY2(cleared.has_value(), cleared ? "" : qPrintable(cleared.error().message));
    QCOMPARE(cleared->cleared.size(), 2);
    QStringList owners;
    for (const model::RepairValue& v : cleared->cleared)
        owners << v.owner;
    owners.sort();
    QVERIFY2(owners.at(0).startsWith(QLatin1String("data source '")), qPrintable(owners.join(QLatin1Char('|'))));
    // The issue asks for the data source's name and org (every data source of the fixture is in org 1).
    QVERIFY2(owners.at(0).endsWith(QLatin1String("' (org 1)")), qPrintable(owners.at(0)));
    QVERIFY2(owners.at(1).startsWith(QLatin1String("user login '")), qPrintable(owners.join(QLatin1Char('|'))));
    QCOMPARE(cleared->remaining.size(), 0);
    QCOMPARE(model::exitCodeFor(*cleared), 0);
    QVERIFY(rawCell(target, QStringLiteral("user_auth.o_auth_access_token"), uaRow).isEmpty());
    const QString diff = mismatch(target, expectedWithout({QStringLiteral("data_source/") + dsRow + QLatin1Char('/') + dsField,
                                                           QStringLiteral("user_auth/") + uaRow
                                                               + QStringLiteral("/o_auth_access_token")}));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestRepair::removeValueCutsOnlyTheMember()
{
    const store::SecretLocation& map = store::secretLocations().at(locationIndex(QStringLiteral("data_source.secure_json_data")));
    const QByteArray a = QByteArray("YWFh"); // "aaa"
    const struct
    {
        const char* raw;
        const char* field;
        const char* expected;
    } cases[] = {
        {R"({"a":"YWFh","b":"YmJi"})", "a", R"({"b":"YmJi"})"},
        {R"({"b":"YmJi", "a" : "YWFh"})", "a", R"({"b":"YmJi"})"},
        {R"({ "a": "YWFh" })", "a", R"({  })"},
        {R"({"b":"YmJi","a":"YWFh","c":"Y2Nj"})", "a", R"({"b":"YmJi","c":"Y2Nj"})"},
    };
    for (const auto& c : cases) {
        const auto out = store::removeValue(map, QByteArray(c.raw), QLatin1String(c.field), QByteArray::fromBase64(a));
        QVERIFY2(out.has_value(), c.raw);
        QCOMPARE(*out, QByteArray(c.expected));
    }
    QVERIFY(!store::removeValue(map, R"({"a":"YWFh"})", QStringLiteral("a"), QByteArray("other")).has_value());
}

void TestRepair::fingerprintIsStableAndKeyFree()
{
    const QString a = model::keyFingerprint(test::kDefaultSecretKey);
    QCOMPARE(a.size(), 16);
    QCOMPARE(model::keyFingerprint(test::kDefaultSecretKey), a);
    QVERIFY(model::keyFingerprint(kOtherKey) != a);
    QVERIFY(!a.contains(QLatin1String(test::kDefaultSecretKey)));
    QVERIFY(QByteArray::fromHex(a.toLatin1()).toHex() == a.toLatin1());
}

void TestRepair::cliInterface()
{
    QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set");
    const QString db = copy();
    const QString keyFile = m_dir->filePath(QStringLiteral("old.key"));
    const QString iniFile = m_dir->filePath(QStringLiteral("old.ini"));
    {
        QFile f(keyFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(test::kDefaultSecretKey) + "\n");
        QFile g(iniFile);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write("[security]\nsecret_key = " + QByteArray(test::kDefaultSecretKey) + "\n");
    }
    const QByteArray before = test::fileDigest(db);
    const CliRun dry = repairCli({QStringLiteral("--db"), db, QStringLiteral("repair"), QStringLiteral("--candidate-config"),
                                  iniFile, QStringLiteral("--dry-run"), QStringLiteral("--json")},
                                 kOtherKey);
    QCOMPARE(dry.exitCode, 0);
    QCOMPARE(test::fileDigest(db), before);
    QCOMPARE(dry.json.value(QStringLiteral("operation")).toString(), QStringLiteral("repair"));
    QCOMPARE(dry.json.value(QStringLiteral("dryRun")).toBool(), true);
    QVERIFY(dry.json.value(QStringLiteral("dataKeysRewrapped")).toInt() > 0);

    const CliRun run = repairCli({QStringLiteral("--db"), db, QStringLiteral("repair"), QStringLiteral("--candidate-key-file"),
                                  keyFile, QStringLiteral("--jobs"), QStringLiteral("2"), QStringLiteral("--json")},
                                 kOtherKey);
    QCOMPARE(run.exitCode, 0);
    for (const char* name : {"dataKeysRewrapped", "dataKeysRestored", "valuesReencrypted", "cleared", "remaining",
                             "candidates"})
        QVERIFY2(run.json.contains(QLatin1String(name)), name);
    QCOMPARE(run.json.value(QStringLiteral("dataKeysRewrapped")).toInt(),
             dry.json.value(QStringLiteral("dataKeysRewrapped")).toInt());
    const QJsonObject candidate = run.json.value(QStringLiteral("candidates")).toArray().at(0).toObject();
    QCOMPARE(candidate.value(QStringLiteral("fingerprint")).toString(), model::keyFingerprint(test::kDefaultSecretKey));
    QVERIFY(candidate.value(QStringLiteral("valuesOpened")).toInt() > 0);
    QVERIFY2(!run.out.contains(test::kDefaultSecretKey) && !run.err.contains(test::kDefaultSecretKey)
                 && !run.out.contains(kOtherKey),
             "a key must never be printed");
    QVERIFY(mismatch(test::targetFor(db, kOtherKey), test::expectedLines(fixture())).isEmpty());

    // Human output, a second run, usage errors.
    const CliRun again = repairCli({QStringLiteral("--db"), db, QStringLiteral("repair")}, kOtherKey);
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.out.contains("repair:"));
    QCOMPARE(repairCli({QStringLiteral("--db"), db, QStringLiteral("repair"), QStringLiteral("--candidate-key-file"),
                        m_dir->filePath(QStringLiteral("missing.key"))},
                       kOtherKey)
                 .exitCode,
             2);
    // A wrong current key with no candidate: refused (3), nothing written.
    const QByteArray repaired = test::fileDigest(db);
    QCOMPARE(repairCli({QStringLiteral("--db"), db, QStringLiteral("repair")}, kUnknownKey).exitCode, 3);
    QCOMPARE(test::fileDigest(db), repaired);
}

QTEST_GUILESS_MAIN(TestRepair)
#include "TestRepair.moc"
