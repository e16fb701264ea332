// Every command and option that the CLI's parser accepts (mk::cli::commandNames(), optionSpecs():
// the lists parseArguments() enforces) is documented in the man page, in --help and offered by the
// bash completion; and the completion offers nothing the parser refuses. The same for the GUI's
// options, read from its QCommandLineParser through `mosaicoo-keys --help`. A command or option
// added to the parser fails here until all of them describe it.
#include "app/cli/CliArguments.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

namespace {

QString sourcePath(const QString& relative)
{
    return QStringLiteral(MK_SOURCE_DIR "/") + relative;
}

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run run(const QString& program, const QStringList& args, const QString& workingDirectory = {})
{
    QProcess process;
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    process.start(program, args);
    process.closeWriteChannel();
    if (!process.waitForFinished(60'000) || process.exitStatus() != QProcess::NormalExit)
        return {};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
        QString::fromUtf8(process.readAllStandardError())};
}

// The generated roff with scdoc's escapes undone: "\fB--jobs\fR" stays (bold marks a definition),
// "\-" becomes "-" in case a newer scdoc escapes hyphens.
QString manPage(const QString& name)
{
    QFile file(qEnvironmentVariable("MK_MAN_DIR") + QLatin1Char('/') + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QString roff = QString::fromUtf8(file.readAll());
    roff.replace(QLatin1String("\\-"), QLatin1String("-"));
    roff.replace(QLatin1String("\\&"), QString());
    return roff;
}

// `word` as a whole word: not part of a longer command or option ("re-encrypt" is not found in
// "re-encrypt-data-keys").
bool containsWord(const QString& text, const QString& word)
{
    const QRegularExpression re(
        QStringLiteral("(?<![\\w-])%1(?![\\w-])").arg(QRegularExpression::escape(word)));
    return re.match(text).hasMatch();
}

QStringList optionNames()
{
    QStringList names;
    for (const mk::cli::OptionSpec& option : mk::cli::optionSpecs())
        names << option.name;
    return names;
}

// tests/unit/cli/complete.sh: what the completion file offers after TAB at the end of `line`.
// Exit code 77: bash-completion is not installed.
Run complete(
    const QString& completionFile, const QString& line, const QString& workingDirectory = {})
{
    return run(QStringLiteral("bash"),
        {sourcePath(QStringLiteral("tests/unit/cli/complete.sh")), completionFile, line},
        workingDirectory);
}

QSet<QString> words(const QString& lines)
{
    QSet<QString> set;
    for (const QString& w : lines.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        set.insert(w.trimmed());
    return set;
}

QString sorted(const QSet<QString>& set)
{
    QStringList list(set.cbegin(), set.cend());
    list.sort();
    return list.join(QLatin1Char(' '));
}

// The options that a QCommandLineParser --help text lists ("  -h, --help   Displays ...").
QSet<QString> optionsOfHelp(const QString& help)
{
    QSet<QString> options;
    static const QRegularExpression line(
        QStringLiteral("^  (-[^ ].*?)(?:  |$)"), QRegularExpression::MultilineOption);
    static const QRegularExpression option(QStringLiteral("(--?[\\w-]+)"));
    for (auto m = line.globalMatch(help); m.hasNext();) {
        const QString spelling = m.next().captured(1);
        for (auto o = option.globalMatch(spelling); o.hasNext();)
            options.insert(o.next().captured(1));
    }
    return options;
}

} // namespace

class TestCliDocs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parserRefusesWhatItDoesNotList();
    void manPageDocumentsEveryCommandAndOption();
    void helpNamesEveryCommandAndOption();
    void completionOffersExactlyTheParsersCommandsAndOptions();
    void completionOfValues();
    void guiOptionsInManPageAndCompletion();

private:
    QString m_cliCompletion
        = sourcePath(QStringLiteral("resources/completion/mosaicoo-keys-cli.bash"));
    QString m_guiCompletion = sourcePath(QStringLiteral("resources/completion/mosaicoo-keys.bash"));
};

void TestCliDocs::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set");
    QVERIFY2(!qEnvironmentVariable("MK_GUI").isEmpty(), "MK_GUI not set");
    QVERIFY2(!qEnvironmentVariable("MK_MAN_DIR").isEmpty(), "MK_MAN_DIR not set");
    QVERIFY(mk::cli::commandNames().size() >= 12);
    QVERIFY(mk::cli::optionSpecs().size() >= 20);
}

void TestCliDocs::parserRefusesWhatItDoesNotList()
{
    const auto parse = [](const QStringList& args) {
        return mk::cli::parseArguments(QStringList {QStringLiteral("mosaicoo-keys-cli")} + args)
            .error;
    };
    QVERIFY(parse({QStringLiteral("frobnicate")}).contains(QLatin1String("unknown command")));
    QVERIFY(parse({QStringLiteral("status"), QStringLiteral("--frobnicate")})
                .contains(QLatin1String("unknown option")));
    for (const QString& command : mk::cli::commandNames())
        QVERIFY2(parse({command}).isEmpty(), qPrintable(command));
    for (const mk::cli::OptionSpec& option : mk::cli::optionSpecs()) {
        QStringList args {QStringLiteral("status"), option.name};
        if (option.takesValue)
            args << QStringLiteral("1");
        QVERIFY2(parse(args).isEmpty(), qPrintable(option.name));
    }
}

void TestCliDocs::manPageDocumentsEveryCommandAndOption()
{
    const QString roff = manPage(QStringLiteral("mosaicoo-keys-cli.1"));
    QVERIFY2(!roff.isEmpty(), "build/man/mosaicoo-keys-cli.1 is missing (target mk_man_pages)");
    QVERIFY(roff.contains(QLatin1String(".TH \"mosaicoo-keys-cli\" \"1\"")));
    const qsizetype commandsAt = roff.indexOf(QLatin1String(".SH COMMANDS"));
    const qsizetype optionsAt = roff.indexOf(QLatin1String(".SH OPTIONS"));
    QVERIFY(commandsAt > 0 && optionsAt > commandsAt);
    const qsizetype optionsEnd = roff.indexOf(QLatin1String("\n.SH "), optionsAt + 1);
    const QString commands = roff.mid(commandsAt, optionsAt - commandsAt);
    const QString options = roff.mid(optionsAt, optionsEnd - optionsAt);

    QStringList missing;
    for (const QString& command : mk::cli::commandNames()) {
        if (!commands.contains(QStringLiteral("\n.SS %1\n").arg(command)))
            missing
                << QStringLiteral("command %1 (a \"## %1\" section under COMMANDS)").arg(command);
    }
    for (const QString& option : optionNames()) {
        if (!options.contains(QStringLiteral("\\fB%1\\fR").arg(option)))
            missing << QStringLiteral("option %1 (a \"*%1*\" entry under OPTIONS)").arg(option);
    }
    for (const char* section :
        {"SYNOPSIS", "DESCRIPTION", "SECRET KEY", "ENVIRONMENT", "EXIT STATUS", "EXAMPLES"})
        if (!roff.contains(QStringLiteral(".SH %1\n").arg(QLatin1String(section))))
            missing << QStringLiteral("section %1").arg(QLatin1String(section));
    for (const char* exitCode : {"0", "1", "2", "3"})
        if (!roff.contains(QStringLiteral("\\fB%1\\fR\n").arg(QLatin1String(exitCode))))
            missing << QStringLiteral("exit status %1").arg(QLatin1String(exitCode));
    for (const char* variable : {"MOSAICOO_SECRET_KEY", "GF_SECURITY_SECRET_KEY"})
        if (!roff.contains(QStringLiteral("\\fB%1\\fR").arg(QLatin1String(variable))))
            missing << QStringLiteral("environment variable %1").arg(QLatin1String(variable));
    QVERIFY2(missing.isEmpty(),
        qPrintable(QStringLiteral("resources/man/mosaicoo-keys-cli.1.scd lacks: ")
            + missing.join(QLatin1String("; "))));
}

void TestCliDocs::helpNamesEveryCommandAndOption()
{
    const QString cli = qEnvironmentVariable("MK_CLI");
    const Run help = run(cli, {QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.startsWith(QLatin1String("Usage: mosaicoo-keys-cli")));
    QStringList missing;
    for (const QString& command : mk::cli::commandNames())
        if (!containsWord(help.out, command))
            missing << command;
    for (const QString& option : optionNames())
        if (!containsWord(help.out, option))
            missing << option;
    QVERIFY2(missing.isEmpty(),
        qPrintable(QStringLiteral("--help (usageText() in app/cli/CliArguments.cpp) "
                                  "does not name: ")
            + missing.join(QLatin1String(", "))));
    for (const QString& same : {QStringLiteral("-h"), QStringLiteral("help")}) {
        const Run other = run(cli, {same});
        QCOMPARE(other.exitCode, 0);
        QCOMPARE(other.out, help.out);
    }
    const Run unknown = run(cli, {QStringLiteral("frobnicate")});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains(QLatin1String("unknown command 'frobnicate'")));
}

void TestCliDocs::completionOffersExactlyTheParsersCommandsAndOptions()
{
    const Run commandsRun = complete(m_cliCompletion, QStringLiteral("mosaicoo-keys-cli "));
    if (commandsRun.exitCode == 77)
        QSKIP("bash-completion is not installed (apt-get install bash-completion)");
    QCOMPARE(commandsRun.exitCode, 0);
    const QSet<QString> parserCommands(
        mk::cli::commandNames().cbegin(), mk::cli::commandNames().cend());
    const QSet<QString> offeredCommands = words(commandsRun.out);
    QVERIFY2(offeredCommands == parserCommands,
        qPrintable(
            QStringLiteral("resources/completion/mosaicoo-keys-cli.bash offers commands [%1], the "
                           "parser accepts [%2]")
                .arg(sorted(offeredCommands), sorted(parserCommands))));

    // Options: offered before any command or after one of them; each must be accepted, and each
    // accepted one offered somewhere.
    const QStringList names = optionNames();
    const QSet<QString> parserOptions(names.cbegin(), names.cend());
    QSet<QString> offeredOptions;
    QStringList lines {QStringLiteral("mosaicoo-keys-cli -")};
    for (const QString& command : mk::cli::commandNames())
        lines << QStringLiteral("mosaicoo-keys-cli --db x.db %1 -").arg(command);
    for (const QString& line : lines) {
        const Run options = complete(m_cliCompletion, line);
        QCOMPARE(options.exitCode, 0);
        const QSet<QString> offered = words(options.out);
        const QSet<QString> unknown = offered - parserOptions;
        QVERIFY2(unknown.isEmpty(),
            qPrintable(QStringLiteral("'%1' offers options the parser refuses: %2")
                           .arg(line, sorted(unknown))));
        offeredOptions += offered;
    }
    const QSet<QString> neverOffered = parserOptions - offeredOptions;
    QVERIFY2(neverOffered.isEmpty(),
        qPrintable(QStringLiteral("resources/completion/mosaicoo-keys-cli.bash never offers: ")
            + sorted(neverOffered)));
}

void TestCliDocs::completionOfValues()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile ini(dir.filePath(QStringLiteral("grafana.ini")));
    QVERIFY(ini.open(QIODevice::WriteOnly));
    ini.write("[security]\n"
              "encryption_provider = pkcs11.hsm ; the HSM\n"
              "available_encryption_providers = secretKey.v1 pkcs11.hsm\n"
              "[security.encryption]\nalgorithm = aes-gcm\n"
              "[security.encryption.pkcs11.backup]\nmodule = /usr/lib/softhsm/libsofthsm2.so\n");
    ini.close();
    QFile db(dir.filePath(QStringLiteral("grafana.db")));
    QVERIFY(db.open(QIODevice::WriteOnly));
    db.close();

    const auto offered = [this, &dir](const QString& line) {
        const Run r = complete(m_cliCompletion, line, dir.path());
        return r.exitCode == 0 ? words(r.out)
                               : QSet<QString> {QStringLiteral("exit %1").arg(r.exitCode)};
    };
    if (complete(m_cliCompletion, QStringLiteral("mosaicoo-keys-cli ")).exitCode == 77)
        QSKIP("bash-completion is not installed (apt-get install bash-completion)");
    const QSet<QString> providers {QStringLiteral("secretKey.v1"), QStringLiteral("pkcs11.hsm"),
        QStringLiteral("pkcs11.backup")};
    QCOMPARE(
        offered(QStringLiteral("mosaicoo-keys-cli --config %1 re-encrypt-data-keys --provider ")
                    .arg(ini.fileName())),
        providers);
    QCOMPARE(offered(QStringLiteral(
                 "mosaicoo-keys-cli --config=grafana.ini re-encrypt-data-keys --provider=")),
        providers);
    QCOMPARE(offered(QStringLiteral("mosaicoo-keys-cli re-encrypt-data-keys --provider ")),
        QSet<QString> {QStringLiteral("secretKey.v1")});
    QCOMPARE(offered(QStringLiteral("mosaicoo-keys-cli --db grafana.d")),
        QSet<QString> {QStringLiteral("grafana.db")});
    QCOMPARE(offered(QStringLiteral("mosaicoo-keys-cli --config gr")),
        (QSet<QString> {QStringLiteral("grafana.db"), QStringLiteral("grafana.ini")}));
    QCOMPARE(offered(QStringLiteral("mosaicoo-keys-cli rollback --format ")),
        (QSet<QString> {QStringLiteral("9.2"), QStringLiteral("legacy")}));
    QCOMPARE(offered(QStringLiteral("mosaicoo-keys-cli backup --format=")),
        (QSet<QString> {QStringLiteral("sqlite"), QStringLiteral("json")}));
    QCOMPARE(offered(QStringLiteral("mosaicoo-keys-cli decrypt --encoding ")),
        (QSet<QString> {QStringLiteral("auto"), QStringLiteral("std"), QStringLiteral("raw"),
            QStringLiteral("bytes")}));
    QCOMPARE(offered(QStringLiteral("mosaicoo-keys-cli encrypt --algorithm ")),
        (QSet<QString> {QStringLiteral("aes-cfb"), QStringLiteral("aes-gcm")}));
    QCOMPARE(offered(QStringLiteral("mosaicoo-keys-cli rollback --dr")),
        QSet<QString> {QStringLiteral("--dry-run")});
}

void TestCliDocs::guiOptionsInManPageAndCompletion()
{
    const Run help = run(qEnvironmentVariable("MK_GUI"), {QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    const QSet<QString> options = optionsOfHelp(help.out);
    QVERIFY2(
        options.contains(QStringLiteral("--db")) && options.contains(QStringLiteral("--help-all")),
        qPrintable(help.out));

    const QString roff = manPage(QStringLiteral("mosaicoo-keys.1"));
    QVERIFY2(!roff.isEmpty(), "build/man/mosaicoo-keys.1 is missing (target mk_man_pages)");
    QStringList missing;
    for (const QString& option : options)
        if (!roff.contains(QStringLiteral("\\fB%1\\fR").arg(option)))
            missing << option;
    QVERIFY2(missing.isEmpty(),
        qPrintable(QStringLiteral("resources/man/mosaicoo-keys.1.scd lacks: ")
            + missing.join(QLatin1String(", "))));

    const Run completion = complete(m_guiCompletion, QStringLiteral("mosaicoo-keys -"));
    if (completion.exitCode == 77)
        QSKIP("bash-completion is not installed (apt-get install bash-completion)");
    QCOMPARE(completion.exitCode, 0);
    QCOMPARE(sorted(words(completion.out)), sorted(options));
}

QTEST_GUILESS_MAIN(TestCliDocs)
#include "TestCliDocs.moc"
