// mosaicoo-keys: the desktop console. Composition root: self-test, command line, main window.
#include "crypto/SelfTest.h"
#include "model/Target.h"
#include "ui/common/MessageBoxPrompter.h"
#include "ui/main/MainWindow.h"
#include "ui/main/RecentConnection.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>

#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#ifndef MK_VERSION
#define MK_VERSION "0.1.0"
#endif

int main(int argc, char* argv[])
{
    // Before anything holds a secret: no core dumps (RLIMIT_CORE 0/0) and, on Linux, a
    // non-dumpable process, which other processes of the same user cannot ptrace or read through
    // /proc/<pid>/mem either (like ssh-agent and KeePassXC; start it under a debugger to debug it).
    const rlimit noCore{0, 0};
    setrlimit(RLIMIT_CORE, &noCore);
#ifdef __linux__
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Mosaicoo"));
    QApplication::setOrganizationDomain(QStringLiteral("mosaicoo.org"));
    QApplication::setApplicationName(QStringLiteral("mosaicoo-keys"));
    QApplication::setApplicationDisplayName(QStringLiteral("Mosaicoo Key Console"));
    QApplication::setApplicationVersion(QStringLiteral(MK_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/mosaicoo-keys.svg")));
    QGuiApplication::setDesktopFileName(QStringLiteral("mosaicoo-keys"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Inspect and migrate the encrypted secrets of Mosaicoo / Grafana databases."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"),
                                      QStringLiteral("Database: sqlite:PATH, a file path, "
                                                     "postgres://… or mysql://…"),
                                      QStringLiteral("URL"));
    const QCommandLineOption configOption(QStringLiteral("config"),
                                          QStringLiteral("Mosaicoo/Grafana ini file."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption keyFileOption(QStringLiteral("secret-key-file"),
                                           QStringLiteral("File that holds the secret key."),
                                           QStringLiteral("FILE"));
    parser.addOptions({dbOption, configOption, keyFileOption});
    parser.process(app);

    // Known-answer tests first: never touch a database with broken crypto.
    if (const auto selfTest = mk::crypto::selfTest(); !selfTest) {
        QMessageBox::critical(nullptr, QStringLiteral("Mosaicoo Key Console"),
                              QStringLiteral("The cryptographic self-test failed, so the console "
                                             "will not start.\n\n%1")
                                  .arg(selfTest.error().detail));
        return 1;
    }

    mk::ui::MessageBoxPrompter prompter;
    mk::ui::MainWindow window(prompter, mk::model::ActivityLog());
    window.show();

    if (parser.isSet(dbOption) || parser.isSet(configOption) || parser.isSet(keyFileOption)) {
        mk::model::OpenRequest request;
        request.dbUrl = parser.value(dbOption);
        request.configFile = parser.value(configOption);
        request.secretKeyFile = parser.value(keyFileOption);
        const auto target = mk::model::resolveTarget(request);
        if (target)
            window.openRemembered(*target, mk::ui::RecentConnection::fromRequest(request));
        else
            window.showStartupError(target.error().message);
    }
    return QApplication::exec();
}
