#include "model/items/SecretRow.h"

namespace mk::model {

SecretRow secretRowFromRecord(const ValueRecord& record, const QString& location)
{
    SecretRow row;
    row.locationIndex = record.locationIndex;
    row.location = location;
    row.rowId = record.rowId;
    row.owner = record.owner;
    row.field = record.field;
    row.updated = record.updated;
    row.format = record.format;
    row.dataKeyId = record.dataKeyId;
    if (record.problem) {
        row.status = SecretStatus::Failed;
        row.failure = record.problem;
    }
    return row;
}

} // namespace mk::model
