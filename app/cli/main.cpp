#include "app/cli/CliApp.h"
#include "app/cli/CliArguments.h"
#include "crypto/SelfTest.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTextStream>

#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int main(int argc, char* argv[])
{
    // Secrets are held in memory: never write them to a core dump, and (Linux) make the process
    // non-dumpable, which also keeps other processes of the same user from attaching with ptrace
    // or reading /proc/<pid>/mem (like ssh-agent and KeePassXC; a debugger must start the program).
    const rlimit noCore{0, 0};
    setrlimit(RLIMIT_CORE, &noCore);
#ifdef __linux__
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif

    QCoreApplication app(argc, argv);
    // Quiet by default: informational log lines only when asked for (QT_LOGGING_RULES).
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("mk.*.info=false"));
    QCoreApplication::setApplicationName(QStringLiteral("mosaicoo-keys-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Mosaicoo"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MK_VERSION));

    if (const auto selfTest = mk::crypto::selfTest(); !selfTest) {
        QTextStream(stderr) << "mosaicoo-keys-cli: cryptographic self-test failed ("
                            << selfTest.error().detail << "); refusing to run.\n";
        return 2;
    }

    mk::cli::ParseOutcome parsed = mk::cli::parseArguments(QCoreApplication::arguments());
    if (!parsed.error.isEmpty()) {
        QTextStream(stderr) << "mosaicoo-keys-cli: " << parsed.error << "\n\n" << mk::cli::usageText();
        // --json promises one object on stdout, a usage error included.
        if (QCoreApplication::arguments().contains(QStringLiteral("--json")))
            QTextStream(stdout) << QJsonDocument(mk::cli::errorJson(parsed.arguments.command, parsed.error, 2))
                                       .toJson(QJsonDocument::Indented);
        return 2;
    }
    mk::cli::CliApp cli(std::move(parsed.arguments));
    return cli.run();
}
