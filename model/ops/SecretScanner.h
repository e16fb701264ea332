#pragma once

#include "model/ModelError.h"
#include "model/ops/JobContext.h"
#include "model/ops/ValueRecord.h"

#include <QList>
#include <QSet>
#include <QString>

#include <functional>

namespace mk::store {
class Database;
struct Cell;
struct CellExpansion;
}

namespace mk::model {

// What the scanner saw of one location (table.column).
struct LocationScan
{
    int locationIndex = -1;
    bool present = false; // table and column exist in this database
    qint64 rows = 0;      // rows read (after the location's row filter)
    qint64 empty = 0;     // NULL/empty cells and empty JSON maps: skipped, not values
};

// Walks every secret location of store::secretLocations() in catalog order with keyset-paginated
// reads and hands out batches of classified values (no decryption). Used by census, verify, the
// secrets index of the GUI and the operations. Runs on the caller's thread with its own Database.
class SecretScanner
{
public:
    using BatchHandler = std::function<void(const QList<ValueRecord>& batch)>;

    explicit SecretScanner(store::Database& db, QSet<QString> knownDataKeyIds);

    void setBatchSize(int values) { m_batchSize = values; }
    // Restrict to some locations (indexes into store::secretLocations()); empty = all.
    void setLocations(QList<int> locationIndexes) { m_only = std::move(locationIndexes); }

    // Returns one LocationScan per location (present or not), or an error if a query fails.
    [[nodiscard]] Result<QList<LocationScan>> scan(const BatchHandler& handler, JobContext* context);

private:
    store::Database& m_db;
    QSet<QString> m_knownDataKeyIds;
    QList<int> m_only;
    int m_batchSize = 512;
};

// The records of one expanded cell: one per structural problem (bad JSON/base64), then one per
// value, classified. The scanner and the operations build records only through this.
QList<ValueRecord> recordsOfCell(int locationIndex,
                                 const store::Cell& cell,
                                 const store::CellExpansion& expansion,
                                 const QSet<QString>& knownDataKeyIds);

// Classifies one decoded payload without decrypting: format, data key id, structural problem.
// An envelope value whose id is not in knownDataKeyIds gets problem MissingDataKey.
void classifyPayload(ValueRecord& record, const QSet<QString>& knownDataKeyIds);

} // namespace mk::model
