#include "app/cli/CliArguments.h"

#include <QHash>

#include <functional>

namespace mk::cli {

QString usageText()
{
    return QStringLiteral(
        "Usage: mosaicoo-keys-cli [--db URL | --config FILE] [--secret-key-file FILE] COMMAND [--json] "
        "[options]\n"
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
        "  rotate [--dry-run]     deactivate the active data keys\n"
        "  backup --out FILE [--format sqlite|json]\n"
        "                         SQLite: online copy; PostgreSQL/MySQL: JSON export of data_keys and\n"
        "                         every secret cell (files are created with mode 0600, never replaced)\n"
        "  restore --from FILE [--dry-run] [--force] [--replace-data-keys]\n"
        "                         put back the data keys and secret cells of a backup (one transaction);\n"
        "                         refused (exit 3) unless the backup is of this database: its values\n"
        "                         decrypt with this key, its data keys hold the same key material as\n"
        "                         here, its rows belong to the same owners (--force: restore rows whose\n"
        "                         owner changed; --replace-data-keys: replace differing data keys)\n"
        "  bench [--seconds S] [--jobs N]\n"
        "                         key-derivation and verify throughput on this machine\n"
        "\n"
        "Sources (product precedence): --db sqlite:PATH | PATH | postgres://USER:PASS@HOST:PORT/NAME"
        "?sslmode=... |\n"
        "  mysql://USER:PASS@HOST:PORT/NAME, or --config grafana.ini. Secret key: --secret-key-file, "
        "then\n"
        "  MOSAICOO_SECRET_KEY, GF_SECURITY_SECRET_KEY, the config file, else the public default.\n"
        "  A secret key is never accepted as a command-line argument.\n"
        "\n"
        "Exit codes: 0 success, 1 finished with failures, 2 usage/configuration/connection error,\n"
        "            3 refused by a safety check.\n");
}

ParseOutcome parseArguments(const QStringList& argv)
{
    ParseOutcome outcome;
    CliArguments& a = outcome.arguments;

    const QHash<QString, std::function<bool(const QString&)>> valued{
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
        {QStringLiteral("--jobs"),
         [&](const QString& v) {
             bool ok = false;
             a.jobs = v.toInt(&ok);
             return ok && a.jobs > 0 && a.jobs <= 256;
         }},
        {QStringLiteral("--seconds"),
         [&](const QString& v) {
             bool ok = false;
             a.seconds = v.toDouble(&ok);
             return ok && a.seconds > 0 && a.seconds <= 3600;
         }},
    };
    const QHash<QString, bool*> flags{
        {QStringLiteral("--json"), &a.json},
        {QStringLiteral("--dry-run"), &a.dryRun},
        {QStringLiteral("--force"), &a.force},
        {QStringLiteral("--accept-loss"), &a.acceptLoss},
        {QStringLiteral("--fresh-salt-per-value"), &a.freshSaltPerValue},
        {QStringLiteral("--include-unverifiable"), &a.includeUnverifiable},
        {QStringLiteral("--replace-data-keys"), &a.replaceDataKeys},
        {QStringLiteral("--help"), &a.help},
        {QStringLiteral("-h"), &a.help},
        {QStringLiteral("--version"), &a.version},
    };

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
        if (const auto flag = flags.constFind(arg); flag != flags.cend()) {
            if (hasInline) {
                outcome.error = QStringLiteral("%1 takes no value").arg(arg);
                return outcome;
            }
            **flag = true;
            continue;
        }
        if (const auto option = valued.constFind(arg); option != valued.cend()) {
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
                return outcome;
            }
            continue;
        }
        if (arg.startsWith(QLatin1Char('-')) && arg.size() > 1) {
            outcome.error = QStringLiteral("unknown option %1").arg(arg);
            return outcome;
        }
        if (a.command.isEmpty())
            a.command = arg;
        else
            a.positional << arg;
    }
    return outcome;
}

} // namespace mk::cli
