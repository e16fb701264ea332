#include "app/cli/CliApp.h"

#include "crypto/Base64.h"
#include "crypto/Payload.h"
#include "model/Target.h"
#include "model/ops/Benchmark.h"
#include "model/ops/CensusJob.h"
#include "model/ops/DemoDatabase.h"
#include "model/ops/JsonReport.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/ValueDecrypter.h"
#include "model/ops/VerifyJob.h"
#include "model/config/SecretKeySource.h"
#include "model/ops/BackupJob.h"
#include "model/ops/ReEncryptJob.h"
#include "model/ops/RewrapDataKeysJob.h"
#include "model/ops/RollbackJob.h"
#include "model/ops/ConsolidateJob.h"
#include "model/ops/RotateJob.h"
#include "model/ops/ApiRotation.h"
#include "model/store/ServerFacts.h"
#include "model/store/Database.h"
#include "model/ops/RepairJob.h"
#include "model/ops/KeyCheckJob.h"
#include "model/ops/KeyFingerprint.h"
#include "model/config/ConfigLoader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace mk::cli {

namespace {

volatile std::sig_atomic_t s_interrupted = 0;

extern "C" void onInterrupt(int signal)
{
    s_interrupted = signal;
}

bool stderrIsTerminal()
{
    return isatty(fileno(stderr)) != 0;
}

// Progress on stderr, only when a person is watching.
class StderrProgress final : public model::JobContext
{
public:
    explicit StderrProgress(QString what)
        : m_what(std::move(what))
        , m_enabled(stderrIsTerminal())
    {
    }
    ~StderrProgress() override
    {
        if (m_enabled && m_printed)
            std::fputs("\r\033[K", stderr);
    }
    void setProgressRange(qint64 total) override { m_total = total; }
    void setProgress(qint64 done, const QString& text) override
    {
        if (!m_enabled)
            return;
        m_printed = true;
        const QString line = m_total > 0
                                 ? QStringLiteral("\r\033[K%1: %2% (%3)")
                                       .arg(m_what)
                                       .arg(done * 100 / m_total)
                                       .arg(text)
                                 : QStringLiteral("\r\033[K%1: %2").arg(m_what, text);
        std::fputs(line.toLocal8Bit().constData(), stderr);
        std::fflush(stderr);
    }
    bool isCanceled() const override { return s_interrupted != 0; }

private:
    QString m_what;
    bool m_enabled;
    bool m_printed = false;
    qint64 m_total = 0;
};

QString padded(const QString& text, int width)
{
    return text.leftJustified(width, QLatin1Char(' '));
}

// Rows as text columns, each as wide as its longest cell plus two spaces (the last one unpadded).
QString tableText(const QList<QStringList>& rows, const QString& indent = {})
{
    QList<qsizetype> widths;
    for (const QStringList& row : rows) {
        for (qsizetype c = 0; c < row.size(); ++c) {
            if (widths.size() <= c)
                widths << 0;
            widths[c] = qMax(widths.at(c), row.at(c).size());
        }
    }
    QString text;
    for (const QStringList& row : rows) {
        QString line = indent;
        for (qsizetype c = 0; c < row.size(); ++c)
            line += c + 1 < row.size() ? padded(row.at(c), static_cast<int>(widths.at(c) + 2)) : row.at(c);
        text += line + QLatin1Char('\n');
    }
    return text;
}

} // namespace

CliApp::CliApp(CliArguments arguments)
    : m_args(std::move(arguments))
    , m_out(stdout)
    , m_err(stderr)
{
}

QJsonObject errorJson(const QString& command, const QString& message, int exitCode)
{
    return QJsonObject{{QStringLiteral("command"), command},
                       {QStringLiteral("error"), message},
                       {QStringLiteral("exitCode"), exitCode}};
}

int CliApp::usageError(const QString& message)
{
    const QString masked = store::ConnectionSpec::maskCredentials(message);
    m_err << "mosaicoo-keys-cli: " << masked << "\n";
    m_err.flush();
    emitJsonError(masked, 2);
    return 2;
}

int CliApp::reportError(const model::Error& error)
{
    const QString masked = store::ConnectionSpec::maskCredentials(error.message);
    m_err << "mosaicoo-keys-cli: " << masked << "\n";
    m_err.flush();
    const int code = model::exitCodeFor(error.kind);
    emitJsonError(masked, code);
    return code;
}

void CliApp::emitJson(const QJsonObject& object)
{
    m_out << QJsonDocument(object).toJson(QJsonDocument::Indented);
    m_out.flush();
    m_jsonEmitted = true;
}

void CliApp::emitJsonError(const QString& message, int exitCode)
{
    if (!m_args.json || m_jsonEmitted)
        return;
    emitJson(errorJson(m_args.command, message, exitCode));
}

int CliApp::run()
{
    if (m_args.version) {
        m_out << "mosaicoo-keys-cli " << MK_VERSION << "\n";
        return 0;
    }
    if (m_args.help || m_args.command.isEmpty() || m_args.command == QLatin1String("help")) {
        (m_args.command.isEmpty() && !m_args.help ? m_err : m_out) << usageText();
        return m_args.command.isEmpty() && !m_args.help ? 2 : 0;
    }
    // One branch per name of commandNames() (app/cli/CliArguments.cpp): the parser refuses any
    // command that is not listed there, and test_cli_docs checks the listed ones are documented.
    if (m_args.command == QLatin1String("status"))
        return runStatus();
    if (m_args.command == QLatin1String("verify"))
        return runVerify();
    if (m_args.command == QLatin1String("decrypt"))
        return runDecrypt();
    if (m_args.command == QLatin1String("encrypt"))
        return runEncrypt();
    if (m_args.command == QLatin1String("demo"))
        return runDemo();
    if (m_args.command == QLatin1String("re-encrypt"))
        return runReEncrypt();
    if (m_args.command == QLatin1String("rollback"))
        return runRollback();
    if (m_args.command == QLatin1String("re-encrypt-data-keys"))
        return runRewrapDataKeys();
    if (m_args.command == QLatin1String("rotate"))
        return runRotate();
    if (m_args.command == QLatin1String("consolidate"))
        return runConsolidate();
    if (m_args.command == QLatin1String("backup"))
        return runBackup();
    if (m_args.command == QLatin1String("restore"))
        return runRestore();
    if (m_args.command == QLatin1String("bench"))
        return runBench();
    if (m_args.command == QLatin1String("instances"))
        return runInstances();
    if (m_args.command == QLatin1String("repair"))
        return runRepair();
    // parseArguments() refuses commands that are not in commandNames(): reaching this line means
    // a listed command has no branch above.
    return usageError(
        QStringLiteral("command '%1' is accepted but not implemented (a bug)").arg(m_args.command));
}

namespace {

model::OpenRequest requestFrom(const CliArguments& args)
{
    model::OpenRequest request;
    request.dbUrl = args.dbUrl;
    request.configFile = args.configFile;
    request.secretKeyFile = args.secretKeyFile;
    return request;
}

} // namespace

int CliApp::runStatus()
{
    auto target = model::resolveTarget(requestFrom(m_args));
    if (!target)
        return reportError(target.error());
    if (target->usesPublicDefaultKey())
        m_err << "warning: this installation uses the public default secret key "
                 "(anyone can decrypt its secrets)\n";
    StderrProgress progress(QStringLiteral("status"));
    const auto census = model::runCensus(*target, &progress);
    if (!census)
        return reportError(census.error());
    // Fingerprints (never the key) and the sampled key check, said at once.
    const QString fingerprint = model::keyFingerprint(target->secretKey);
    QList<std::pair<QString, QString>> candidates;
    for (const QString& file : std::as_const(m_args.candidateKeyFiles)) {
        const auto key = config::resolveSecretKey(file, QProcessEnvironment(), nullptr);
        if (!key)
            return usageError(QStringLiteral("--candidate-key-file %1: %2").arg(file, key.error().detail));
        candidates.append({file, model::keyFingerprint(key->key)});
    }
    const auto keyCheck = model::checkSecretKey(*target, m_args.jobs, &progress);
    if (keyCheck && keyCheck->wrongKeySuspected) {
        m_err << "warning: the secret key is probably wrong for this database: " << keyCheck->detail
              << ". Operations will refuse; `repair --candidate-key-file FILE` can find the right key.\n";
        m_err.flush();
    }
    if (m_args.json) {
        QJsonObject object = model::censusToJson(*census);
        object.insert(QStringLiteral("secretKeyFingerprint"), fingerprint);
        QJsonArray list;
        for (const auto& [source, print] : candidates)
            list.append(QJsonObject{{QStringLiteral("source"), source}, {QStringLiteral("fingerprint"), print}});
        object.insert(QStringLiteral("candidateFingerprints"), list);
        if (keyCheck)
            object.insert(QStringLiteral("keyCheck"),
                          QJsonObject{{QStringLiteral("sampled"), keyCheck->sampled},
                                      {QStringLiteral("ok"), keyCheck->ok},
                                      {QStringLiteral("keyFailures"), keyCheck->keyFailures},
                                      {QStringLiteral("wrongKeySuspected"), keyCheck->wrongKeySuspected},
                                      {QStringLiteral("detail"), keyCheck->detail}});
        emitJson(object);
        return 0;
    }
    m_out << "Secret key: fingerprint " << fingerprint << " (" << model::secretKeyOriginLabel(*target) << ")";
    if (keyCheck)
        m_out << "; key check: " << keyCheck->detail;
    m_out << "\n";
    for (const auto& [source, print] : candidates)
        m_out << "Candidate:  fingerprint " << print << " (" << source << ")\n";
    m_out << "Database:  " << census->location << " (" << census->driver << ", " << census->schema
          << ")\n";
    m_out << "Provider:  " << census->encryptionProvider << ", algorithm " << census->algorithm
          << (census->envelopeEncryption ? ", envelope encryption" : ", envelope encryption DISABLED")
          << "\n";
    printLiveness(census->liveness);
    m_out << "\n";
    const auto n = [](qint64 v) { return QString::number(v); };
    QList<QStringList> locations{{QStringLiteral("LOCATION"), QStringLiteral("VALUES"), QStringLiteral("ENVELOPE"),
                                  QStringLiteral("LEGACY"), QStringLiteral("ORPHANED"), QStringLiteral("MALFORMED")}};
    for (const model::LocationCensus& l : census->locations) {
        if (l.present)
            locations << QStringList{l.table + QLatin1Char('.') + l.column, n(l.values), n(l.envelope),
                                     n(l.legacy), n(l.orphaned), n(l.malformed)};
    }
    const model::CensusTotals& t = census->totals;
    locations << QStringList{QStringLiteral("total"), n(t.values), n(t.envelope), n(t.legacy), n(t.orphaned),
                             n(t.malformed)};
    m_out << tableText(locations) << "\n";
    m_out << "Data keys: " << census->dataKeys.size() << " (" << census->totals.unusedDataKeys
          << " unused)\n";
    QList<QStringList> keys;
    for (const model::DataKeyInfo& key : census->dataKeys)
        keys << QStringList{key.id, key.active ? QStringLiteral("active") : QStringLiteral("inactive"), key.provider,
                            n(key.references), model::unwrapStatusName(key.unwrap), key.label};
    m_out << tableText(keys, QStringLiteral("  "));
    return 0;
}

void CliApp::printLiveness(const model::Liveness& liveness)
{
    if (!liveness.checked)
        m_out << "Servers:   not checked (the evidence tables could not be read)\n";
    else if (liveness.suspected)
        m_out << "Servers:   RUNNING? " << model::livenessSentence(liveness) << "\n";
    else if (liveness.lastWriteSecondsAgo >= 0)
        m_out << "Servers:   no write of a running server for " << liveness.lastWriteSecondsAgo << " s\n";
    else
        m_out << "Servers:   no trace of a running server\n";
}

int CliApp::runVerify()
{
    auto target = model::resolveTarget(requestFrom(m_args));
    if (!target)
        return reportError(target.error());
    if (target->usesPublicDefaultKey())
        m_err << "warning: this installation uses the public default secret key\n";
    StderrProgress progress(QStringLiteral("verify"));
    model::VerifyOptions options;
    options.jobs = m_args.jobs;
    const auto verify = model::runVerify(*target, options, &progress);
    if (!verify)
        return reportError(verify.error());
    if (m_args.json) {
        emitJson(model::verifyToJson(*verify));
    } else {
        m_out << "Checked " << verify->checked << " values: " << verify->ok << " ok, "
              << verify->failed << " failed (" << verify->durationMs << " ms, "
              << model::effectiveJobs(m_args.jobs) << " jobs)\n";
        if (verify->unverifiable > 0)
            m_out << "  " << verify->unverifiable
                  << " of the ok values are legacy AES-CFB texts too short to prove that this secret key "
                     "encrypted them; the operations leave them alone unless given --include-unverifiable\n";
        for (const model::ValueFailure& f : verify->failures) {
            m_out << "  FAILED " << f.table << "." << f.column << " row " << f.rowId << " field "
                  << f.field << ": " << model::reasonName(f.reason) << " ("
                  << model::reasonDescription(f.reason) << ")\n";
        }
    }
    return verify->failed > 0 ? 1 : 0;
}

namespace {

// Decodes one stored value as pasted by an administrator.
std::optional<QByteArray> decodeInput(const QByteArray& input, const QString& encoding)
{
    const QByteArray trimmed = input.trimmed();
    if (encoding == QLatin1String("bytes"))
        return input;
    if (encoding == QLatin1String("std")) {
        auto decoded = crypto::base64::decodeStd(trimmed);
        return decoded ? std::optional<QByteArray>(*decoded) : std::nullopt;
    }
    if (encoding == QLatin1String("raw")) {
        auto decoded = crypto::base64::decodeRaw(trimmed);
        return decoded ? std::optional<QByteArray>(*decoded) : std::nullopt;
    }
    // auto: base64 (padded or not), else the bytes themselves
    if (auto decoded = crypto::base64::decodeAny(trimmed); decoded && !decoded->isEmpty())
        return *decoded;
    return input;
}

} // namespace

int CliApp::runDecrypt()
{
    const QString encoding = m_args.encoding.isEmpty() ? QStringLiteral("auto") : m_args.encoding;
    if (!QStringList{QStringLiteral("auto"), QStringLiteral("std"), QStringLiteral("raw"),
                     QStringLiteral("bytes")}
             .contains(encoding))
        return usageError(QStringLiteral("--encoding must be auto, std, raw or bytes"));
    model::OpenRequest request = requestFrom(m_args);
    const bool haveDatabase = !request.dbUrl.isEmpty() || !request.configFile.isEmpty();
    request.databaseOptional = true;
    auto target = model::resolveTarget(request);
    if (!target)
        return reportError(target.error());

    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return usageError(QStringLiteral("cannot read standard input"));
    const auto payload = decodeInput(in.readAll(), encoding);
    if (!payload)
        return usageError(QStringLiteral("the input is not valid %1 base64").arg(encoding));

    QList<store::DataKeyRow> keys;
    if (haveDatabase && payload->startsWith('#')) {
        auto opened = model::openTarget(*target, model::AccessMode::ReadOnly);
        if (!opened)
            return reportError(opened.error());
        keys = opened->dataKeys;
    }
    const model::KeyRing ring(*target, keys);
    model::ValueRecord record;
    record.locationIndex = 0;
    record.payload = *payload;
    // An explicit decrypt of one value: a text too short to prove its key is still shown.
    auto plaintext = model::decryptValue(record, ring, model::UnverifiablePolicy::Accept);
    if (!plaintext) {
        m_err << "mosaicoo-keys-cli: cannot decrypt: " << model::reasonName(plaintext.error().reason)
              << " (" << model::reasonDescription(plaintext.error().reason) << ")";
        if (payload->startsWith('#') && !haveDatabase)
            m_err << "; envelope values need --db to find their data key";
        m_err << "\n";
        return 1;
    }
    std::fwrite(plaintext->constData(), 1, static_cast<size_t>(plaintext->size()), stdout);
    model::wipe(*plaintext);
    return 0;
}

int CliApp::runEncrypt()
{
    const QString format = m_args.format.isEmpty() ? QStringLiteral("9.2") : m_args.format;
    const QString algorithm = m_args.algorithm.isEmpty() ? QStringLiteral("aes-cfb") : m_args.algorithm;
    const QString encoding = m_args.encoding.isEmpty() ? QStringLiteral("std") : m_args.encoding;
    if (format != QLatin1String("9.2") && format != QLatin1String("legacy"))
        return usageError(QStringLiteral("--format must be 9.2 or legacy"));
    const auto alg = crypto::algorithmFromName(algorithm.toUtf8());
    if (!alg)
        return usageError(QStringLiteral("--algorithm must be aes-cfb or aes-gcm"));
    if (format == QLatin1String("legacy") && *alg != crypto::Algorithm::AesCfb)
        return usageError(QStringLiteral("--format legacy writes aes-cfb only"));
    if (!QStringList{QStringLiteral("std"), QStringLiteral("raw"), QStringLiteral("bytes")}.contains(encoding))
        return usageError(QStringLiteral("--encoding must be std, raw or bytes"));
    model::OpenRequest request = requestFrom(m_args);
    request.databaseOptional = true;
    auto target = model::resolveTarget(request);
    if (!target)
        return reportError(target.error());
    if (target->usesPublicDefaultKey())
        m_err << "warning: encrypting with the public default secret key\n";

    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return usageError(QStringLiteral("cannot read standard input"));
    QByteArray plaintext = in.readAll();
    crypto::EncryptOptions options;
    options.algorithm = *alg;
    options.writePrefix = format == QLatin1String("9.2");
    auto payload = crypto::encryptPayload(plaintext, target->secretKey, options);
    model::wipe(plaintext);
    if (!payload)
        return usageError(QStringLiteral("encryption failed: %1").arg(payload.error().detail));
    if (encoding == QLatin1String("bytes")) {
        std::fwrite(payload->constData(), 1, static_cast<size_t>(payload->size()), stdout);
    } else {
        m_out << (encoding == QLatin1String("std") ? crypto::base64::encodeStd(*payload)
                                                   : crypto::base64::encodeRaw(*payload))
              << "\n";
    }
    return 0;
}

int CliApp::runDemo()
{
    if (m_args.out.isEmpty())
        return usageError(QStringLiteral("demo needs --out FILE"));
    const auto demo = model::createDemoDatabase(m_args.out);
    if (!demo)
        return reportError(demo.error());
    m_err << "created " << m_args.out << ": " << demo->values << " encrypted values, " << demo->dataKeys
          << " data keys, secret key = the public default\n";
    return 0;
}

int CliApp::runBench()
{
    m_err << "measuring for about " << m_args.seconds << " s per part...\n";
    m_err.flush();
    const model::BenchmarkResult bench = model::runBenchmark(m_args.seconds, m_args.jobs);
    if (m_args.json) {
        emitJson(QJsonObject{
            {QStringLiteral("pbkdf2Implementation"), bench.pbkdf2Implementation},
            {QStringLiteral("floorMs"), bench.floorMs},
            {QStringLiteral("ownPbkdf2Ms"), bench.ownPbkdf2Ms},
            {QStringLiteral("openSslPbkdf2Ms"), bench.openSslPbkdf2Ms},
            {QStringLiteral("ownVsFloor"), bench.floorMs > 0 ? bench.ownPbkdf2Ms / bench.floorMs : 0},
            {QStringLiteral("openSslVsFloor"), bench.floorMs > 0 ? bench.openSslPbkdf2Ms / bench.floorMs : 0},
            {QStringLiteral("jobs"), bench.cores},
            {QStringLiteral("values"), bench.values},
            {QStringLiteral("verifyPerSecond1Job"), bench.verifyPerSecondOneJob},
            {QStringLiteral("verifyPerSecondNJobs"), bench.verifyPerSecondAllJobs},
            {QStringLiteral("reEncryptValues"), bench.reEncryptValues},
            {QStringLiteral("reEncryptPerSecond1Job"), bench.reEncryptPerSecondOneJob},
            {QStringLiteral("reEncryptPerSecondNJobs"), bench.reEncryptPerSecondAllJobs},
        });
        return 0;
    }
    auto ms = [](double v) { return QString::number(v, 'f', 3) + QStringLiteral(" ms"); };
    auto ratio = [&bench](double v) {
        return bench.floorMs > 0 ? QStringLiteral("%1x floor").arg(v / bench.floorMs, 0, 'f', 2) : QString();
    };
    m_out << "PBKDF2-HMAC-SHA256, 10,000 iterations, 32 bytes (one per value):\n";
    m_out << "  " << padded(QStringLiteral("floor: 20,000 SHA-256 compressions"), 40) << ms(bench.floorMs) << "\n";
    m_out << "  " << padded(QStringLiteral("ours: ") + bench.pbkdf2Implementation, 40) << ms(bench.ownPbkdf2Ms)
          << "  " << ratio(bench.ownPbkdf2Ms) << "\n";
    m_out << "  " << padded(QStringLiteral("system OpenSSL PKCS5_PBKDF2_HMAC"), 40) << ms(bench.openSslPbkdf2Ms)
          << "  " << ratio(bench.openSslPbkdf2Ms) << "\n";
    m_out << "verify throughput (" << bench.values << " envelope values):\n";
    m_out << "  1 job    " << QString::number(bench.verifyPerSecondOneJob, 'f', 0) << " values/s\n";
    m_out << "  " << bench.cores << " jobs   " << QString::number(bench.verifyPerSecondAllJobs, 'f', 0)
          << " values/s\n";
    m_out << "re-encrypt throughput (" << bench.reEncryptValues
          << " legacy values to envelope, SQLite, the whole operation):\n";
    if (!bench.error.isEmpty()) {
        m_err << "mosaicoo-keys-cli: re-encrypt benchmark failed: " << bench.error << "\n";
        return 1;
    }
    m_out << "  1 job    " << QString::number(bench.reEncryptPerSecondOneJob, 'f', 0) << " values/s\n";
    m_out << "  " << bench.cores << " jobs   " << QString::number(bench.reEncryptPerSecondAllJobs, 'f', 0)
          << " values/s\n";
    return 0;
}

int CliApp::runOperation(const QString& what,
                         const OperationRunner& runner,
                         const std::function<QJsonObject(const model::OperationResult&)>& json,
                         const std::function<void()>& after)
{
    auto target = model::resolveTarget(requestFrom(m_args));
    if (!target)
        return reportError(target.error());
    if (target->usesPublicDefaultKey())
        m_err << "warning: this installation uses the public default secret key\n";
    m_err.flush();
    auto instances = cliInstances();
    if (!instances)
        return usageError(instances.error().message);
    // Ctrl-C / SIGTERM: stop after the current batch (every committed batch is complete).
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    StderrProgress progress(what);
    const auto result = runner(*target, &progress);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!result) {
        const QString message = store::ConnectionSpec::maskCredentials(result.error().message);
        m_err << "mosaicoo-keys-cli: " << what << ": " << message << "\n";
        m_err.flush();
        const int code = model::exitCodeFor(result.error().kind);
        if (m_args.json) {
            // The operation's fields (nothing was written: zero counts) and what stopped it, so
            // that a script reads the same shape whatever the outcome.
            model::OperationResult nothing;
            nothing.operation = what;
            QJsonObject object = model::operationToJson(nothing);
            const QJsonObject error = errorJson(what, message, code);
            for (auto it = error.begin(); it != error.end(); ++it)
                object.insert(it.key(), it.value());
            object.insert(QStringLiteral("refused"), result.error().kind == model::ErrorKind::Refused);
            emitJson(object);
        }
        return code;
    }
    model::OperationResult finished = *result;
    if (rotatesAtEnd(what))
        model::rotateThroughInstancesAtEnd(*target, *instances, finished);
    if (m_args.json) {
        emitJson(json ? json(finished) : model::operationToJson(finished));
    } else {
        printSummary(finished);
        if (after)
            after();
    }
    const int code = model::exitCodeFor(finished);
    // 128 + the signal that stopped it: 130 after Ctrl-C (SIGINT), 143 after SIGTERM.
    return code == model::kExitInterrupted && s_interrupted == SIGTERM ? 128 + SIGTERM : code;
}

model::Result<model::InstanceTargets> CliApp::cliInstances() const
{
    model::InstanceRequest request;
    request.urls = m_args.instances;
    request.tokenFile = m_args.apiTokenFile;
    request.caFile = m_args.instanceCa;
    return model::resolveInstances(request);
}

bool CliApp::rotatesAtEnd(const QString& operation)
{
    return operation == QLatin1String("re-encrypt") || operation == QLatin1String("rollback")
           || operation == QLatin1String("re-encrypt-data-keys") || operation == QLatin1String("restore");
}

int CliApp::runInstances()
{
    auto instances = cliInstances();
    if (!instances)
        return usageError(instances.error().message);
    if (instances->urls.isEmpty())
        return usageError(QStringLiteral("no instance: give --instance URL or set [console] instances in %1")
                              .arg(model::consoleSettingsPath()));
    QStringList uids;
    if (!m_args.dbUrl.isEmpty() || !m_args.configFile.isEmpty()) {
        auto target = model::resolveTarget(requestFrom(m_args));
        if (!target)
            return usageError(target.error().message);
        auto opened = model::openTarget(*target, model::AccessMode::ReadOnly);
        if (!opened) {
            m_err << "mosaicoo-keys-cli: " << opened.error().message << "\n";
            return model::exitCodeFor(opened.error().kind);
        }
        if (auto read = store::readDataSourceUids(opened->db); read)
            uids = *read;
    }
    const QList<model::InstanceStatus> statuses = model::probeInstances(*instances, uids);
    bool allOk = true;
    for (const model::InstanceStatus& s : statuses)
        allOk = allOk && s.state == model::InstanceState::Ok;
    if (m_args.json) {
        emitJson(model::instancesToJson(statuses));
        return allOk ? 0 : 1;
    }
    for (const model::InstanceStatus& s : statuses) {
        m_out << padded(s.url, 40) << padded(model::instanceStateName(s.state), 14);
        if (s.state == model::InstanceState::Ok)
            m_out << "version " << s.version << (s.edition.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(s.edition));
        else
            m_out << s.detail;
        if (s.sameDatabase)
            m_out << (*s.sameDatabase ? "; same database: " : "; ANOTHER database? ") << s.sameDatabaseDetail;
        m_out << "\n";
    }
    return allOk ? 0 : 1;
}

void CliApp::printSummary(const model::OperationResult& r)
{
    if (r.dryRun)
        m_out << "DRY RUN: nothing was written.\n";
    for (const QString& w : r.preflight.warnings)
        m_err << "note: " << w << "\n";
    m_err.flush();
    if (r.operation == QLatin1String("rotate")) {
        m_out << "rotate: " << r.dataKeysDeactivated << (r.dryRun ? " data keys would be" : " data keys")
              << " deactivated (" << r.durationMs << " ms)\n";
        for (const QString& id : r.dataKeysDeactivatedIds)
            m_out << "  deactivated " << id << "\n";
        if (r.instanceCalls.isEmpty() && !r.encryptUntil.isEmpty())
            m_out << "  (no instance given: every instance keeps its cached key until the TTL)\n";
    } else if (r.operation == QLatin1String("backup")) {
        m_out << "backup: " << r.backupFile << " (" << r.backupFormat << ", " << r.durationMs << " ms)\n";
    } else if (r.operation == QLatin1String("restore")) {
        m_out << "restore from " << r.backupFile << " (" << r.backupFormat << "): " << r.processed
              << " cells in the backup, " << r.changed << (r.dryRun ? " would be" : "") << " restored, "
              << r.skipped << " unchanged, " << r.failed << " failed; " << r.dataKeysCreated.size()
              << " data keys inserted, " << r.dataKeysRewrapped << " updated (" << r.durationMs << " ms)\n";
    } else {
        m_out << r.operation << ": " << r.processed << " values processed, " << r.changed
              << (r.dryRun ? " would change, " : " changed, ") << r.skipped << " skipped, " << r.failed
              << " failed";
        if (r.conflicts > 0)
            m_out << " (" << r.conflicts << " conflicts)";
        if (r.rereads > 0)
            m_out << " (" << r.rereads << " rows changed meanwhile were read again)";
        m_out << " (" << r.durationMs << " ms, " << model::effectiveJobs(m_args.jobs) << " jobs)\n";
        if (r.preflight.keyCheck.sampled > 0)
            m_out << "  key check: " << r.preflight.keyCheck.detail << "\n";
        for (const QString& id : r.dataKeysCreated)
            m_out << "  data key created: " << id << "\n";
        if (r.dataKeysRewrapped > 0)
            m_out << "  data keys re-wrapped: " << r.dataKeysRewrapped << "\n";
        if (r.operation == QLatin1String("rollback"))
            m_out << "  data keys deleted: " << r.dataKeysDeleted << "\n";
        for (const model::DataKeyLoss& loss : r.dataKeysKept)
            m_out << "  data key KEPT: " << loss.id << " (" << loss.references << " values in "
                  << loss.locations.join(QStringLiteral(", ")) << " still reference it)\n";
        for (const model::DataKeyPlan& key : r.dataKeyFailures)
            m_out << "  data key NOT re-wrapped: " << key.id << " (" << key.health << "; " << key.action << ")\n";
        for (const model::ValueFailure& f : r.failures)
            m_out << "  FAILED " << f.table << "." << f.column << " row " << f.rowId << " field " << f.field
                  << ": " << model::reasonName(f.reason) << " (" << model::reasonDescription(f.reason) << ")\n";
        for (const model::ValueFailure& f : r.valuesLost)
            m_out << "  LOST " << f.table << "." << f.column << " row " << f.rowId << " field " << f.field
                  << ": its data key was deleted (--accept-loss)\n";
        if (r.verifyChecked >= 0)
            m_out << "  verified with the new key: " << r.verifyChecked << " values, " << r.verifyFailed
                  << " failed" << (r.verifyCanceled ? " (INTERRUPTED: not every value was checked)" : "")
                  << "\n";
    }
    for (const model::InstanceCall& call : r.instanceCalls)
        m_out << "  instance " << padded(call.url, 40)
              << (call.state == model::InstanceState::Ok ? QStringLiteral("rotated (cache flushed)")
                                                         : model::instanceStateName(call.state) + QStringLiteral(": ") + call.detail)
              << "\n";
    if (!r.apiRotationConfirmation.isEmpty())
        m_out << "  database " << r.apiRotationConfirmation << "\n";
    for (const QString& note : r.notes)
        m_out << "  " << note << "\n";
    if (r.canceled && !r.canceledBeforeCommit) // else a note says that nothing was written
        m_out << "  Interrupted: every committed batch is complete; run the same command again to finish.\n";
    if (r.refused)
        m_out << "REFUSED: " << r.refusal << "\n";
    if (!r.unfinished.isEmpty())
        m_out << "NOT FINISHED: " << r.unfinished << "\n";
    if (!r.configChange.isEmpty())
        m_out << "\nCONFIGURATION CHANGE: " << r.configChange << "\n";
    m_out.flush();
}

namespace {

void copyCommon(const CliArguments& args, model::OperationOptions& options)
{
    options.dryRun = args.dryRun;
    options.jobs = args.jobs;
    options.force = args.force;
    options.freshSaltPerValue = args.freshSaltPerValue;
    options.serversStopped = args.serversStopped;
    options.includeUnverifiable = args.includeUnverifiable;
}

} // namespace

int CliApp::runReEncrypt()
{
    if (!m_args.format.isEmpty())
        return usageError(QStringLiteral("re-encrypt takes no --format (the algorithm comes from the config)"));
    model::ReEncryptOptions options;
    copyCommon(m_args, options);
    return runOperation(QStringLiteral("re-encrypt"), [&options](const model::Target& t, model::JobContext* c) {
        return model::runReEncrypt(t, options, c);
    });
}

int CliApp::runRollback()
{
    const auto format = model::rollbackFormatFromName(m_args.format);
    if (!format)
        return usageError(QStringLiteral("--format must be 9.2 or legacy"));
    model::RollbackOptions options;
    copyCommon(m_args, options);
    options.format = *format;
    options.acceptLoss = m_args.acceptLoss;
    return runOperation(QStringLiteral("rollback"), [&options](const model::Target& t, model::JobContext* c) {
        return model::runRollback(t, options, c);
    });
}

int CliApp::runRewrapDataKeys()
{
    model::RewrapDataKeysOptions options;
    copyCommon(m_args, options);
    options.provider = m_args.provider;
    if (!m_args.newSecretKeyFile.isEmpty()) {
        if (!m_args.provider.isEmpty())
            return usageError(QStringLiteral("--new-secret-key-file and --provider cannot be combined"));
        const auto key = config::resolveSecretKey(m_args.newSecretKeyFile, QProcessEnvironment(), nullptr);
        if (!key)
            return usageError(QStringLiteral("--new-secret-key-file %1: %2")
                                  .arg(m_args.newSecretKeyFile, key.error().detail));
        options.newSecretKey = key->key;
        options.newSecretKeySource = m_args.newSecretKeyFile;
    }
    return runOperation(QStringLiteral("re-encrypt-data-keys"),
                        [&options](const model::Target& t, model::JobContext* c) {
                            return model::runRewrapDataKeys(t, options, c);
                        });
}

int CliApp::runRotate()
{
    model::OperationOptions options;
    copyCommon(m_args, options);
    if (m_args.viaApi) {
        auto instances = cliInstances();
        if (!instances)
            return usageError(instances.error().message);
        const model::InstanceTargets targets = *instances;
        return runOperation(QStringLiteral("rotate"), [&options, targets](const model::Target& t, model::JobContext* c) {
            return model::runRotateViaApi(t, options, targets, c);
        });
    }
    return runOperation(QStringLiteral("rotate"), [&options](const model::Target& t, model::JobContext* c) {
        return model::runRotate(t, options, c);
    });
}

// consolidate: the secrets-manager store (secret_* tables) re-encrypted under today's data key of
// [secrets_manager] encryption_provider (model/ops/ConsolidateJob.h).
int CliApp::runConsolidate()
{
    model::OperationOptions options;
    copyCommon(m_args, options);
    if (m_args.batchSize > 0)
        options.batchSize = m_args.batchSize;
    return runOperation(model::kConsolidateOperation, [&options](const model::Target& t, model::JobContext* c) {
        return model::runConsolidate(t, options, c);
    });
}

int CliApp::runBackup()
{
    if (m_args.out.isEmpty())
        return usageError(QStringLiteral("backup needs --out FILE"));
    model::BackupOptions options;
    options.outPath = m_args.out;
    options.format = m_args.format;
    return runOperation(QStringLiteral("backup"), [&options](const model::Target& t, model::JobContext* c) {
        return model::runBackup(t, options, c);
    });
}

int CliApp::runRestore()
{
    if (m_args.from.isEmpty())
        return usageError(QStringLiteral("restore needs --from FILE"));
    model::RestoreOptions options;
    copyCommon(m_args, options);
    options.fromPath = m_args.from;
    options.replaceDataKeys = m_args.replaceDataKeys;
    return runOperation(QStringLiteral("restore"), [&options](const model::Target& t, model::JobContext* c) {
        return model::runRestore(t, options, c);
    });
}

int CliApp::runRepair()
{
    model::RepairOptions options;
    copyCommon(m_args, options);
    options.dataKeysFrom = m_args.dataKeysFrom;
    options.clearUnrecoverable = m_args.clearUnrecoverable;
    for (const QString& file : std::as_const(m_args.candidateKeyFiles)) {
        const auto key = config::resolveSecretKey(file, QProcessEnvironment(), nullptr);
        if (!key)
            return usageError(QStringLiteral("--candidate-key-file %1: %2").arg(file, key.error().detail));
        options.candidateKeys << key->key;
        options.candidateSources << file;
    }
    for (const QString& file : std::as_const(m_args.candidateConfigs)) {
        // The old configuration as that server read it (its own file, not this host's environment).
        const auto config = config::loadConfig(file, QProcessEnvironment());
        if (!config)
            return usageError(QStringLiteral("--candidate-config %1: %2").arg(file, config.error().detail));
        const auto key = config::resolveSecretKey(QString(), QProcessEnvironment(), &*config);
        if (!key)
            return usageError(QStringLiteral("--candidate-config %1: %2").arg(file, key.error().detail));
        options.candidateKeys << key->key;
        options.candidateSources << file;
    }
    std::optional<model::RepairResult> repaired;
    return runOperation(
        QStringLiteral("repair"),
        [&options, &repaired](const model::Target& t, model::JobContext* c) -> model::Result<model::OperationResult> {
            auto r = model::runRepair(t, options, c);
            if (!r)
                return std::unexpected(r.error());
            repaired = std::move(*r);
            return repaired->operation;
        },
        [&repaired](const model::OperationResult&) { return model::repairToJson(*repaired); },
        [this, &repaired]() {
            const model::RepairResult& r = *repaired;
            const char* would = r.operation.dryRun ? " (would be)" : "";
            m_out << "  secret key fingerprint: " << r.currentFingerprint << "\n";
            for (const model::CandidateOutcome& c : r.candidates)
                m_out << "  candidate " << c.source << " (fingerprint " << c.fingerprint << "): "
                      << (c.sameAsCurrent ? QStringLiteral("same as the current key")
                                          : QStringLiteral("opens %1 data keys, %2 values")
                                                .arg(c.dataKeys.size())
                                                .arg(c.values))
                      << "\n";
            m_out << "  data keys re-wrapped" << would << ": " << r.operation.dataKeysRewrapped
                  << ", restored" << would << ": " << r.dataKeysRestored << ", values re-encrypted" << would
                  << ": " << r.valuesReencrypted << "\n";
            for (const QString& id : r.dataKeysRestoredIds)
                m_out << "  data key restored" << would << ": " << id << " (inactive)\n";
            for (const model::RepairValue& v : r.cleared)
                m_out << "  CLEARED" << would << " " << v.value.table << "." << v.value.column << " row "
                      << v.value.rowId << " field " << v.value.field << ": re-enter it for " << v.owner << "\n";
            for (const model::RepairValue& v : r.remaining)
                m_out << "  REMAINS " << v.value.table << "." << v.value.column << " row " << v.value.rowId
                      << " field " << v.value.field << " (" << model::reasonName(v.value.reason) << "): "
                      << v.owner << "\n";
            m_out.flush();
        });
}

} // namespace mk::cli
