#pragma once

#include "crypto/Algorithm.h"
#include "model/Target.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

// Helpers of the repair tests: damage a copy of a fixture (on SQLite or a server) and compare.
namespace mk::test {

inline const QByteArray kOtherKey("the-other-server's key #2");
inline const QByteArray kUnknownKey("a key nobody has any more");

// mixed-default-key.db: data keys, legacy and envelope values, alerting configurations.
QString repairFixture();
// Index of a location ("data_source.secure_json_data") in store::secretLocations().
int locationIndex(const QString& key);
// The repair fixture's expected lines without those of "table/row/field" in `removed`.
QStringList expectedWithout(const QStringList& removed);
// Empty when verify under `target` gives exactly `expected`, else a readable difference.
QString mismatch(const model::Target& target, const QStringList& expected);
// A legacy payload of `plaintext` under kUnknownKey that neither the target's key nor kOtherKey
// opens (checked with the product's own judgement, so no outcome depends on chance).
QByteArray undecryptablePayload(const model::Target& target, const QByteArray& plaintext, crypto::Algorithm algorithm);
// Replaces one value of one cell with `payload` (the rest of the cell keeps its bytes).
bool replaceValue(const model::Target& target, const QString& locationKey, const QString& rowId,
                  const QString& field, const QByteArray& payload);
// Deletes the first `count` data_keys rows that values reference (a lost migration); their ids,
// empty on failure.
QStringList deleteReferencedDataKeys(const model::Target& target, int count);
// The raw bytes of one cell (empty when missing).
QByteArray rawCell(const model::Target& target, const QString& locationKey, const QString& rowId);

} // namespace mk::test
