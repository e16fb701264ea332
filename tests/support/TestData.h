#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace mk::test {

// Folder with spec/, vectors/ and fixtures/ (MK_SHARED_DIR from the environment or the build).
QString sharedDir();
QString vectorsFile();
QString realFixturesDir();
QString syntheticFixturesDir();

// Every fixture database (real and synthetic), absolute paths, sorted.
QStringList realFixtureDatabases();
QStringList syntheticFixtureDatabases();

// Contents of <db>.expected.tsv as sorted lines without the trailing LF.
QStringList expectedLines(const QString& databasePath);

// Copies a fixture into dir (writable) and returns the new path.
QString copyFixture(const QString& databasePath, const QString& dir);

// The well-known default secret key and the key of custom-key.db.
inline constexpr const char* kDefaultSecretKey = "SW2YcwTIb9zpOOhoPsMm";
inline constexpr const char* kCustomSecretKey = "k3y-with#hash;and spaces";

} // namespace mk::test
