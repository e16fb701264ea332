#include "crypto/KdfBench.h"

#include "crypto/Kdf.h"

#include <QElapsedTimer>

#include <algorithm>

namespace mk::crypto {

namespace {

const QByteArray kBenchPassword = QByteArrayLiteral("SW2YcwTIb9zpOOhoPsMm");
const QByteArray kBenchSalt = QByteArrayLiteral("abcdefgh");
constexpr int kCompressionsPerDerivation = 2 * kPbkdf2Iterations;

volatile std::uint32_t g_sink = 0; // keeps the measured work observable

template <typename Work>
double millisecondsPerRun(int runs, Work work)
{
    runs = std::max(runs, 1);
    work(); // warm-up (CPU feature detection, page faults, frequency ramp)
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < runs; ++i)
        work();
    return static_cast<double>(timer.nsecsElapsed()) / 1e6 / runs;
}

} // namespace

double benchRawCompressionsMs(int runs, Sha256Backend backend)
{
    if (!sha256::isAvailable(backend))
        return 0;
    const sha256::CompressFunction compress = sha256::compressFunction(backend);
    return millisecondsPerRun(runs, [compress] {
        sha256::State state = sha256::kInitialState;
        sha256::Block block{};
        block[8] = 0x80000000u;
        block[15] = 768;
        for (int i = 0; i < kCompressionsPerDerivation; ++i) {
            compress(state, block);
            block[i & 7] ^= state[0]; // chain, as PBKDF2 does
        }
        g_sink = g_sink + state[0];
    });
}

double benchOwnPbkdf2Ms(int runs, Sha256Backend backend)
{
    if (!sha256::isAvailable(backend))
        return 0;
    return millisecondsPerRun(runs, [backend] {
        const SecretBytes key = pbkdf2Sha256Using(backend, kBenchPassword, kBenchSalt);
        g_sink = g_sink + static_cast<unsigned char>(key.data()[0]);
    });
}

double benchOpenSslPbkdf2Ms(int runs)
{
    return millisecondsPerRun(runs, [] {
        const SecretBytes key = pbkdf2Sha256OpenSsl(kBenchPassword, kBenchSalt);
        g_sink = g_sink + static_cast<unsigned char>(key.data()[0]);
    });
}

KdfBenchResult runKdfBench(int runs)
{
    const Sha256Backend backend = activeSha256Backend();
    KdfBenchResult result;
    result.backend = QString::fromLatin1(sha256::backendName(backend));
    result.pbkdf2Implementation = pbkdf2ImplementationName();
    result.runs = std::max(runs, 1);
    result.rawCompressionsMs = benchRawCompressionsMs(runs, backend);
    result.ownPbkdf2Ms = benchOwnPbkdf2Ms(runs, backend);
    result.portablePbkdf2Ms = benchOwnPbkdf2Ms(runs, Sha256Backend::Portable);
    result.openSslPbkdf2Ms = benchOpenSslPbkdf2Ms(runs);
    return result;
}

} // namespace mk::crypto
