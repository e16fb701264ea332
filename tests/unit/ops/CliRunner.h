#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

#include <functional>

// Runs the real mosaicoo-keys-cli ($MK_CLI) for the CLI contract tests.
namespace mk::test {

struct CliRun
{
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QByteArray out;
    QByteArray err;
    QJsonObject json; // stdout as one JSON object, when it is one
};

// The environment without MOSAICOO_SECRET_KEY / GF_SECURITY_SECRET_KEY (the public default key)
// and without QT_LOGGING_RULES (the CLI's own quiet default).
QProcessEnvironment cliEnvironment();

// Runs the CLI to its end. `whileRunning`, when given, is called once right after the start with
// the process (to signal it); the run still waits for the process to end.
CliRun runCli(const QStringList& args, const QProcessEnvironment& env = cliEnvironment(),
              const std::function<void(QProcess&)>& whileRunning = {});

} // namespace mk::test
