#include "tests/unit/ops/OperationsTestSupport.h"

#include "model/config/SecretKeySource.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretScanner.h"
#include "model/store/Cell.h"
#include "model/store/SecretLocation.h"

#include <QCryptographicHash>
#include <QDate>
#include <QFile>

namespace mk::test {

QList<model::ValueRecord> scanValues(const model::Target& target, QString* error)
{
    QList<model::ValueRecord> values;
    auto opened = model::openTarget(target, model::AccessMode::ReadOnly);
    if (!opened) {
        if (error)
            *error = opened.error().message;
        return values;
    }
    QSet<QString> ids;
    for (const store::DataKeyRow& row : std::as_const(opened->dataKeys))
        ids.insert(row.id);
    model::SecretScanner scanner(opened->db, ids);
    const auto scanned = scanner.scan([&values](const QList<model::ValueRecord>& batch) { values << batch; },
                                      nullptr);
    if (!scanned && error)
        *error = scanned.error().message;
    return values;
}

QHash<QString, QByteArray> snapshotCells(const model::Target& target)
{
    QHash<QString, QByteArray> cells;
    auto opened = model::openTarget(target, model::AccessMode::ReadOnly);
    if (!opened)
        return cells;
    for (const store::SecretLocation& location : store::secretLocations()) {
        QString after;
        while (true) {
            auto page = store::readCells(opened->db, location, after, 500);
            if (!page || page->isEmpty())
                break;
            for (const store::Cell& cell : std::as_const(*page)) {
                if (!cell.isNull && !cell.raw.isEmpty())
                    cells.insert(location.key + QLatin1Char('/') + cell.rowId, cell.raw);
            }
            after = page->last().rowId;
            if (page->size() < 500)
                break;
        }
    }
    return cells;
}

QList<store::DataKeyRow> dataKeysOf(const model::Target& target)
{
    auto opened = model::openTarget(target, model::AccessMode::ReadOnly);
    return opened ? opened->dataKeys : QList<store::DataKeyRow>{};
}

QByteArray fileDigest(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

QStringList expectedFailures(const QStringList& expectedLines)
{
    QStringList failures;
    for (const QString& line : expectedLines) {
        const QStringList cells = line.split(QLatin1Char('\t'));
        if (cells.size() == 4 && cells.at(3).startsWith(QLatin1String("FAIL:")))
            failures << cells.at(0) + QLatin1Char('/') + cells.at(1) + QLatin1Char('/') + cells.at(2)
                            + QLatin1Char('/') + cells.at(3).mid(5);
    }
    failures.sort();
    return failures;
}

model::Target withSecretKey(const model::Target& base, const QByteArray& key)
{
    model::Target target = base;
    target.secretKey = key;
    target.publicDefaultKey = key == QByteArray(config::kPublicDefaultSecretKey);
    return target;
}

QString todaysLabel()
{
    return QDate::currentDate().toString(QStringLiteral("yyyy-MM-dd")) + QStringLiteral("/root@secretKey.v1");
}

} // namespace mk::test
