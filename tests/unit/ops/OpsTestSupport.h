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

// Lines of both lists that differ, for a readable failure message (at most `limit` of each).
QString describeDifference(const QStringList& expected, const QStringList& actual, int limit = 8);

// MANIFEST.tsv of the real fixtures: file name -> column -> value.
QHash<QString, QHash<QString, QString>> readManifest();

} // namespace mk::test
