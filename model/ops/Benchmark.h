#pragma once

#include <QString>

namespace mk::model {

struct BenchmarkResult
{
    QString pbkdf2Implementation; // "own (sha-ni)" or "openssl"
    double floorMs = 0;           // 20,000 raw SHA-256 compressions: what PBKDF2 must do
    double ownPbkdf2Ms = 0;
    double openSslPbkdf2Ms = 0;
    int cores = 1;
    int values = 0;               // values decrypted per verify measurement
    double verifyPerSecondOneJob = 0;
    double verifyPerSecondAllJobs = 0;
    int reEncryptValues = 0;      // legacy values re-encrypted per measurement
    double reEncryptPerSecondOneJob = 0; // whole operation: read, decrypt, encrypt, verify, write
    double reEncryptPerSecondAllJobs = 0;
    QString error;                // set when the re-encrypt measurement could not run
};

// `mosaicoo-keys-cli bench`: key derivation against the machine's floor, verify throughput
// (envelope values decrypted through the same code path as `verify`) and re-encrypt throughput
// (the real operation on a generated SQLite database in a temporary folder) at 1 job and at one
// per core. Touches no database of the user's.
BenchmarkResult runBenchmark(double seconds, int jobs);

} // namespace mk::model
