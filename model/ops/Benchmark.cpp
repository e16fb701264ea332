#include "model/ops/Benchmark.h"

#include "crypto/DataKey.h"
#include "crypto/Envelope.h"
#include "crypto/KdfBench.h"
#include "crypto/Payload.h"
#include "crypto/SecretKeyProvider.h"
#include "model/config/SecretKeySource.h"
#include "model/ops/JobContext.h"
#include "model/ops/KeyRing.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/SecretLocation.h"

#include <QElapsedTimer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

namespace mk::model {

namespace {

double valuesPerSecond(const QList<ValueRecord>& values, const KeyRing& ring, int jobs)
{
    QThreadPool pool;
    pool.setMaxThreadCount(jobs);
    QElapsedTimer timer;
    timer.start();
    const QList<bool> ok = QtConcurrent::blockingMapped(&pool, values, [&ring](const ValueRecord& record) {
        auto plaintext = decryptValue(record, ring);
        const bool good = plaintext.has_value();
        if (good)
            wipe(*plaintext);
        return good;
    });
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    if (ok.contains(false) || seconds <= 0)
        return 0;
    return static_cast<double>(values.size()) / seconds;
}

} // namespace

BenchmarkResult runBenchmark(double seconds, int jobs)
{
    BenchmarkResult result;
    const int runs = qBound(5, static_cast<int>(seconds * 40), 2000);
    const crypto::KdfBenchResult kdf = crypto::runKdfBench(runs);
    result.pbkdf2Implementation = kdf.pbkdf2Implementation;
    result.floorMs = kdf.rawCompressionsMs;
    result.ownPbkdf2Ms = kdf.ownPbkdf2Ms;
    result.openSslPbkdf2Ms = kdf.openSslPbkdf2Ms;
    result.cores = effectiveJobs(jobs);

    // One data key wrapped with the default secret key, and envelope values under it, as in a
    // Grafana ≥ 9.2 database; the verify path decrypts each one with one key derivation.
    Target target;
    target.secretKey = QByteArray(config::kPublicDefaultSecretKey);
    const crypto::SecretBytes dek = crypto::generateDataKey();
    const crypto::SecretKeyProvider provider{crypto::SecretBytes(QByteArrayView(target.secretKey))};
    store::DataKeyRow row;
    row.id = QStringLiteral("benchkey000001");
    row.provider = QStringLiteral("secretKey.v1");
    row.active = true;
    row.encryptedData = provider.wrap(dek.view()).value_or(QByteArray());
    const KeyRing ring(target, {row});

    const double perValueMs = qMax(0.05, kdf.ownPbkdf2Ms > 0 ? kdf.ownPbkdf2Ms : kdf.openSslPbkdf2Ms);
    result.values = qBound(50, static_cast<int>(seconds * 1000.0 / perValueMs / 2.0), 200000);
    const int dataSource = 0; // any text location: plausibility = UTF-8
    QList<ValueRecord> values;
    values.reserve(result.values);
    for (int i = 0; i < result.values; ++i) {
        ValueRecord record;
        record.locationIndex = dataSource;
        const auto inner = crypto::encryptPayload(QByteArray("bench-secret-") + QByteArray::number(i), dek.view());
        record.payload = crypto::buildEnvelope(row.id.toUtf8(), inner.value_or(QByteArray()));
        values << record;
    }
    result.verifyPerSecondOneJob = valuesPerSecond(values, ring, 1);
    result.verifyPerSecondAllJobs = valuesPerSecond(values, ring, result.cores);
    return result;
}

} // namespace mk::model
