#pragma once

#include "model/store/SecretLocation.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace mk::store {

// One encrypted value found inside a cell.
struct CellValue
{
    QString field;               // as in the fixtures' expected files ("password", "value", ...)
    QByteArray payload;          // decoded payload bytes (what the crypto layer decrypts)
    SecretLocation::Encoding encodingUsed = SecretLocation::Encoding::StdBase64; // never AnyBase64
    bool padded = false;         // base64 text carried '=' padding
    qsizetype spanStart = 0;     // where the stored text sits in the raw cell
    qsizetype spanLength = 0;    // (JSON: the string token's content between the quotes)
};

struct CellProblem
{
    enum Kind { BadJson, BadBase64 };
    QString field; // column name for a container that cannot be parsed
    Kind kind = BadJson;
    QString detail; // technical, never the value itself
};

struct CellExpansion
{
    QList<CellValue> values;
    QList<CellProblem> problems;
    bool empty = false; // NULL/empty cell, {} or JSON null container: nothing to do
};

// Pure function (no SQL): split a raw cell into its encrypted values.
CellExpansion expandCell(const SecretLocation& location, const QByteArray& raw, bool isNull);

// Re-encodes each (field, new payload) in the flavour the field had (padding as found) and
// splices it into the original bytes; every other byte stays untouched. Unknown fields are
// ignored. Single/RawBytes cells are replaced whole. A field that occurs more than once in the
// cell (duplicate JSON keys) is matched in document order: the n-th replacement naming it goes to
// its n-th occurrence.
QByteArray replaceValues(const SecretLocation& location,
                         const QByteArray& raw,
                         const QList<std::pair<QString, QByteArray>>& replacements);

// Removes one value from the cell: in a JSON container the member holding it (key, value and one
// separating comma) is cut from its object, every other byte stays; a Single cell becomes empty
// (what the server stores for "no value"). The value is the occurrence of `field` whose payload is
// `payload`. nullopt when it is not there or the result would not expand to exactly the other values.
std::optional<QByteArray> removeValue(const SecretLocation& location,
                                      const QByteArray& raw,
                                      const QString& field,
                                      const QByteArray& payload);

} // namespace mk::store
