#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace mk::cli {

// Parsed command line of mosaicoo-keys-cli. Options may stand before or after the command.
struct CliArguments
{
    QString command;
    QStringList positional;
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
    int jobs = 0;          // 0: one per core
    double seconds = 3.0;  // bench
    bool json = false;
    bool dryRun = false;
    bool force = false;
    bool acceptLoss = false;
    bool freshSaltPerValue = false;
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

ParseOutcome parseArguments(const QStringList& argv);
QString usageText();

} // namespace mk::cli
