#pragma once

#include "app/cli/CliArguments.h"

#include <QJsonObject>
#include <QTextStream>

namespace mk::cli {

// Runs one parsed command and returns the process exit code (product.md §4).
class CliApp
{
public:
    explicit CliApp(CliArguments arguments);
    int run();

private:
    int runStatus();
    int runVerify();
    int runDecrypt();
    int runEncrypt();
    int runDemo();
    int runBench();

    int usageError(const QString& message);
    void emitJson(const QJsonObject& object);

    CliArguments m_args;
    QTextStream m_out;
    QTextStream m_err;
};

} // namespace mk::cli
