#pragma once

#include "model/Target.h"
#include "model/ops/ValueRecord.h"
#include "model/store/DataKeyRow.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

// Helpers for the operation tests: what the database holds after an operation.
namespace mk::test {

// Every value of every location (classified, not decrypted), in scan order.
QList<model::ValueRecord> scanValues(const model::Target& target, QString* error = nullptr);

// Raw bytes of every non-empty secret cell: "table.column/rowId" -> raw.
QHash<QString, QByteArray> snapshotCells(const model::Target& target);

// data_keys rows.
QList<store::DataKeyRow> dataKeysOf(const model::Target& target);

// SHA-256 of a file's bytes (empty when unreadable).
QByteArray fileDigest(const QString& path);

// The FAIL lines of an expected file, as "table/row/field/class".
QStringList expectedFailures(const QStringList& expectedLines);

// A Target like `base` with another secret key.
model::Target withSecretKey(const model::Target& base, const QByteArray& key);

// "YYYY-MM-DD/root@secretKey.v1" for today (local date).
QString todaysLabel();

} // namespace mk::test
