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
};

// `mosaicoo-keys-cli bench`: key derivation against the machine's floor, then verify throughput
// (envelope values decrypted through the same code path as `verify`) at 1 job and at one per core.
// Works on values it generates in memory; touches no database.
BenchmarkResult runBenchmark(double seconds, int jobs);

} // namespace mk::model
