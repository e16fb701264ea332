#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/FailureReason.h"
#include "model/ops/JobContext.h"
#include "model/ops/ValueRecord.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace mk::model {

// A value that failed, as reported by verify and by every operation.
struct ValueFailure
{
    QString table;
    QString column;
    QString rowId;
    QString field;
    FailureReason reason = FailureReason::Other;
    QString detail; // technical, never plaintext or key material
};

struct LocationVerify
{
    QString table;
    QString column;
    qint64 checked = 0;
    qint64 ok = 0;
    qint64 failed = 0;
};

// Outcome of one value, streamed to an optional observer (GUI status column, tests).
struct ValueOutcome
{
    int locationIndex = -1;
    QString rowId;
    QString field;
    std::optional<FailureReason> failure;
    QByteArray plaintextSha256; // SHA-256 of the plaintext when it decrypted (never the plaintext)
    bool unverifiable = false;  // decrypted, but too short to prove the key (counted as ok)
};

struct VerifyOptions
{
    int jobs = 0; // 0 = number of cores
    std::function<void(const QList<ValueOutcome>&)> observer; // called from the job's thread
};

// What verify found under one data key (envelope values only): values that decrypted, and values
// that failed for a reason the key may cause (authentication, implausible plaintext, unwrap), not
// a damaged payload or container.
struct DataKeyVerify
{
    qint64 ok = 0;
    qint64 keyFailures = 0;
};

struct VerifyResult
{
    qint64 checked = 0;
    qint64 ok = 0;
    qint64 failed = 0;
    QList<ValueFailure> failures;
    // Of the ok values: legacy AES-CFB texts too short to prove that this secret key encrypted them
    // (reason Unverifiable). Not failures; the operations leave them alone unless told otherwise.
    qint64 unverifiable = 0;
    QList<ValueFailure> unverifiableValues;
    QList<LocationVerify> locations;
    QHash<QString, DataKeyVerify> dataKeys; // data key id -> its values' outcomes
    bool canceled = false;
    qint64 durationMs = 0;
};

// `verify`: decrypt every value with the target's secret key and data keys.
[[nodiscard]] Result<VerifyResult> runVerify(const Target& target,
                                             const VerifyOptions& options,
                                             JobContext* context);

} // namespace mk::model
