#pragma once

#include "crypto/Sha256.h"

#include <QString>

// Timing helpers for the CLI `bench` command: how long one PBKDF2-HMAC-SHA256 derivation
// (10000 iterations, 32 bytes, as Grafana uses for every value) takes here. All figures are
// milliseconds per derivation, averaged over `runs` runs (runs < 1 counts as 1).
namespace mk::crypto {

struct KdfBenchResult
{
    QString backend;               // fastest SHA-256 backend: "sha-ni" or "portable"
    QString pbkdf2Implementation;  // what pbkdf2Sha256 runs: "own (sha-ni)" or "openssl"
    int runs = 0;
    double rawCompressionsMs = 0;  // 20,000 bare compressions (fastest backend): the floor
    double ownPbkdf2Ms = 0;        // our implementation with the fastest backend
    double portablePbkdf2Ms = 0;   // our implementation forced to the portable backend
    double openSslPbkdf2Ms = 0;    // PKCS5_PBKDF2_HMAC
};

// (a) 20,000 chained compressions with `backend` (2 per iteration × 10000 iterations).
[[nodiscard]] double benchRawCompressionsMs(int runs, Sha256Backend backend);
// (b) our pbkdf2 with `backend`; 0 when the backend is not available.
[[nodiscard]] double benchOwnPbkdf2Ms(int runs, Sha256Backend backend);
// (c) OpenSSL's pbkdf2.
[[nodiscard]] double benchOpenSslPbkdf2Ms(int runs);
// All of the above (fastest backend for (a) and (b), plus (b) forced to portable).
[[nodiscard]] KdfBenchResult runKdfBench(int runs = 20);

} // namespace mk::crypto
