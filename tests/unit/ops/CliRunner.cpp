#include "tests/unit/ops/CliRunner.h"

#include <QJsonDocument>

namespace mk::test {

QProcessEnvironment cliEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("MOSAICOO_SECRET_KEY"));
    env.remove(QStringLiteral("GF_SECURITY_SECRET_KEY"));
    env.remove(QStringLiteral("QT_LOGGING_RULES")); // the CLI's own default, as a user runs it
    return env;
}

CliRun runCli(const QStringList& args, const QProcessEnvironment& env,
              const std::function<void(QProcess&)>& whileRunning)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("MK_CLI"), args);
    if (!process.waitForStarted(10'000))
        return {};
    process.closeWriteChannel();
    if (whileRunning)
        whileRunning(process);
    process.waitForFinished(600'000);
    CliRun run{process.exitCode(), process.exitStatus(), process.readAllStandardOutput(),
               process.readAllStandardError(), {}};
    const QJsonDocument doc = QJsonDocument::fromJson(run.out);
    if (doc.isObject())
        run.json = doc.object();
    return run;
}

} // namespace mk::test
