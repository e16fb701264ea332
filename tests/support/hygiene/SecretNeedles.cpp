#include "tests/support/hygiene/SecretNeedles.h"

#include "crypto/Base64.h"
#include "crypto/GsmCipher.h"
#include "crypto/Payload.h"
#include "model/SecretRevealer.h"
#include "model/ops/VerifyJob.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>
#include <QUuid>

#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

namespace mk::test {

QByteArray jsonEscaped(const QByteArray& text)
{
    const QByteArray doc = QJsonDocument(QJsonArray{QString::fromUtf8(text)}).toJson(QJsonDocument::Compact);
    return doc.mid(2, doc.size() - 4); // ["..."]
}

void NeedleSet::addPlaintext(const QByteArray& plaintext)
{
    if (plaintext.isEmpty() || m_plaintexts.contains(plaintext))
        return;
    const qsizetype i = m_plaintexts.size();
    m_plaintexts << plaintext;
    m_needles << Needle{QStringLiteral("plaintext #%1").arg(i), plaintext};
    if (const QByteArray escaped = jsonEscaped(plaintext); escaped != plaintext)
        m_needles << Needle{QStringLiteral("plaintext #%1 (JSON-escaped)").arg(i), escaped};
    if (const QByteArray encoded = QUrl::toPercentEncoding(QString::fromUtf8(plaintext)); encoded != plaintext)
        m_needles << Needle{QStringLiteral("plaintext #%1 (percent-encoded)").arg(i), encoded};
    m_needles << Needle{QStringLiteral("plaintext #%1 (base64)").arg(i), crypto::base64::encodeRaw(plaintext)};
}

void NeedleSet::addSecretKey(const QByteArray& key)
{
    if (key.isEmpty() || m_secretKeys.contains(key))
        return;
    const qsizetype k = m_secretKeys.size();
    m_secretKeys << key;
    m_needles << Needle{QStringLiteral("secret key #%1").arg(k), key};
    if (const QByteArray encoded = QUrl::toPercentEncoding(QString::fromUtf8(key)); encoded != key)
        m_needles << Needle{QStringLiteral("secret key #%1 (percent-encoded)").arg(k), encoded};
    m_needles << Needle{QStringLiteral("secret key #%1 (base64)").arg(k), crypto::base64::encodeRaw(key)};
}

void NeedleSet::addDataKey(const QByteArray& dataKey)
{
    if (dataKey.isEmpty() || m_dataKeys.contains(dataKey))
        return;
    const qsizetype i = m_dataKeys.size();
    m_dataKeys << dataKey;
    m_needles << Needle{QStringLiteral("data key #%1 (raw)").arg(i), dataKey};
    m_needles << Needle{QStringLiteral("data key #%1 (hex)").arg(i), dataKey.toHex()};
    m_needles << Needle{QStringLiteral("data key #%1 (HEX)").arg(i), dataKey.toHex().toUpper()};
    m_needles << Needle{QStringLiteral("data key #%1 (base64)").arg(i), crypto::base64::encodeRaw(dataKey)};
}

QStringList NeedleSet::find(const QString& where, const QByteArray& haystack) const
{
    QStringList found;
    if (haystack.isEmpty())
        return found;
    for (const Needle& n : m_needles) {
        if (!n.bytes.isEmpty() && haystack.contains(n.bytes))
            found << n.name + QStringLiteral(" in ") + where;
    }
    return found;
}

QList<QByteArray> demoPlaintexts()
{
    QList<QByteArray> p{
        "demo-prom-basic-Xq81", "Bearer demo-loki-token-77a2", "demo-loki-token-77a2",
        QByteArray("demo-wh-p\xc3\xa4ssw\xc3\xb6rd"), "demo-influx-token-0c9d1e", "demo-es-secret",
        "demo-key-pem", "demo-billing-pw", "AKIADEMOEXAMPLE", "demo/cloudwatch+secret", "demo-tempo-pw",
        "ghp_demoTokenNotReal0123456789", "demo-jira-token", "demo-graphite-pw", "demo-oncall-token",
        "https://hooks.slack.example/services/DEMO", "xoxb-demo-token", "demo-pagerduty-key",
        "demo-smtp-pw", "-----BEGIN PRIVATE KEY-----\nDEMO-NOT-A-REAL-KEY\n-----END PRIVATE KEY-----\n",
        "DEMO-NOT-A-REAL-KEY", "demo-github-client-secret", R"({"title":"Incident 42","panels":[]})",
    };
    for (const char* login : {"alice", "bob", "carol"}) {
        p << QByteArray("demo-access-") + login << QByteArray("demo-refresh-") + login;
    }
    return p;
}

QList<QByteArray> composedDemoPlaintexts()
{
    QList<QByteArray> p{"Bearer"};
    const QList<QList<std::pair<const char*, QByteArray>>> objects{
        {{"basicAuthPassword", "demo-prom-basic-Xq81"}},
        {{"httpHeaderValue1", "Bearer demo-loki-token-77a2"}},
        {{"password", QByteArray("demo-wh-p\xc3\xa4ssw\xc3\xb6rd")}},
        {{"token", "demo-influx-token-0c9d1e"}},
        {{"basicAuthPassword", "demo-es-secret"}, {"tlsClientKey", "demo-key-pem"}},
        {{"password", "demo-billing-pw"}},
        {{"accessKey", "AKIADEMOEXAMPLE"}, {"secretKey", "demo/cloudwatch+secret"}},
        {{"basicAuthPassword", "demo-tempo-pw"}},
        {{"accessToken", "ghp_demoTokenNotReal0123456789"}},
    };
    for (const auto& members : objects) {
        QJsonObject o;
        for (const auto& [k, v] : members)
            o.insert(QLatin1String(k), QString::fromUtf8(v));
        p << QJsonDocument(o).toJson(QJsonDocument::Compact);
    }
    return p;
}

QList<QByteArray> dataKeysOf(const QString& sqlitePath, const QList<QByteArray>& secretKeys)
{
    QList<QByteArray> keys;
    const QString connection = QStringLiteral("hygiene-keys-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(sqlitePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT CAST(encrypted_data AS BLOB) FROM data_keys"))) {
                while (q.next()) {
                    const QByteArray wrapped = q.value(0).toByteArray();
                    for (const QByteArray& secret : secretKeys) {
                        auto dek = crypto::decryptPayload(wrapped, secret);
                        if (dek && !dek->isEmpty())
                            keys << *dek;
                    }
                }
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return keys;
}

QList<QByteArray> gsmDataKeysOf(const QString& sqlitePath, const QList<QByteArray>& keks)
{
    QList<QByteArray> keys;
    const QString connection = QStringLiteral("hygiene-gsm-keys-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(sqlitePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT CAST(encrypted_data AS BLOB) FROM secret_data_key"))) {
                while (q.next()) {
                    const QByteArray wrapped = q.value(0).toByteArray();
                    for (const QByteArray& kek : keks) {
                        auto dek = crypto::gsm::decrypt(kek, wrapped);
                        if (dek && !dek->isEmpty())
                            keys << *dek;
                    }
                }
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return keys;
}

DatabasePlaintexts plaintextsOf(const model::Target& target, int minimumLength)
{
    DatabasePlaintexts out;
    QMutex mutex;
    QList<model::ValueAddress> addresses;
    model::VerifyOptions options;
    options.jobs = 1;
    options.observer = [&](const QList<model::ValueOutcome>& batch) {
        const QMutexLocker lock(&mutex);
        for (const model::ValueOutcome& o : batch) {
            if (!o.failure)
                addresses << model::ValueAddress{o.locationIndex, o.rowId, o.field};
        }
    };
    const auto verified = model::runVerify(target, options, nullptr);
    if (!verified) {
        out.error = verified.error().message;
        return out;
    }
    out.decrypted = int(addresses.size());
    auto keep = [&](const QByteArray& p) {
        if (p.size() < minimumLength)
            ++out.tooShort;
        else if (!out.plaintexts.contains(p))
            out.plaintexts << p;
    };
    for (const model::ValueAddress& address : std::as_const(addresses)) {
        auto text = model::revealSecret(target, address);
        if (!text)
            continue; // not UTF-8 text: nothing an output would carry as text
        const QByteArray bytes = text->toUtf8();
        keep(bytes);
        // A map of secure fields ({"password": "..."}) also hides each field on its own; a
        // document with nested values (a snapshot's dashboard) is not a map of secrets: its titles
        // are shown as names elsewhere.
        const QJsonDocument doc = QJsonDocument::fromJson(bytes);
        if (doc.isObject()) {
            const QJsonObject object = doc.object();
            const bool flat = std::all_of(object.begin(), object.end(),
                                          [](const QJsonValueConstRef v) { return v.isString(); });
            for (auto it = object.begin(); flat && it != object.end(); ++it)
                keep(it.value().toString().toUtf8());
        }
    }
    return out;
}

QString ProcessHardening::describe() const
{
    if (!seen)
        return QStringLiteral("process not running");
    auto limit = [](bool unlimited, long long value) {
        return unlimited ? QStringLiteral("unlimited") : QString::number(value);
    };
    return QStringLiteral("%1: RLIMIT_CORE soft %2 hard %3; uid %4; /proc/<pid>/environ owned by uid %5")
        .arg(QString::fromUtf8(command), limit(coreUnlimitedSoft, coreSoft), limit(coreUnlimitedHard, coreHard))
        .arg(processUid)
        .arg(procOwner);
}

ProcessHardening readProcessHardening(qint64 pid)
{
    ProcessHardening h;
    const QString dir = QStringLiteral("/proc/%1/").arg(pid);
    QFile limits(dir + QStringLiteral("limits"));
    QFile status(dir + QStringLiteral("status"));
    QFile comm(dir + QStringLiteral("comm"));
    if (!limits.open(QIODevice::ReadOnly) || !status.open(QIODevice::ReadOnly) || !comm.open(QIODevice::ReadOnly))
        return h;
    h.command = comm.readAll().trimmed();
    for (const QByteArray& line : limits.readAll().split('\n')) {
        if (!line.startsWith("Max core file size"))
            continue;
        const QList<QByteArray> fields = line.mid(int(sizeof("Max core file size")) - 1).simplified().split(' ');
        if (fields.size() < 2)
            return h;
        h.coreUnlimitedSoft = fields.at(0) == "unlimited";
        h.coreUnlimitedHard = fields.at(1) == "unlimited";
        h.coreSoft = h.coreUnlimitedSoft ? -1 : fields.at(0).toLongLong();
        h.coreHard = h.coreUnlimitedHard ? -1 : fields.at(1).toLongLong();
    }
    bool uidRead = false;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("Uid:")) {
            const QList<QByteArray> fields = line.mid(4).simplified().split(' ');
            h.processUid = uid_t(fields.value(0).toUInt(&uidRead));
        }
    }
    struct stat st{};
    if (!uidRead || ::stat(QFile::encodeName(dir + QStringLiteral("environ")).constData(), &st) != 0)
        return h;
    h.procOwner = st.st_uid;
    h.seen = true;
    return h;
}

void prepareHardeningProbeChild()
{
    // Between fork and exec: system calls only.
    rlimit core{};
    if (::getrlimit(RLIMIT_CORE, &core) == 0) {
        core.rlim_cur = core.rlim_max;
        ::setrlimit(RLIMIT_CORE, &core);
    }
    if (::geteuid() == 0) {
        constexpr uid_t kNobody = 65534;
        ::setgroups(0, nullptr);
        if (::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)
            ::_exit(126);
    }
}

ProbeOutcome probeProcessHardening(const QString& program,
                                   const QStringList& arguments,
                                   const QProcessEnvironment& environment,
                                   bool expectHardened)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    const QString resolved = program.contains(QLatin1Char('/')) ? QFileInfo(program).absoluteFilePath() : program;
    process.setWorkingDirectory(QStringLiteral("/"));
    process.setChildProcessModifier(&prepareHardeningProbeChild);
    process.start(resolved, arguments);
    if (!process.waitForStarted(10'000))
        return {false, QStringLiteral("%1 did not start: %2").arg(program, process.errorString())};
    // Until exec the child is still the test (and not dumpable after setuid): wait for the
    // program's own name in /proc/<pid>/comm first.
    const QByteArray command = QFileInfo(program).fileName().left(15).toUtf8();
    ProcessHardening seen;
    QElapsedTimer timer;
    timer.start();
    qint64 execAt = -1;
    do {
        QTest::qWait(50);
        seen = readProcessHardening(process.processId());
        if (seen.command == command && execAt < 0)
            execAt = timer.elapsed();
        if (execAt >= 0 && expectHardened && seen.coreDumpsOff() && seen.notDumpable())
            break;
        if (execAt >= 0 && !expectHardened && timer.elapsed() - execAt > 300)
            break;
    } while (process.state() == QProcess::Running && timer.elapsed() < 30'000);
    process.kill();
    process.waitForFinished(10'000);
    const QByteArray err = process.readAllStandardError();
    qInfo("%s: %s", qPrintable(QFileInfo(program).fileName()), qPrintable(seen.describe()));
    if (!seen.seen || execAt < 0)
        return {false, QStringLiteral("%1 was not seen running its own code (%2)")
                           .arg(program, QString::fromUtf8(err.left(2000)))};
    if (seen.processUid == 0)
        return {true, QStringLiteral("the child runs as root: /proc ownership cannot show dumpability")};
    const bool hardened = seen.coreDumpsOff() && seen.notDumpable();
    if (expectHardened && !hardened)
        return {false, QStringLiteral("%1 is not hardened: %2").arg(program, seen.describe())};
    if (!expectHardened && (seen.coreDumpsOff() || seen.notDumpable()))
        return {true, QStringLiteral("the probe cannot tell here: %1 shows %2").arg(program, seen.describe())};
    return {};
}

} // namespace mk::test
