#pragma once

#include "model/Target.h"

#include <QHash>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace mk::test {

// A Target for a database URL or file with the given secret key (through the environment, as an
// administrator would pass it), resolved by the real model::resolveTarget.
model::Target targetFor(const QString& dbUrl, const QByteArray& secretKey);

// Runs model::runVerify and renders one fixture line per value, sorted like `LC_ALL=C sort`:
// "table TAB row_id TAB field TAB sha256-or-FAIL:<class>". Only plaintext digests are kept.
QStringList verifyLines(const model::Target& target, int jobs = 0, QString* error = nullptr);

// After a writer was killed: when it left a hot journal, model::rollBackInterruptedWrite plays it
// back, as Grafana's next start or a re-run would; a read-only open (verify, the tests' decrypters)
// refuses until then. Returns whether the journal was hot; `error` is set when the roll-back failed.
bool rollBackKilledWriter(const model::Target& target, QString* error);

// Lines of both lists that differ, for a readable failure message (at most `limit` of each).
QString describeDifference(const QStringList& expected, const QStringList& actual, int limit = 8);

// MANIFEST.tsv of the real fixtures: file name -> column -> value.
QHash<QString, QHash<QString, QString>> readManifest();

} // namespace mk::test
