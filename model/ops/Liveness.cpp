#include "model/ops/Liveness.h"

#include "model/ModelLog.h"
#include "model/ops/OperationResult.h"
#include "model/store/ServerFacts.h"

#include <QDateTime>

#include <algorithm>

namespace mk::model {

Result<Liveness> assessLiveness(store::Database& db, qint64 nowUtcSeconds)
{
    const qint64 now = nowUtcSeconds > 0 ? nowUtcSeconds : QDateTime::currentSecsSinceEpoch();
    auto marks = store::readWriteMarks(db);
    if (!marks)
        return fail(ErrorKind::Failed, QStringLiteral("cannot read the liveness evidence: %1")
                                           .arg(marks.error().detail));
    Liveness liveness;
    liveness.checked = true;
    QList<LivenessEvidence> all;
    for (const store::WriteMark& mark : std::as_const(*marks)) {
        LivenessEvidence e;
        e.source = mark.source;
        e.detail = mark.detail;
        e.secondsAgo = now - mark.epochSeconds;
        e.lastWrite = QDateTime::fromSecsSinceEpoch(mark.epochSeconds, Qt::UTC).toString(Qt::ISODate);
        all << e;
    }
    std::ranges::sort(all, {}, &LivenessEvidence::secondsAgo);
    if (all.isEmpty())
        return liveness;
    liveness.lastWriteSecondsAgo = std::max<qint64>(0, all.first().secondsAgo);
    liveness.suspected = all.first().secondsAgo <= liveness.windowSeconds;
    for (const LivenessEvidence& e : std::as_const(all)) {
        if (!liveness.suspected || e.secondsAgo <= liveness.windowSeconds)
            liveness.evidence << e;
    }
    return liveness;
}

QString livenessSentence(const Liveness& liveness)
{
    if (!liveness.suspected)
        return {};
    QStringList parts;
    for (const LivenessEvidence& e : liveness.evidence) {
        parts << (e.detail.isEmpty() ? QStringLiteral("%1 %2 s ago").arg(e.source).arg(std::max<qint64>(0, e.secondsAgo))
                                     : QStringLiteral("%1 \"%2\" %3 s ago")
                                           .arg(e.source, e.detail)
                                           .arg(std::max<qint64>(0, e.secondsAgo)));
    }
    return QStringLiteral("a server wrote here %1 s ago (evidence: %2)")
        .arg(liveness.lastWriteSecondsAgo)
        .arg(parts.join(QStringLiteral(", ")));
}

void applyLivenessPolicy(Liveness& liveness, LivenessPolicy policy, bool serversStopped)
{
    liveness.refused = false;
    liveness.overridden = false;
    liveness.message.clear();
    if (!liveness.suspected)
        return;
    const QString sentence = livenessSentence(liveness);
    if (policy == LivenessPolicy::Warn) {
        liveness.message = QStringLiteral("A running server is likely: %1. The operation copes with "
                                          "its writes, but stopping the servers (or rotating "
                                          "through their API) is safer.")
                               .arg(sentence);
    } else if (serversStopped) {
        liveness.overridden = true;
        liveness.message = QStringLiteral("--servers-stopped: %1; taken as stale.").arg(sentence);
    } else {
        liveness.refused = true;
        liveness.message = QStringLiteral("Refused: %1. Stop the servers, or pass --servers-stopped "
                                          "if this evidence is stale.")
                               .arg(sentence);
    }
}

Liveness checkLiveness(store::Database& db, LivenessPolicy policy, bool serversStopped)
{
    auto liveness = assessLiveness(db);
    if (!liveness) {
        qCWarning(lcModel).noquote() << liveness.error().message;
        return {};
    }
    applyLivenessPolicy(*liveness, policy, serversStopped);
    return *liveness;
}

void addLivenessToPreflight(store::Database& db, Preflight& preflight, LivenessPolicy policy, bool serversStopped)
{
    preflight.liveness = checkLiveness(db, policy, serversStopped);
    if (auto uids = store::readDataSourceUids(db); uids)
        preflight.dataSourceUids = *uids;
    if (!preflight.liveness.refused && !preflight.liveness.message.isEmpty())
        preflight.warnings << preflight.liveness.message;
}

Result<void> livenessGate(const Preflight& preflight)
{
    if (preflight.liveness.refused)
        return fail(ErrorKind::Refused, preflight.liveness.message);
    return {};
}

} // namespace mk::model
