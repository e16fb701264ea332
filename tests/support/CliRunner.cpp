#include "tests/support/CliRunner.h"

#include "tests/support/TestData.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>

namespace mk::test {

QProcessEnvironment environmentWithDefaultKey()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("GF_SECURITY_SECRET_KEY"));
    env.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromLatin1(kDefaultSecretKey));
    return env;
}

CliRun runCli(const QStringList& args, const QProcessEnvironment& environment, int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(qEnvironmentVariable("MK_CLI"), args);
    if (!process.waitForStarted(10'000))
        return {};
    process.closeWriteChannel();
    process.waitForFinished(timeoutMs);
    CliRun run{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
               process.readAllStandardOutput(), process.readAllStandardError(), {}};
    const QJsonDocument doc = QJsonDocument::fromJson(run.out);
    if (doc.isObject())
        run.json = doc.object();
    return run;
}

QString realFixtureStartingWith(const QString& prefix)
{
    for (const QString& db : realFixtureDatabases()) {
        if (QFileInfo(db).fileName().startsWith(prefix))
            return db;
    }
    return {};
}

} // namespace mk::test
