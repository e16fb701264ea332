#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace mk::cli {

// Parsed command line of mosaicoo-keys-cli. Options may stand before or after the command.
struct CliArguments
{
    QString command;
    QString dbUrl;
    QString configFile;
    QString secretKeyFile;
    QString newSecretKeyFile;
    QString provider;
    QString format;        // rollback: 9.2 | legacy ; encrypt: 9.2 | legacy
    QString algorithm;     // encrypt: aes-cfb | aes-gcm
    QString encoding;      // decrypt/encrypt: auto | std | raw | bytes
    QString out;
    QString from;
    QStringList instances; // --instance URL (repeatable)
    QString apiTokenFile;  // --api-token-file: the token itself is never an argument
    QString instanceCa;    // --instance-ca: PEM CA for the instances' TLS
    bool viaApi = false;   // rotate --via-api
    QStringList candidateKeyFiles;   // repair: --candidate-key-file (repeatable)
    QStringList candidateConfigs;    // repair: --candidate-config (repeatable)
    QString dataKeysFrom;            // repair: --data-keys-from
    bool clearUnrecoverable = false; // repair: --clear-unrecoverable
    int jobs = 0;          // 0: one per core
    int batchSize = 0;     // consolidate --batch-size; 0: the default
    double seconds = 3.0;  // bench
    bool json = false;
    bool dryRun = false;
    bool force = false;
    bool acceptLoss = false;
    bool freshSaltPerValue = false;
    bool serversStopped = false; // liveness evidence declared stale
    bool includeUnverifiable = false;
    bool replaceDataKeys = false;
    bool help = false;
    bool version = false;
};

struct ParseOutcome
{
    CliArguments arguments;
    QString error; // non-empty: usage error (exit code 2)
};

// One option the parser accepts: its spelling and whether a value follows (`--name VALUE` or
// `--name=VALUE`).
struct OptionSpec
{
    QString name;
    bool takesValue = false;
};

// The parser is the source of truth for what the command line accepts: any other command or option
// is a usage error (exit code 2). The man page, --help and the bash completion are tested against
// these two lists (tests/unit/cli/TestCliDocs.cpp), so a new command or option fails that test
// until it is documented in all three.
const QStringList& commandNames();
QList<OptionSpec> optionSpecs();

ParseOutcome parseArguments(const QStringList& argv);
QString usageText();

} // namespace mk::cli
