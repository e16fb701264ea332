#pragma once

#include "app/cli/CliArguments.h"
#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"

#include <functional>

#include <QJsonObject>
#include <QTextStream>

namespace mk::cli {

// What --json prints on stdout when a command stops with an error (usage, configuration,
// connection, refusal): {"command", "error", "exitCode"} (an operation adds its own fields).
QJsonObject errorJson(const QString& command, const QString& message, int exitCode);

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
    int runReEncrypt();
    int runRollback();
    int runRewrapDataKeys();
    int runRotate();
    int runConsolidate();
    int runBackup();
    int runRestore();
    int runRepair();

    using OperationRunner = std::function<model::Result<model::OperationResult>(const model::Target&,
                                                                                model::JobContext*)>;
    // json: renders the result for --json (default operationToJson); after: printed after the
    // summary (an operation's own lines).
    int runOperation(const QString& what,
                     const OperationRunner& runner,
                     const std::function<QJsonObject(const model::OperationResult&)>& json = {},
                     const std::function<void()>& after = {});
    void printSummary(const model::OperationResult& result);
    void printLiveness(const model::Liveness& liveness);
    int runInstances();
    model::Result<model::InstanceTargets> cliInstances() const;
    static bool rotatesAtEnd(const QString& operation);
    int runBench();

    int usageError(const QString& message);
    int reportError(const model::Error& error); // prints it (credentials masked), returns its exit code
    void emitJson(const QJsonObject& object);
    // Under --json, an error still prints its one object on stdout: {command, error, exitCode}
    // (nothing when an object was printed already).
    void emitJsonError(const QString& message, int exitCode);

    CliArguments m_args;
    QTextStream m_out;
    QTextStream m_err;
    bool m_jsonEmitted = false;
};

} // namespace mk::cli
