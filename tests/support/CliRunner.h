#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QStringList>

namespace mk::test {

// One run of mosaicoo-keys-cli ($MK_CLI) with stdin closed.
struct CliRun
{
    int exitCode = -1; // -1: did not start or crashed
    QByteArray out;
    QByteArray err;
    QJsonObject json; // stdout parsed, when it is one JSON object
};

// The environment of the test process with MOSAICOO_SECRET_KEY = the public default key.
QProcessEnvironment environmentWithDefaultKey();

CliRun runCli(const QStringList& args, const QProcessEnvironment& environment, int timeoutMs = 120'000);

// The real fixture whose file name starts with prefix (empty when none).
QString realFixtureStartingWith(const QString& prefix);

} // namespace mk::test
