#include "app/cli/CliArguments.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <functional>

namespace mk::cli {

QString usageText()
{
    return QStringLiteral(
        "Usage: mosaicoo-keys-cli [--db URL | --config FILE] [--secret-key-file FILE] COMMAND [--json] "
        "[options]\n"
        "       mosaicoo-keys-cli help | --help | -h | --version\n"
        "\n"
        "Options of every command (before or after it; --name=VALUE works too):\n"
        "  --db URL               the database (see Sources below)\n"
        "  --config FILE          the server's configuration (grafana.ini, mosaicoo.ini)\n"
        "  --secret-key-file FILE file that holds the secret key\n"
        "  --json                 exactly one JSON object on standard output; text goes to stderr\n"
        "  -h, --help             print this text (so does the command help)\n"
        "  --version              print the version\n"
        "\n"
        "Commands:\n"
        "  status                 census of every secret location without decrypting values\n"
        "  verify  [--jobs N]     decrypt every value and report each failure\n"
        "  decrypt [--encoding auto|std|raw|bytes]\n"
        "                         decrypt ONE value read from standard input (explicit action: prints\n"
        "                         the plaintext); envelope values need --db for their data key\n"
        "  encrypt [--format 9.2|legacy] [--algorithm aes-cfb|aes-gcm] [--encoding std|raw|bytes]\n"
        "                         encrypt standard input with the secret key (legacy value)\n"
        "  demo --out FILE        create a demo SQLite database with encrypted secrets\n"
        "\n"
        "Operations (preflight first: a sample decrypt must show the secret key is right, else exit 3\n"
        "unless --force; every change is decrypted again before it is written; batched transactions;\n"
        "--dry-run reports exactly what would change; Ctrl-C stops cleanly after the current batch;\n"
        "legacy AES-CFB texts too short to prove their key are reported as unverifiable and left\n"
        "alone unless --include-unverifiable is given to re-encrypt, rollback or re-encrypt-data-keys):\n"
        "  re-encrypt [--dry-run] [--jobs N] [--force] [--fresh-salt-per-value]\n"
        "                         every value to envelope encryption under today's data key\n"
        "  rollback [--dry-run] [--jobs N] [--format 9.2|legacy] [--accept-loss] [--force]\n"
        "                         every value to legacy encryption; data keys are deleted only when\n"
        "                         nothing references them (--accept-loss deletes them anyway)\n"
        "  re-encrypt-data-keys [--dry-run] [--jobs N] [--new-secret-key-file FILE | --provider ID]\n"
        "                       [--force]\n"
        "                         re-wrap every data key with the current provider; with\n"
        "                         --new-secret-key-file: change the secret key (data keys and legacy\n"
        "                         values, one transaction), then print the configuration change\n"
        "  rotate [--dry-run] [--via-api]\n"
        "                         deactivate the active data keys; --via-api: through every instance's\n"
        "                         POST /api/admin/encryption/rotate-data-keys (flushes their caches)\n"
        "  consolidate [--dry-run] [--jobs N] [--batch-size N] [--force]\n"
        "                         secrets-manager store (secret_* tables): new data key per namespace\n"
        "                         with [secrets_manager] encryption_provider, every value re-encrypted,\n"
        "                         unreferenced old data keys deleted (how secret_key.vN is rotated)\n"
        "  backup --out FILE [--format sqlite|json]\n"
        "                         SQLite: online copy; PostgreSQL/MySQL: JSON export of data_keys and\n"
        "                         every secret cell (files are created with mode 0600, never replaced)\n"
        "  restore --from FILE [--dry-run] [--force] [--replace-data-keys]\n"
        "                         put back the data keys and secret cells of a backup (one transaction);\n"
        "                         refused (exit 3) unless the backup is of this database: its values\n"
        "                         decrypt with this key, its data keys hold the same key material as\n"
        "                         here, its rows belong to the same owners (--force: restore rows whose\n"
        "                         owner changed; --replace-data-keys: replace differing data keys)\n"
        "  repair [--candidate-key-file FILE]... [--candidate-config FILE]... [--data-keys-from BACKUP]\n"
        "         [--clear-unrecoverable] [--dry-run] [--jobs N] [--json]\n"
        "                         find the key of every data key and value among the current and\n"
        "                         candidate keys, re-wrap / re-encrypt them under the current key,\n"
        "                         restore missing data keys from a backup; last resort: clear what\n"
        "                         nothing decrypts (each listed with its owner)\n"
        "  bench [--seconds S] [--jobs N]\n"
        "                         key-derivation and verify throughput on this machine\n"
        "\n"
        "  instances              each instance's reachability, version and database\n"
        "\n"
        "Instances: --instance URL (repeatable; else [console] instances in the console's settings)\n"
        "  --api-token-file FILE (service-account token, server admin) [--instance-ca FILE]. Given to\n"
        "  re-encrypt, rollback, re-encrypt-data-keys or restore, they rotate through the API at the end.\n"
        "Live installations: a write by a running server within 15 minutes (server_lock, alert\n"
        "  evaluation, sessions, remote cache, alertmanager state) refuses rollback and the change of\n"
        "  the secret key (exit 3; --servers-stopped when the evidence is stale) and warns otherwise.\n"
        "\n"
        "Sources (product precedence): --db sqlite:PATH | PATH | postgres://USER:PASS@HOST:PORT/NAME"
        "?sslmode=... |\n"
        "  mysql://USER:PASS@HOST:PORT/NAME, or --config grafana.ini. Secret key: --secret-key-file, "
        "then\n"
        "  MOSAICOO_SECRET_KEY, GF_SECURITY_SECRET_KEY, the config file, else the public default.\n"
        "  A secret key is never accepted as a command-line argument.\n"
        "\n"
        "Exit codes: 0 success, 1 finished with failures, 2 usage/configuration/connection error (also\n"
        "            a damaged or non-SQLite file, a read-only database, a full disk), 3 refused by a\n"
        "            safety check, 130 interrupted by Ctrl-C (143: SIGTERM) - committed batches stay,\n"
        "            the same command finishes the job.\n"
        "\n"
        "The manual: man mosaicoo-keys-cli\n");
}

namespace {

// Every option of the command line, bound to the field of `a` that it sets: options that take a
// value (with a check of the value) and flags.
struct OptionTables
{
    QHash<QString, std::function<bool(const QString&)>> valued;
    QHash<QString, bool*> flags;
};

OptionTables optionTables(CliArguments& a)
{
    OptionTables tables;
    tables.valued = {
        {QStringLiteral("--db"), [&](const QString& v) { a.dbUrl = v; return true; }},
        {QStringLiteral("--config"), [&](const QString& v) { a.configFile = v; return true; }},
        {QStringLiteral("--secret-key-file"), [&](const QString& v) { a.secretKeyFile = v; return true; }},
        {QStringLiteral("--new-secret-key-file"),
         [&](const QString& v) { a.newSecretKeyFile = v; return true; }},
        {QStringLiteral("--provider"), [&](const QString& v) { a.provider = v; return true; }},
        {QStringLiteral("--format"), [&](const QString& v) { a.format = v; return true; }},
        {QStringLiteral("--algorithm"), [&](const QString& v) { a.algorithm = v; return true; }},
        {QStringLiteral("--encoding"), [&](const QString& v) { a.encoding = v; return true; }},
        {QStringLiteral("--out"), [&](const QString& v) { a.out = v; return true; }},
        {QStringLiteral("--from"), [&](const QString& v) { a.from = v; return true; }},
        {QStringLiteral("--instance"), [&](const QString& v) { a.instances << v; return !v.isEmpty(); }},
        {QStringLiteral("--api-token-file"), [&](const QString& v) { a.apiTokenFile = v; return true; }},
        {QStringLiteral("--instance-ca"), [&](const QString& v) { a.instanceCa = v; return true; }},
        {QStringLiteral("--candidate-key-file"), [&](const QString& v) { a.candidateKeyFiles << v; return true; }},
        {QStringLiteral("--candidate-config"), [&](const QString& v) { a.candidateConfigs << v; return true; }},
        {QStringLiteral("--data-keys-from"), [&](const QString& v) { a.dataKeysFrom = v; return true; }},
        {QStringLiteral("--jobs"),
         [&](const QString& v) {
             bool ok = false;
             a.jobs = v.toInt(&ok);
             return ok && a.jobs > 0 && a.jobs <= 256;
         }},
        {QStringLiteral("--batch-size"),
         [&](const QString& v) {
             bool ok = false;
             a.batchSize = v.toInt(&ok);
             return ok && a.batchSize > 0 && a.batchSize <= 100000;
         }},
        {QStringLiteral("--seconds"),
         [&](const QString& v) {
             bool ok = false;
             a.seconds = v.toDouble(&ok);
             return ok && a.seconds > 0 && a.seconds <= 3600;
         }},
    };
    tables.flags = {
        {QStringLiteral("--json"), &a.json},
        {QStringLiteral("--dry-run"), &a.dryRun},
        {QStringLiteral("--force"), &a.force},
        {QStringLiteral("--accept-loss"), &a.acceptLoss},
        {QStringLiteral("--fresh-salt-per-value"), &a.freshSaltPerValue},
        {QStringLiteral("--servers-stopped"), &a.serversStopped},
        {QStringLiteral("--via-api"), &a.viaApi},
        {QStringLiteral("--clear-unrecoverable"), &a.clearUnrecoverable},
        {QStringLiteral("--include-unverifiable"), &a.includeUnverifiable},
        {QStringLiteral("--replace-data-keys"), &a.replaceDataKeys},
        {QStringLiteral("--help"), &a.help},
        {QStringLiteral("-h"), &a.help},
        {QStringLiteral("--version"), &a.version},
    };
    return tables;
}

} // namespace

const QStringList& commandNames()
{
    static const QStringList names{
        QStringLiteral("status"),
        QStringLiteral("verify"),
        QStringLiteral("decrypt"),
        QStringLiteral("encrypt"),
        QStringLiteral("demo"),
        QStringLiteral("re-encrypt"),
        QStringLiteral("rollback"),
        QStringLiteral("re-encrypt-data-keys"),
        QStringLiteral("rotate"),
        QStringLiteral("backup"),
        QStringLiteral("restore"),
        QStringLiteral("bench"),
        QStringLiteral("consolidate"),
        QStringLiteral("instances"),
        QStringLiteral("repair"),
        QStringLiteral("help"),
    };
    return names;
}

QList<OptionSpec> optionSpecs()
{
    CliArguments unused;
    const OptionTables tables = optionTables(unused);
    QList<OptionSpec> specs;
    for (auto it = tables.valued.cbegin(); it != tables.valued.cend(); ++it)
        specs.append({it.key(), true});
    for (auto it = tables.flags.cbegin(); it != tables.flags.cend(); ++it)
        specs.append({it.key(), false});
    std::sort(specs.begin(), specs.end(),
              [](const OptionSpec& l, const OptionSpec& r) { return l.name < r.name; });
    return specs;
}

ParseOutcome parseArguments(const QStringList& argv)
{
    ParseOutcome outcome;
    CliArguments& a = outcome.arguments;
    const OptionTables tables = optionTables(a);
    const auto& valued = tables.valued;
    const auto& flags = tables.flags;
    QSet<QString> seenValued;

    for (qsizetype i = 1; i < argv.size(); ++i) {
        QString arg = argv.at(i);
        QString inlineValue;
        bool hasInline = false;
        if (arg.startsWith(QLatin1String("--")) && arg.contains(QLatin1Char('='))) {
            const qsizetype eq = arg.indexOf(QLatin1Char('='));
            inlineValue = arg.mid(eq + 1);
            arg = arg.left(eq);
            hasInline = true;
        }
        if (arg == QLatin1String("--secret-key") || arg == QLatin1String("--new-secret-key")) {
            outcome.error = QStringLiteral("%1 is refused: a secret key on the command line is visible "
                                           "to every user in the process list. Use --secret-key-file "
                                           "FILE or the MOSAICOO_SECRET_KEY environment variable.")
                                .arg(arg);
            return outcome;
        }
        if (arg == QLatin1String("--api-token") || arg == QLatin1String("--token")) {
            outcome.error = QStringLiteral("%1 is refused: a token on the command line is visible to every "
                                           "user in the process list. Use --api-token-file FILE.")
                                .arg(arg);
            return outcome;
        }
        if (const auto flag = flags.constFind(arg); flag != flags.cend()) {
            if (hasInline) {
                outcome.error = QStringLiteral("%1 takes no value").arg(arg);
                return outcome;
            }
            **flag = true;
            continue;
        }
        if (const auto option = valued.constFind(arg); option != valued.cend()) {
            // Given twice, one of them would be dropped without a word (--db A --db B): refused,
            // except for the options that collect a list.
            static const QStringList repeatable{QStringLiteral("--instance"), QStringLiteral("--candidate-key-file"),
                                                QStringLiteral("--candidate-config")};
            if (seenValued.contains(arg) && !repeatable.contains(arg)) {
                outcome.error = QStringLiteral("%1 is given twice").arg(arg);
                return outcome;
            }
            seenValued.insert(arg);
            QString value = inlineValue;
            if (!hasInline) {
                if (i + 1 >= argv.size()) {
                    outcome.error = QStringLiteral("%1 needs a value").arg(arg);
                    return outcome;
                }
                value = argv.at(++i);
            }
            if (!(*option)(value)) {
                outcome.error = QStringLiteral("invalid value for %1: %2").arg(arg, value);
                if (arg == QLatin1String("--jobs"))
                    outcome.error += QStringLiteral(" (a whole number from 1 to 256)");
                return outcome;
            }
            continue;
        }
        if (arg.startsWith(QLatin1Char('-')) && arg.size() > 1) {
            outcome.error = QStringLiteral("unknown option %1").arg(arg);
            return outcome;
        }
        if (a.command.isEmpty()) {
            a.command = arg;
            continue;
        }
        // No command takes a word after it: "rollback dry-run" must not run a real rollback.
        outcome.error = QStringLiteral("unexpected argument '%1' after the command %2").arg(arg, a.command);
        if (flags.contains(QStringLiteral("--") + arg) || valued.contains(QStringLiteral("--") + arg))
            outcome.error += QStringLiteral(" (did you mean --%1?)").arg(arg);
        return outcome;
    }
    if (!a.command.isEmpty() && !commandNames().contains(a.command))
        outcome.error = QStringLiteral("unknown command '%1' (see --help)").arg(a.command);
    return outcome;
}

} // namespace mk::cli
