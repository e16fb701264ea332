#include "tests/unit/ops/OpsTestSupport.h"

#include "model/ops/VerifyJob.h"
#include "model/ops/InterruptedWriteJob.h"
#include "model/store/SecretLocation.h"
#include "tests/support/TestData.h"

#include <QFile>
#include <QSet>

#include <algorithm>

namespace mk::test {

model::Target targetFor(const QString& dbUrl, const QByteArray& secretKey)
{
    model::OpenRequest request;
    request.dbUrl = dbUrl;
    request.environment = QProcessEnvironment();
    request.environment.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromUtf8(secretKey));
    auto target = model::resolveTarget(request);
    if (!target)
        qFatal("resolveTarget failed: %s", qPrintable(target.error().message));
    return *target;
}

QStringList verifyLines(const model::Target& target, int jobs, QString* error)
{
    QStringList lines;
    model::VerifyOptions options;
    options.jobs = jobs;
    options.observer = [&lines](const QList<model::ValueOutcome>& outcomes) {
        for (const model::ValueOutcome& o : outcomes) {
            if (model::isGsmLocationIndex(o.locationIndex))
                continue; // the secrets-manager store is not part of the fixtures' .expected.tsv
            const store::SecretLocation& location = store::secretLocations().at(o.locationIndex);
            // cache_data and alert_configuration_history are counted, not listed (fixtures README)
            if (location.table == QLatin1String("cache_data")
                || location.table == QLatin1String("alert_configuration_history"))
                continue;
            const QString result = o.failure
                                       ? QStringLiteral("FAIL:") + model::fixtureClass(*o.failure)
                                       : QString::fromLatin1(o.plaintextSha256.toHex());
            lines << location.table + QLatin1Char('\t') + o.rowId + QLatin1Char('\t') + o.field
                         + QLatin1Char('\t') + result;
        }
    };
    const auto result = model::runVerify(target, options, nullptr);
    if (!result && error)
        *error = result.error().message;
    // byte order, like LC_ALL=C sort
    std::sort(lines.begin(), lines.end(),
              [](const QString& a, const QString& b) { return a.toUtf8() < b.toUtf8(); });
    return lines;
}

bool rollBackKilledWriter(const model::Target& target, QString* error)
{
    if (!model::hasInterruptedWrite(target))
        return false;
    const auto rolledBack = model::rollBackInterruptedWrite(target, nullptr);
    if (!rolledBack)
        *error = rolledBack.error().message;
    return true;
}

QString describeDifference(const QStringList& expected, const QStringList& actual, int limit)
{
    const QSet<QString> e(expected.cbegin(), expected.cend());
    const QSet<QString> a(actual.cbegin(), actual.cend());
    QString text = QStringLiteral("expected %1 lines, got %2").arg(expected.size()).arg(actual.size());
    int shown = 0;
    for (const QString& line : expected) {
        if (!a.contains(line) && shown++ < limit)
            text += QStringLiteral("\n  missing: ") + line;
    }
    shown = 0;
    for (const QString& line : actual) {
        if (!e.contains(line) && shown++ < limit)
            text += QStringLiteral("\n  unexpected: ") + line;
    }
    return text;
}

QHash<QString, QHash<QString, QString>> readManifest()
{
    QHash<QString, QHash<QString, QString>> manifest;
    QFile file(realFixturesDir() + QStringLiteral("/MANIFEST.tsv"));
    if (!file.open(QIODevice::ReadOnly))
        return manifest;
    const QList<QByteArray> lines = file.readAll().split('\n');
    if (lines.isEmpty())
        return manifest;
    const QList<QByteArray> header = lines.first().split('\t');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> cells = lines.at(i).split('\t');
        if (cells.size() != header.size())
            continue;
        QHash<QString, QString> row;
        for (qsizetype c = 0; c < cells.size(); ++c)
            row.insert(QString::fromUtf8(header.at(c)), QString::fromUtf8(cells.at(c)));
        manifest.insert(row.value(QStringLiteral("file")), row);
    }
    return manifest;
}

} // namespace mk::test
