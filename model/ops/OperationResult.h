#pragma once

#include "model/instances/Instances.h"
#include "model/ops/Liveness.h"
#include "model/ops/VerifyJob.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

// Shared types of the four operations (product.md §3) and of backup/restore: the options every
// writing job accepts, the preflight report the wizards show before a run, and the result.
namespace mk::model {

enum class OperationKind
{
    ReEncrypt,       // re-encrypt
    Rollback,        // rollback
    RewrapDataKeys,  // re-encrypt-data-keys
    ChangeSecretKey, // re-encrypt-data-keys --new-secret-key-file
    Rotate,          // rotate
    Backup,          // backup
    Restore,         // restore
    Consolidate,     // consolidate (secrets-manager store)
    Repair,          // repair
};

// CLI command name: "re-encrypt", "rollback", "re-encrypt-data-keys" (also for the change of the
// secret key), "rotate", "backup", "restore".
QString operationName(OperationKind kind);

// Options every writing operation accepts.
struct OperationOptions
{
    bool dryRun = false;  // rule 8: everything except the writes (and the creation of data keys)
    int jobs = 0;         // crypto threads; 0 = one per core
    bool force = false;   // run although the preflight's safety check refused
    int batchSize = 200;  // cells per read page and per write transaction (rule 4)
    bool freshSaltPerValue = false; // upstream's per-value salt (two derivations per value)
    bool serversStopped = false; // the administrator declares recent liveness evidence stale
    // Rewrite legacy AES-CFB values too short to prove their key (FailureReason::Unverifiable),
    // trusting the secret key for them; otherwise they are reported and left as they are.
    bool includeUnverifiable = false;
    // Values a verify of this database found failing: the preflight predicts them as failures
    // where the operation would rewrite them (its sample cannot see a damaged value under a key
    // that works). Only the GUI passes them, from its last Verify.
    QList<ValueFailure> knownFailures;
    // Called on the job's thread right before a batch of cells of one location is written, outside
    // any transaction (tests use it to play a concurrent writer; a GUI could log).
    std::function<void(const QString& locationKey, const QStringList& rowIds)> beforeBatchWrite;
};

// What an operation will do in one location.
struct LocationPlan
{
    QString table;
    QString column;
    bool present = false;
    bool touched = false;  // the operation rewrites values here (cache_data etc. are never touched)
    qint64 rows = 0;
    qint64 values = 0;
    qint64 toChange = 0;   // values that will be rewritten
    qint64 unchanged = 0;  // values already in the target form (or not this operation's business)
    qint64 willFail = 0;   // values known to fail before decrypting (bad base64/JSON, missing key)
    qint64 envelope = 0;
    qint64 legacy = 0;
};

// One data key as the preflight judges it.
struct DataKeyPlan
{
    QString id;
    QString label;
    QString provider;
    bool active = false;
    qint64 references = 0;   // values in every location (cache_data included) naming it
    // "ok": unwraps and its sampled values decrypt; "unverified": unwraps (CFB proves nothing) but
    // no value references it; "suspect": unwraps but the values under it do not decrypt (wrapped
    // with another secret key); "failed" / "provider-unavailable": does not unwrap.
    QString health;
    QString action;          // "keep", "rewrap", "delete", "deactivate", "skip (…)"
};

// Decrypting a sample of values before writing anything (rule 2).
struct KeyCheck
{
    int sampled = 0;
    int ok = 0;
    int keyFailures = 0;      // implausible plaintext, GCM authentication, data key unwrap
    int unverifiable = 0;     // decrypted, but too short to prove the key: neither ok nor failed
    bool wrongKeySuspected = false;
    QString detail;           // human sentence
};

struct Preflight
{
    QString operation;
    bool dryRun = false;
    QList<LocationPlan> locations; // present locations only
    qint64 values = 0;
    qint64 toChange = 0;
    qint64 unchanged = 0;
    qint64 willFail = 0;
    QList<ValueFailure> knownFailures; // found without decrypting, plus failures in the sample
    QList<DataKeyPlan> dataKeys;
    QString newDataKeyLabel;           // re-encrypt: label of the key that will be created
    bool createsDataKey = false;
    QStringList irreversible;          // effects that cannot be undone without the backup
    QStringList warnings;
    KeyCheck keyCheck;
    bool refused = false;              // the run will refuse unless forced
    QString refusal;
    Liveness liveness;                 // a running server? (refused there: not even --force runs)
    QStringList dataSourceUids;        // compared with what the instances list through their API
};

// A data key a rollback did not delete because values still reference it.
struct DataKeyLoss
{
    QString id;
    qint64 references = 0;
    QStringList locations; // "cache_data.data", ...
    bool onlyFailedValues = false; // referenced only by values that failed in this run
};

struct OperationResult
{
    QString operation;
    bool dryRun = false;
    qint64 processed = 0;  // encrypted values examined
    qint64 changed = 0;    // values rewritten (dry run: that would be rewritten)
    qint64 skipped = 0;    // values left as they are (already in the target form, or blocked)
    qint64 blocked = 0;    // ...of which: fine, but in a cell where another value failed
    qint64 failed = 0;     // values that failed (failures lists each)
    qint64 conflicts = 0;  // ...of which: the row kept changing under the operation (re-run to finish)
    qint64 rereads = 0;    // rows that changed under the operation (a live writer): read again and
                           // rewritten from their new values, never overwritten with the old ones
    qint64 cellsWritten = 0;
    QList<ValueFailure> failures;
    QStringList dataKeysCreated;     // ids
    qint64 dataKeysDeleted = 0;
    QStringList dataKeysDeletedIds;
    qint64 dataKeysRewrapped = 0;
    qint64 dataKeysDeactivated = 0;
    QStringList dataKeysDeactivatedIds;
    QList<DataKeyPlan> dataKeyFailures; // keys an operation could not (or refused to) handle
    QList<DataKeyLoss> dataKeysKept;    // rollback: not deleted because still referenced
    // consolidate: unreferenced old secrets-manager keys kept because they were deactivated less
    // than data_keys_cache_ttl ago (another instance may still encrypt with a cached copy), and
    // from when a later run may delete them.
    QStringList dataKeysKeptForCacheIds;
    QString dataKeysDeletableAfter;
    QList<ValueFailure> valuesLost;     // rollback --accept-loss: now undecryptable
    bool refused = false;  // a safety rule stopped the work before anything was written (exit code 3)
    QString refusal;
    QString unfinished;    // the run wrote what it could, but part of the job was held back (exit 1):
                           // rollback's data keys that values still reference
    bool canceled = false;
    bool canceledBeforeCommit = false; // one-transaction operation stopped before its commit:
                                       // nothing was written (a note says so)
    QString configChange;  // change of the secret key: what to change in the configuration
    QString encryptUntil;  // rotate: until when other instances may still encrypt with old keys
    qint64 dataKeysCacheTtlSeconds = 0;
    QString backupFile;    // backup / restore
    QString backupFormat;  // "sqlite" | "json"
    qint64 verifyChecked = -1; // change of the secret key: verification with the new key
    qint64 verifyFailed = -1;
    bool verifyCanceled = false; // that verification was interrupted after verifyChecked values
    QStringList notes;     // human sentences for the summary
    // Through the instances' API (rotate --via-api, or at the end of an operation when instances
    // are given): one call per instance; the countdown (encryptUntil) concerns only those not
    // reached. apiRotationConfirmed: the database shows no active key older than the rotation.
    QList<InstanceCall> instanceCalls;
    QStringList instancesNotReached;
    bool apiRotationConfirmed = false;
    QString apiRotationConfirmation;
    Preflight preflight;
    qint64 durationMs = 0;
};

// Exit code of a run that was interrupted (Ctrl-C, SIGTERM, Cancel) before it finished: 128 +
// SIGINT, the shell's convention. Committed work stays; running the command again finishes.
inline constexpr int kExitInterrupted = 130;

// product.md §4: 3 when refused, kExitInterrupted when interrupted, 1 with failures, conflicts or
// an unfinished part, 0 otherwise.
int exitCodeFor(const OperationResult& result);

} // namespace mk::model
