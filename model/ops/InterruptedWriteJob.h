#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"

namespace mk::model {

// A writer killed inside a transaction leaves SQLite's rollback journal "hot": every read-only
// open (the census, verify, the console's panes) refuses until a connection with write access
// plays it back, which undoes that unfinished transaction and nothing else. Grafana does it on its
// next start and the interrupted operation on its re-run; this job does it on the administrator's
// request when neither is at hand (the console cannot open the database at all meanwhile).

// Whether the target is an SQLite file with a hot journal (bounded file reads; GUI thread is fine).
[[nodiscard]] bool hasInterruptedWrite(const Target& target);

// Opens the file once with write access and reads its schema, so that SQLite rolls the journal
// back; fails when the journal is still hot afterwards (another process holds the database).
// operation = "roll-back-interrupted-write"; changed counts 1 when a journal was played back.
[[nodiscard]] Result<OperationResult> rollBackInterruptedWrite(const Target& target, JobContext* context);

} // namespace mk::model
