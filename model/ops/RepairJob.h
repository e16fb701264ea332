#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

// repair (issue 14): recovers what the diagnosis finds, in this order:
// 1. finds the key of every data key and legacy value among the current secret key (and the
//    configured providers) and the candidate keys. A candidate is right for a data key only when
//    the values referencing it decrypt to plausible plaintext under it (ValueDecrypter's judgement;
//    a GCM tag decides by itself); a key is never accepted on the unwrap alone;
// 2. re-wraps data keys found under a candidate with the current provider (one transaction, read
//    back before commit) and re-encrypts legacy values found under a candidate with the current
//    secret key, same format and encoding (batched, round-trip checked, optimistic writes);
// 3. restores data keys that values reference but that are missing, from a backup (--data-keys-from),
//    when values here decrypt with them: the row as it was, `active` off (re-wrapped if it was
//    under a candidate) — in the same transaction as step 2's data keys;
// 4. with clearUnrecoverable only: clears the values nothing decrypts (a JSON field is removed from
//    its own map, a single column is emptied), each listed with its owner;
// 5. verifies everything with the current key.
// Every step commits complete units (a kill leaves a state a re-run finishes) and a second run
// changes nothing. A dry run opens the database read-only.
namespace mk::model {

struct RepairOptions : OperationOptions
{
    QList<QByteArray> candidateKeys; // secret keys as the server reads them (never logged)
    QStringList candidateSources;    // per candidate: where it came from (file path), for reports
    QString dataKeysFrom;            // SQLite copy or JSON export made by backup
    bool clearUnrecoverable = false;
};

// A value that repair cleared or could not recover.
struct RepairValue
{
    ValueFailure value;
    QString owner; // what to re-enter in the server's UI: "data source 'x'", "contact point 'y' (org 1)"
};

// What one candidate key opened (counted, never the key).
struct CandidateOutcome
{
    QString source;
    QString fingerprint;
    bool sameAsCurrent = false;
    QStringList dataKeys; // ids proven to be wrapped by it
    qint64 values = 0;    // values it opens: legacy values plus envelope values under its data keys
};

// One data key as repair judges it.
struct DataKeyRepair
{
    QString id;
    QString label;    // as stored here (or in the backup for a missing key)
    QString provider;
    bool active = false;
    qint64 references = 0;
    QString foundUnder; // "current", "candidate 1 (file)", "" = nothing proves a key
    bool fromBackup = false;
    QString action;     // "keep", "rewrap", "restore", "none", "unreferenced"
};

// One location as repair judges it: how many of its values each key opens.
struct RepairLocation
{
    QString table;
    QString column;
    qint64 values = 0;
    qint64 envelope = 0;
    qint64 legacy = 0;
    qint64 openedByCurrent = 0;
    QList<qint64> openedByCandidate; // per RepairResult::candidates entry (0 for a repeated key)
    qint64 lost = 0;                 // nothing opens them (cleared only on request)
};

struct RepairResult
{
    OperationResult operation; // the usual fields (failures = remaining values)
    QString currentFingerprint;
    qint64 dataKeysRestored = 0;
    QStringList dataKeysRestoredIds;
    QStringList dataKeysRewrappedIds;
    qint64 valuesReencrypted = 0;
    // Legacy values plausible under several keys with no neighbour in their cell to tell which
    // (short CFB values): left as they are, counted here.
    qint64 ambiguous = 0;
    QList<RepairValue> cleared;   // cleared (dry run: would be cleared)
    QList<RepairValue> remaining; // still undecryptable after the run (dry run: predicted)
    QList<CandidateOutcome> candidates;
    QList<DataKeyRepair> dataKeys;
    QList<RepairLocation> locations; // in catalog order
    QStringList unreferencedDataKeys; // no value names them: cannot be attributed; left alone
};

[[nodiscard]] Result<RepairResult> runRepair(const Target& target, const RepairOptions& options, JobContext* context);

// The usual operation fields plus dataKeysRewrapped, dataKeysRestored, valuesReencrypted,
// cleared[], remaining[] ({table, column, rowId, field, owner, reason}) and candidates[].
QJsonObject repairToJson(const RepairResult& result);

// 3 refused, 1 while any value stays undecryptable (or canceled / conflicts), else 0.
int exitCodeFor(const RepairResult& result);

} // namespace mk::model
