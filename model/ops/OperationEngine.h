#pragma once

#include "crypto/Algorithm.h"
#include "crypto/SecretBytes.h"
#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"
#include "model/ops/ValueRecord.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <functional>
#include <optional>

class QThreadPool;

namespace mk::store {
struct SecretLocation;
}

// The machinery the operation jobs share (not for the UI): planning per value, the preflight scan
// with its sampled key check, and the batched, parallel, round-trip-checked rewrite of cells.
namespace mk::model {

struct OpenedDatabase;
class KeyRing;

namespace engine {

// The form a value is rewritten to.
struct ValueSpec
{
    bool envelope = false;
    crypto::Algorithm algorithm = crypto::Algorithm::AesCfb;
    bool prefix = true;

    bool operator==(const ValueSpec&) const = default;
};

// nullopt: leave the value as it is.
using PlanFunction = std::function<std::optional<ValueSpec>(const ValueRecord&, const store::SecretLocation&)>;

struct RewritePlan
{
    PlanFunction planFor;
    QList<int> locations;          // catalog indexes the operation rewrites
    QByteArray envelopeKeyId;      // envelope output: the data key id ...
    crypto::SecretBytes envelopeKey; // ... and its raw 16 bytes
    QByteArray legacySecret;       // legacy output: the secret key (the new one when changing it)
    bool singleTransaction = false; // all batches in one transaction (caller begins and commits)
    // Rewrite the good values of a cell even when another value of it fails (the change of the
    // secret key: a value left under the old key would be lost). Otherwise one bad value fails the
    // whole cell, like upstream.
    bool partialCells = false;
    QSet<QString>* changedValues = nullptr; // out: valueKey() of every value rewritten (or would be)
};

// Identifies one value across scans: location index, row id and field.
QString valueKey(int locationIndex, const QString& rowId, const QString& field);

// Does the value already have this form (for envelope: under this data key)?
bool hasForm(const ValueRecord& record, const ValueSpec& spec, const QString& envelopeKeyId);
// The spec a legacy value already has (change of the secret key keeps the form).
ValueSpec legacySpecOf(const ValueRecord& record);

// What the catalog indexes of the locations every rewrite touches are: upstream's list plus
// alert_notification (legacy only). cache_data and alert_configuration_history are never touched.
QList<int> rewrittenLocations();

// Everything the preflight learns from one scan of every location (no decryption apart from the
// sample).
struct ScanFacts
{
    Preflight preflight;
    QHash<QString, qint64> references;           // data key id -> values naming it
    QHash<QString, qint64> untouchedReferences;  // ... in locations the operation does not rewrite
    QHash<QString, QString> keyHealth;           // data key id -> DataKeyPlan::health
};

// Scans every location (classification only), counts per location with the plan, decrypts a
// sample spread over the data keys and judges the secret key and every data key. Samples too short
// to prove their key count for nothing; sampled legacy ones are predicted failures (Unverifiable)
// unless includeUnverifiable. Values in knownFailures (a verify's) that the plan rewrites are
// predicted failures with the verify's reason, and are not sampled.
[[nodiscard]] Result<ScanFacts> scanForPreflight(OpenedDatabase& opened,
                                                 const KeyRing& ring,
                                                 const PlanFunction& planFor,
                                                 const QList<int>& touchedLocations,
                                                 QThreadPool& pool,
                                                 JobContext* context,
                                                 bool includeUnverifiable = false,
                                                 const QList<ValueFailure>& knownFailures = {});

// Runs the rewrite over plan.locations into result (counts, failures, conflicts, canceled).
// Without singleTransaction every batch is its own transaction; with it the caller owns the
// transaction. In a dry run nothing is written.
[[nodiscard]] Result<void> rewriteCells(OpenedDatabase& opened,
                                        const KeyRing& ring,
                                        const RewritePlan& plan,
                                        const OperationOptions& options,
                                        QThreadPool& pool,
                                        JobContext* context,
                                        OperationResult& result);

// References to data keys as the database holds them now (every location), with the value names.
struct ReferenceScan
{
    QHash<QString, qint64> references;
    QHash<QString, QSet<QString>> locations;     // id -> "table.column"
    QHash<QString, QList<ValueFailure>> values;  // id -> values naming it (reason unused)
};
// Values in excludedValues (valueKey) are not counted: a dry run excludes what it would rewrite.
[[nodiscard]] Result<ReferenceScan> scanReferences(OpenedDatabase& opened,
                                                   const QSet<QString>* excludedValues,
                                                   JobContext* context);

// Local date label of today's current key: "YYYY-MM-DD/root@<provider>" (formats.md §1.7).
QString todayLabel(const QString& providerId);
// "YYYY-MM-DD HH:MM:SS" in local time (data key created/updated) and in UTC (migrator `updated`).
QString nowLocalText();
QString nowUtcText();

// Algorithm of [security.encryption] algorithm, or a Config error.
[[nodiscard]] Result<crypto::Algorithm> configuredAlgorithm(const Target& target);

// Fills locations/present/touched into the preflight text for refusals.
QString refusalForKeyCheck(const KeyCheck& check, const QString& whichKey);

} // namespace engine
} // namespace mk::model
