// Regression tests for the defects found by adversarial testing (restore of a foreign backup,
// garbage re-encrypted, rollback holding back healthy fields): each failed before its fix.
#include "crypto/Payload.h"
#include "crypto/SecretBytes.h"
#include "crypto/SecretKeyProvider.h"
#include "model/ops/BackupJob.h"
#include "model/ops/CensusJob.h"
#include "model/ops/InterruptedWriteJob.h"
#include "model/ops/ReEncryptJob.h"
#include "model/ops/RewrapDataKeysJob.h"
#include "model/ops/RollbackJob.h"
#include "model/ops/ValueDecrypter.h"
#include "model/ops/VerifyJob.h"
#include "model/store/SecretLocation.h"
#include "tests/support/InterruptedWrite.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using namespace mk;

namespace {

QString synthetic(const char* name)
{
    return test::syntheticFixturesDir() + QLatin1Char('/') + QLatin1String(name);
}

// A raw SQLite connection to a test copy (to plant what the scenarios need).
class RawSqlite
{
public:
    explicit RawSqlite(const QString& path)
        : m_name(QUuid::createUuid().toString())
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        m_ok = db.open();
    }
    ~RawSqlite()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool ok() const { return m_ok; }
    bool exec(const QString& sql, const QVariantList& binds = {}, QString* error = nullptr)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        q.prepare(sql);
        for (const QVariant& v : binds)
            q.addBindValue(v);
        const bool done = q.exec();
        if (!done && error)
            *error = q.lastError().text();
        return done;
    }
    QVariant scalar(const QString& sql, const QVariantList& binds = {})
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        q.prepare(sql);
        for (const QVariant& v : binds)
            q.addBindValue(v);
        return q.exec() && q.next() ? q.value(0) : QVariant();
    }

private:
    QString m_name;
    bool m_ok = false;
};

QString randomPrintable(int length)
{
    QString text;
    for (int i = 0; i < length; ++i)
        text += QChar(char16_t(0x21 + QRandomGenerator::global()->bounded(0x7e - 0x21)));
    return text;
}

// Adds a legacy `secrets` value (RawStd base64 of a 9.2 legacy payload) encrypted with `key`.
bool addLegacySecret(RawSqlite& db, int id, const QByteArray& plaintext, const QByteArray& key)
{
    auto payload = crypto::encryptPayload(plaintext, key);
    if (!payload)
        return false;
    const QString value = QString::fromLatin1(payload->toBase64(QByteArray::OmitTrailingEquals));
    QString error;
    const bool done = db.exec(QStringLiteral("INSERT INTO secrets (id, org_id, namespace, type, value, created, updated) "
                                             "VALUES (?, 1, ?, 'datasource', ?, '2025-01-01 00:00:00', "
                                             "'2025-01-01 00:00:00')"),
                              {id, QStringLiteral("planted-%1").arg(id), value}, &error);
    if (!done)
        qWarning("%s", qPrintable(error));
    return done;
}

// 16 bytes of other key material, wrapped with the default secret key like a data key row.
crypto::Result<QByteArray> wrapOtherKeyMaterial(char fill)
{
    const crypto::SecretKeyProvider provider{crypto::SecretBytes(QByteArrayView(test::kDefaultSecretKey))};
    return provider.wrap(QByteArray(16, fill));
}

const store::SecretLocation& location(const char* key)
{
    return *store::findSecretLocation(QLatin1String(key));
}

} // namespace

class TestSafetyRegressions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void plaintextJudgement();
    void shortValuesUnderAnotherKeyStayUntouched();
    void shortValuesUnderTheRightKeyNeedTheOptIn();
    void restoreRefusesBackupOfAnotherInstallation_data();
    void restoreRefusesBackupOfAnotherInstallation();
    void restoreAfterRewrapKeepsTheRewrappedKeys();
    void restoreRepairsABrokenDataKeyRow();
    void restoreRefusesOtherKeyMaterialUnlessReplacing();
    void restoreReportsMissingRowsAsSuch();
    void rollbackRollsBackHealthyNeighbours();
    void unfinishedWriteIsRolledBackOnRequest();

private:
    QString copy(const char* fixture) { return test::copyFixture(synthetic(fixture), m_dir->path()); }
    // An SQLite backup of the target in the test folder (empty on failure).
    QString backupOf(const model::Target& target)
    {
        model::BackupOptions backup;
        backup.outPath = m_dir->filePath(QStringLiteral("bk-%1.db").arg(++m_backups));
        return model::runBackup(target, backup, nullptr) ? backup.outPath : QString();
    }
    int m_backups = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSafetyRegressions::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestSafetyRegressions::plaintextJudgement()
{
    using model::Plausibility;
    using model::ValueFormat;
    auto verdict = [](const char* where, ValueFormat format, QByteArrayView text) {
        return model::judgePlaintext(location(where), format, text).verdict;
    };
    const char* token = "user_auth.o_auth_access_token";
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, "correct horse"), Plausibility::Plausible);
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, "abcdef"), Plausibility::Plausible);
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, "abcde"), Plausibility::Unverifiable);
    QCOMPARE(verdict(token, ValueFormat::LegacyCfb, "x"), Plausibility::Unverifiable);
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, ""), Plausibility::Plausible);
    // Non-ASCII text needs more bytes; GCM and envelope values are vouched for otherwise.
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, "p\xc3\xa4sswort"), Plausibility::Unverifiable);
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, "p\xc3\xa4sswort!!"), Plausibility::Plausible);
    QCOMPARE(verdict(token, ValueFormat::LegacyGcm, "x"), Plausibility::Plausible);
    QCOMPARE(verdict(token, ValueFormat::EnvelopeCfbPrefixed, "x"), Plausibility::Plausible);
    // Control characters and invalid UTF-8 are implausible at any length and in any format.
    QCOMPARE(verdict(token, ValueFormat::EnvelopeCfbPrefixed, "\x1b"), Plausibility::Implausible);
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, "\x10}"), Plausibility::Implausible);
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, "long enough \x04 text"), Plausibility::Implausible);
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, "abc\xc2\x85xyz"), Plausibility::Implausible); // C1
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, "\xff\xfe\xfd\xfc\xfb\xfa\xf9"), Plausibility::Implausible);
    QCOMPARE(verdict(token, ValueFormat::LegacyCfbPrefixed, "line one\r\n\tline two"), Plausibility::Plausible);
    // JSON structure proves the key whatever the length (an empty secrets.value is {} or null).
    QCOMPARE(verdict("secrets.value", ValueFormat::LegacyCfbPrefixed, "{}"), Plausibility::Plausible);
    QCOMPARE(verdict("secrets.value", ValueFormat::LegacyCfbPrefixed, "null"), Plausibility::Plausible);
    QCOMPARE(verdict("secrets.value", ValueFormat::LegacyCfbPrefixed, "{\"password\":\"x\"}"), Plausibility::Plausible);
    QCOMPARE(verdict("secrets.value", ValueFormat::LegacyCfbPrefixed, "{x"), Plausibility::Unverifiable);
    QCOMPARE(verdict("secrets.value", ValueFormat::LegacyCfbPrefixed, "abcdefghij"), Plausibility::Plausible);
    QCOMPARE(verdict("secrets.value", ValueFormat::LegacyCfbPrefixed, "7"), Plausibility::Unverifiable);
    // cache_data holds binary gob items.
    QCOMPARE(verdict("cache_data.data", ValueFormat::EnvelopeCfbPrefixed, "\x00\x01\xff"), Plausibility::Plausible);
}

// The adversarial case: 40 legacy `secrets` values with 1-4 character plaintexts encrypted with
// another secret key. The preflight lets the run start (the rest of the database is fine), and none
// of the 40 is rewritten: each is reported, its bytes stay, so the right key can still open it.
void TestSafetyRegressions::shortValuesUnderAnotherKeyStayUntouched()
{
    const QString db = copy("mixed-default-key.db");
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    const QStringList expected = test::expectedLines(synthetic("mixed-default-key.db"));
    QStringList planted;
    {
        RawSqlite raw(db);
        QVERIFY(raw.ok());
        for (int i = 0; i < 40; ++i) {
            const int id = 9000 + i;
            QVERIFY(addLegacySecret(raw, id, randomPrintable(1 + i % 4).toUtf8(), "another installation's key"));
            planted << QString::number(id);
        }
    }
    const QHash<QString, QByteArray> before = test::snapshotCells(target);
    // The preflight counts every one of them as "will fail", not only those its sample hits, and
    // its key check still judges the key on the sample (the rest of the database is fine).
    const auto preflight = model::preflightReEncrypt(target, {}, nullptr);
    QVERIFY2(preflight.has_value(), preflight ? "" : qPrintable(preflight.error().message));
    QCOMPARE(preflight->willFail, planted.size());
    QVERIFY(!preflight->keyCheck.wrongKeySuspected);
    const auto result = model::runReEncrypt(target, {}, nullptr);
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    const QHash<QString, QByteArray> after = test::snapshotCells(target);
    QStringList reported;
    for (const model::ValueFailure& f : result->failures) {
        if (f.table == QLatin1String("secrets") && planted.contains(f.rowId)) {
            QVERIFY2(f.reason == model::FailureReason::ImplausiblePlaintext
                         || f.reason == model::FailureReason::Unverifiable,
                     qPrintable(model::reasonName(f.reason)));
            reported << f.rowId;
        }
    }
    reported.sort();
    planted.sort();
    QCOMPARE(reported, planted);
    for (const QString& id : std::as_const(planted)) {
        const QString key = QStringLiteral("secrets.value/") + id;
        QCOMPARE(after.value(key), before.value(key));
    }
    // Everything else was re-encrypted and still decrypts to the fixture's plaintexts.
    QCOMPARE(result->failed, planted.size());
    QVERIFY(result->changed > 0);
    QStringList lines = test::verifyLines(target);
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                               [&planted](const QString& l) {
                                   return l.startsWith(QLatin1String("secrets\t"))
                                          && planted.contains(l.section(QLatin1Char('\t'), 1, 1));
                               }),
                lines.end());
    QVERIFY2(lines == expected, qPrintable(test::describeDifference(expected, lines)));
    // And the right key still opens every planted value.
    const model::Target other = test::withSecretKey(target, "another installation's key");
    QString error;
    const QStringList withOther = test::verifyLines(other, 0, &error);
    for (const QString& id : std::as_const(planted)) {
        QVERIFY2(std::any_of(withOther.cbegin(), withOther.cend(),
                             [&id](const QString& l) {
                                 return l.startsWith(QStringLiteral("secrets\t%1\t").arg(id)) && !l.contains(QLatin1String("FAIL"));
                             }),
                 qPrintable(id));
    }
}

// Short legacy values under the right key in a location without JSON: verify counts them apart,
// the operations leave them (reported as unverifiable) unless the administrator opts in.
void TestSafetyRegressions::shortValuesUnderTheRightKeyNeedTheOptIn()
{
    const QString db = copy("mixed-default-key.db");
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    {
        RawSqlite raw(db);
        QVERIFY(raw.ok());
        QVERIFY(raw.scalar(QStringLiteral("SELECT count(*) FROM user_auth")).isValid());
        auto payload = crypto::encryptPayload("abc", test::kDefaultSecretKey);
        QVERIFY(payload.has_value());
        QString error;
        QVERIFY2(raw.exec(QStringLiteral("INSERT INTO user_auth (id, user_id, auth_module, auth_id, created, "
                                         "o_auth_access_token) VALUES (9100, 1, 'oauth_test', 'x', "
                                         "'2025-01-01 00:00:00', ?)"),
                          {QString::fromLatin1(payload->toBase64())}, &error),
                 qPrintable(error));
    }
    const auto verified = model::runVerify(target, {}, nullptr);
    QVERIFY(verified.has_value());
    QCOMPARE(verified->failed, 0);
    QCOMPARE(verified->unverifiable, 1);
    QCOMPARE(verified->unverifiableValues.first().rowId, QStringLiteral("9100"));

    const QString key = QStringLiteral("user_auth.o_auth_access_token/9100");
    const QByteArray before = test::snapshotCells(target).value(key);
    const auto plain = model::runReEncrypt(target, {}, nullptr);
    QVERIFY(plain.has_value());
    QCOMPARE(plain->failed, 1);
    QCOMPARE(plain->failures.first().reason, model::FailureReason::Unverifiable);
    QCOMPARE(model::exitCodeFor(*plain), 1);
    QCOMPARE(test::snapshotCells(target).value(key), before);

    model::ReEncryptOptions optIn;
    optIn.includeUnverifiable = true;
    const auto included = model::runReEncrypt(target, optIn, nullptr);
    QVERIFY(included.has_value());
    QCOMPARE(included->failed, 0);
    QCOMPARE(included->changed, 1);
    QVERIFY(test::snapshotCells(target).value(key) != before);
    const QString digest = QString::fromLatin1(QCryptographicHash::hash("abc", QCryptographicHash::Sha256).toHex());
    QVERIFY(test::verifyLines(target).contains(QStringLiteral("user_auth\t9100\to_auth_access_token\t%1").arg(digest)));
}

void TestSafetyRegressions::restoreRefusesBackupOfAnotherInstallation_data()
{
    QTest::addColumn<QString>("format");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("json") << QStringLiteral("json");
}

// The adversarial case: a backup of custom-key.db restored into mixed-default-key.db overwrote
// the shared data key id 2022-01-10/root@secretKey and broke 166 values. Now refused before
// anything is written, dry run or not.
void TestSafetyRegressions::restoreRefusesBackupOfAnotherInstallation()
{
    QFETCH(QString, format);
    const model::Target foreign = test::targetFor(copy("custom-key.db"), test::kCustomSecretKey);
    model::BackupOptions backup;
    backup.outPath = m_dir->filePath(QStringLiteral("cbk.") + format);
    backup.format = format;
    QVERIFY(model::runBackup(foreign, backup, nullptr).has_value());

    const QString db = copy("mixed-default-key.db");
    const QByteArray digest = test::fileDigest(db);
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    for (const bool dryRun : {true, false}) {
        model::RestoreOptions restore;
        restore.fromPath = backup.outPath;
        restore.dryRun = dryRun;
        const auto refused = model::runRestore(target, restore, nullptr);
        QVERIFY(!refused.has_value());
        QCOMPARE(refused.error().kind, model::ErrorKind::Refused);
        QVERIFY2(refused.error().message.contains(QLatin1String("another installation")),
                 qPrintable(refused.error().message));
        QVERIFY(refused.error().message.contains(QLatin1String("Nothing was written")));
        QCOMPARE(test::fileDigest(db), digest);
    }
    // Even --replace-data-keys does not get past the values that do not decrypt.
    model::RestoreOptions replacing;
    replacing.fromPath = backup.outPath;
    replacing.replaceDataKeys = true;
    QVERIFY(!model::runRestore(target, replacing, nullptr).has_value());
    QCOMPARE(test::fileDigest(db), digest);
}

// Re-wrapping since the backup changes every data key row's bytes but not the keys: restore puts
// the cells back and leaves the re-wrapped rows (the same key material) alone.
void TestSafetyRegressions::restoreAfterRewrapKeepsTheRewrappedKeys()
{
    const QString db = copy("mixed-default-key.db");
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    const QString backup = backupOf(target);
    QVERIFY(!backup.isEmpty());
    const auto rewrapped = model::runRewrapDataKeys(target, {}, nullptr);
    QVERIFY2(rewrapped.has_value(), rewrapped ? "" : qPrintable(rewrapped.error().message));
    QVERIFY(rewrapped->dataKeysRewrapped > 0);
    const QList<store::DataKeyRow> keysAfterRewrap = test::dataKeysOf(target);

    model::RestoreOptions restore;
    restore.fromPath = backup;
    const auto restored = model::runRestore(target, restore, nullptr);
    QVERIFY2(restored.has_value(), restored ? "" : qPrintable(restored.error().message));
    QCOMPARE(restored->failed, 0);
    QCOMPARE(restored->dataKeysRewrapped, 0);
    QVERIFY(!restored->notes.filter(QStringLiteral("holding the same key")).isEmpty());
    QCOMPARE(test::dataKeysOf(target).size(), keysAfterRewrap.size());
    const QStringList expected = test::expectedLines(synthetic("mixed-default-key.db"));
    const QStringList lines = test::verifyLines(target);
    QVERIFY2(lines == expected, qPrintable(test::describeDifference(expected, lines)));
}

// A data key row broken after the backup (wrapping other bytes): the values here decrypt only with
// the backup's copy, so restore puts it back without any flag.
void TestSafetyRegressions::restoreRepairsABrokenDataKeyRow()
{
    const QString db = copy("mixed-default-key.db");
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    const QString backup = backupOf(target);
    QVERIFY(!backup.isEmpty());
    {
        const auto wrapped = wrapOtherKeyMaterial('Z');
        QVERIFY(wrapped.has_value());
        RawSqlite raw(db);
        QVERIFY(raw.exec(QStringLiteral("UPDATE data_keys SET encrypted_data = ? WHERE name = 'd9326ml64lg2tj'"),
                         {*wrapped}));
    }
    const auto broken = model::runVerify(target, {}, nullptr);
    QVERIFY(broken.has_value());
    QVERIFY(broken->failed > 0);

    model::RestoreOptions restore;
    restore.fromPath = backup;
    const auto restored = model::runRestore(target, restore, nullptr);
    QVERIFY2(restored.has_value(), restored ? "" : qPrintable(restored.error().message));
    QCOMPARE(restored->dataKeysRewrapped, 1);
    const QStringList expected = test::expectedLines(synthetic("mixed-default-key.db"));
    const QStringList lines = test::verifyLines(target);
    QVERIFY2(lines == expected, qPrintable(test::describeDifference(expected, lines)));
}

// A backup whose copy of a data key holds other key material than the one the values here need:
// refused (nothing written) unless --replace-data-keys.
void TestSafetyRegressions::restoreRefusesOtherKeyMaterialUnlessReplacing()
{
    const QString db = copy("mixed-default-key.db");
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    const QString backup = backupOf(target);
    QVERIFY(!backup.isEmpty());
    {
        // The backup's copy of one data key wraps other bytes.
        const auto wrapped = wrapOtherKeyMaterial('Q');
        QVERIFY(wrapped.has_value());
        RawSqlite raw(backup);
        QVERIFY(raw.exec(QStringLiteral("UPDATE data_keys SET encrypted_data = ? WHERE name = 'a8cz2ka7edcmpb'"),
                         {*wrapped}));
    }
    const QByteArray digest = test::fileDigest(db);
    model::RestoreOptions restore;
    restore.fromPath = backup;
    const auto refused = model::runRestore(target, restore, nullptr);
    QVERIFY(!refused.has_value());
    QCOMPARE(refused.error().kind, model::ErrorKind::Refused);
    QVERIFY2(refused.error().message.contains(QLatin1String("a8cz2ka7edcmpb (the values here decrypt with this "
                                                            "database's copy")),
             qPrintable(refused.error().message));
    QVERIFY(refused.error().message.contains(QLatin1String("--replace-data-keys")));
    QCOMPARE(test::fileDigest(db), digest);

    restore.replaceDataKeys = true;
    const auto replaced = model::runRestore(target, restore, nullptr);
    QVERIFY2(replaced.has_value(), replaced ? "" : qPrintable(replaced.error().message));
    QCOMPARE(replaced->dataKeysRewrapped, 1);
    QVERIFY(!replaced->notes.filter(QStringLiteral("--replace-data-keys")).isEmpty());
}

// A row the backup names that is gone here is reported as such (not as a "conflict"), and no note
// claims that active keys were deactivated when none were.
void TestSafetyRegressions::restoreReportsMissingRowsAsSuch()
{
    const QString db = copy("mixed-default-key.db");
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    model::BackupOptions backup;
    backup.outPath = m_dir->filePath(QStringLiteral("bk.json"));
    backup.format = QStringLiteral("json");
    QVERIFY(model::runBackup(target, backup, nullptr).has_value());
    {
        RawSqlite raw(db);
        QVERIFY(raw.exec(QStringLiteral("DELETE FROM secrets WHERE id = 1")));
    }
    model::RestoreOptions restore;
    restore.fromPath = backup.outPath;
    const auto restored = model::runRestore(target, restore, nullptr);
    QVERIFY2(restored.has_value(), restored ? "" : qPrintable(restored.error().message));
    QCOMPARE(restored->failed, 1);
    QCOMPARE(restored->failures.first().reason, model::FailureReason::RowGone);
    QCOMPARE(model::reasonName(restored->failures.first().reason), QStringLiteral("row-gone"));
    QCOMPARE(restored->dataKeysDeactivated, 0);
    QVERIFY2(restored->notes.filter(QStringLiteral("inactive")).isEmpty(), qPrintable(restored->notes.join(u'|')));
}

// Rollback with one failing field in a JSON map: its healthy neighbours are rolled back (not
// "skipped"), so even --accept-loss loses only the value that was already unreadable.
void TestSafetyRegressions::rollbackRollsBackHealthyNeighbours()
{
    const QString db = copy("mixed-default-key.db");
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    QVERIFY(model::runReEncrypt(target, {}, nullptr).has_value()); // every value envelope
    // A data source with two or more secure fields: send one of them to a data key that is gone.
    QString rowId;
    QString brokenField;
    QString healthyField;
    {
        RawSqlite raw(db);
        const QList<model::ValueRecord> values = test::scanValues(target);
        QHash<QString, QStringList> fieldsByRow;
        for (const model::ValueRecord& v : values) {
            if (store::secretLocations().at(v.locationIndex).key == QLatin1String("data_source.secure_json_data"))
                fieldsByRow[v.rowId] << v.field;
        }
        for (auto it = fieldsByRow.cbegin(); it != fieldsByRow.cend() && rowId.isEmpty(); ++it) {
            if (it.value().size() >= 2) {
                rowId = it.key();
                brokenField = it.value().at(0);
                healthyField = it.value().at(1);
            }
        }
        QVERIFY2(!rowId.isEmpty(), "no data source with two secure fields");
        const QByteArray json = raw.scalar(QStringLiteral("SELECT secure_json_data FROM data_source WHERE id = ?"), {rowId})
                                    .toByteArray();
        QJsonObject object = QJsonDocument::fromJson(json).object();
        QByteArray payload = QByteArray::fromBase64(object.value(brokenField).toString().toLatin1());
        QVERIFY(payload.startsWith('#'));
        const qsizetype close = payload.indexOf('#', 1);
        payload = "#" + QByteArray("gone-key-id").toBase64(QByteArray::OmitTrailingEquals) + payload.mid(close);
        object.insert(brokenField, QString::fromLatin1(payload.toBase64()));
        QVERIFY(raw.exec(QStringLiteral("UPDATE data_source SET secure_json_data = ? WHERE id = ?"),
                         {QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)), rowId}));
    }
    model::RollbackOptions options;
    options.acceptLoss = true;
    const auto result = model::runRollback(target, options, nullptr);
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    QCOMPARE(result->failed, 1);
    QCOMPARE(result->failures.first().field, brokenField);
    QCOMPARE(result->blocked, 0);
    bool healthyRolledBack = false;
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (v.rowId == rowId && v.field == healthyField
            && store::secretLocations().at(v.locationIndex).key == QLatin1String("data_source.secure_json_data"))
            healthyRolledBack = model::isLegacy(v.format);
    }
    QVERIFY(healthyRolledBack);
    const auto verified = model::runVerify(target, {}, nullptr);
    QVERIFY(verified.has_value());
    QCOMPARE(verified->failed, 1); // only the value whose data key was already gone
    QCOMPARE(verified->failures.first().field, brokenField);
}

// A writer killed inside a transaction: nothing reads the file read-only until its journal is
// played back; rollBackInterruptedWrite does that and undoes exactly the unfinished transaction.
void TestSafetyRegressions::unfinishedWriteIsRolledBackOnRequest()
{
    QTemporaryDir dir;
    const QString fixture = synthetic("mixed-default-key.db");
    const QString db = dir.filePath(QStringLiteral("interrupted.db"));
    const QString made = test::makeInterruptedWriteCopy(fixture, db);
    QVERIFY2(made.isEmpty(), qPrintable(made));
    const model::Target target = test::targetFor(db, test::kDefaultSecretKey);
    QVERIFY(model::hasInterruptedWrite(target));
    const auto refused = model::runCensus(target, nullptr);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.contains(QLatin1String("unfinished transaction")), qPrintable(refused.error().message));

    const auto rolledBack = model::rollBackInterruptedWrite(target, nullptr);
    QVERIFY2(rolledBack, rolledBack ? "" : qPrintable(rolledBack.error().message));
    QCOMPARE(rolledBack->operation, QStringLiteral("roll-back-interrupted-write"));
    QCOMPARE(rolledBack->changed, 1);
    QVERIFY(!model::hasInterruptedWrite(target));
    QVERIFY(model::runCensus(target, nullptr).has_value());
    // Exactly the unfinished transaction is gone: every value as in the fixture, no renamed data
    // source, no table of its own.
    QString error;
    QCOMPARE(test::verifyLines(target, 0, &error), test::expectedLines(fixture));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    RawSqlite raw(db);
    QVERIFY(raw.ok());
    QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM data_source WHERE name LIKE ?"),
                        {QStringLiteral("%") + QLatin1String(test::kUnfinishedSuffix)}).toInt(), 0);
    QVERIFY(raw.scalar(QStringLiteral("SELECT count(*) FROM data_source")).toInt() > 0);
    QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'mk_unfinished'")).toInt(), 0);

    // Nothing to do a second time.
    const auto again = model::rollBackInterruptedWrite(target, nullptr);
    QVERIFY(again);
    QCOMPARE(again->changed, 0);
}

QTEST_GUILESS_MAIN(TestSafetyRegressions)
#include "TestSafetyRegressions.moc"
