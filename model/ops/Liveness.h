#pragma once

#include "model/ModelError.h"

#include <QList>
#include <QString>

namespace mk::store {
class Database;
}

// Is a server running against this database? Judged from the database alone: the tables a running
// Grafana/Mosaicoo server writes on its own schedule, whatever its load (store/ServerFacts.h).
namespace mk::model {

// A server that is up writes server_lock at least every 10 minutes ("delete old login
// attempts"); a write within this window means "running".
constexpr qint64 kLivenessWindowSeconds = 15 * 60;

struct LivenessEvidence
{
    QString source;        // "server_lock.last_execution"
    QString detail;        // "delete old login attempts"
    qint64 secondsAgo = 0; // negative when the mark lies in the future (clock skew): counts as now
    QString lastWrite;     // ISO 8601, UTC
};

struct Liveness
{
    bool checked = false;   // the evidence tables were read
    bool suspected = false; // a write within the window
    qint64 lastWriteSecondsAgo = -1; // -1: no evidence at all
    qint64 windowSeconds = kLivenessWindowSeconds;
    QList<LivenessEvidence> evidence; // recent marks first; only the recent ones when suspected
    // Filled by applyLiveness(): the operation refuses (rollback, change of the secret key,
    // repair) unless the servers are declared stopped.
    bool refused = false;
    bool overridden = false; // --servers-stopped given although suspected
    QString message;         // refusal or warning text, empty when nothing was suspected
};

// Reads the evidence tables (read-only) and judges them against nowUtcSeconds (0: now).
[[nodiscard]] Result<Liveness> assessLiveness(store::Database& db, qint64 nowUtcSeconds = 0);

// "a server wrote here 12 s ago (evidence: server_lock.last_execution "delete old login attempts"
// 12 s ago, ...)"; empty when not suspected.
QString livenessSentence(const Liveness& liveness);

enum class LivenessPolicy
{
    Refuse, // rollback, change of the secret key, repair: a running server would write values or
            // keys the operation is about to remove
    Warn,   // re-encrypt, rotate, re-wrap: a running server is handled (re-reads, new keys)
};

// Sets refused/overridden/message on liveness for an operation with this policy.
void applyLivenessPolicy(Liveness& liveness, LivenessPolicy policy, bool serversStopped);

struct Preflight;

// For any job's preflight: assesses the database and applies the policy. A failure to read the
// evidence is not an error (checked stays false).
Liveness checkLiveness(store::Database& db, LivenessPolicy policy, bool serversStopped);
// ... into preflight.liveness, its message into preflight.warnings unless it is a refusal.
void addLivenessToPreflight(store::Database& db, Preflight& preflight, LivenessPolicy policy, bool serversStopped);
// Refused (exit 3) when preflight.liveness refused; --force does not override it.
[[nodiscard]] Result<void> livenessGate(const Preflight& preflight);

} // namespace mk::model
