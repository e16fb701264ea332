#include "model/ops/Benchmark.h"

#include "crypto/Base64.h"
#include "crypto/DataKey.h"
#include "crypto/Envelope.h"
#include "crypto/KdfBench.h"
#include "crypto/Payload.h"
#include "crypto/SecretKeyProvider.h"
#include "model/config/SecretKeySource.h"
#include "model/ops/JobContext.h"
#include "model/ops/KeyRing.h"
#include "model/ops/ReEncryptJob.h"
#include "model/store/DemoSchema.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/SecretLocation.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
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
        auto plaintext = decryptValue(record, ring, UnverifiablePolicy::Accept);
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

// A SQLite database of `values` legacy values (one payload repeated: building it costs one key
// derivation), re-encrypted to envelope values by the real operation.
double reEncryptPerSecond(int values, int jobs, QString* error)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.db"));
    {
        auto db = store::createDemoSqliteDatabase(path);
        if (!db) {
            *error = db.error().detail;
            return 0;
        }
        const QString payload = QString::fromLatin1(crypto::base64::encodeStd(
            crypto::encryptPayload("bench-token", QByteArrayView(config::kPublicDefaultSecretKey)).value_or(QByteArray())));
        QList<QVariantList> rows;
        for (int id = 1; id <= values; ++id)
            rows << QVariantList{id, 1, QStringLiteral("oauth_generic_oauth"), QString::number(id),
                                 QStringLiteral("2026-01-01 00:00:00"), payload};
        if (!db->begin() || !store::insertDemoRows(*db, QStringLiteral("user_auth"),
                                                   {QStringLiteral("id"), QStringLiteral("user_id"),
                                                    QStringLiteral("auth_module"), QStringLiteral("auth_id"),
                                                    QStringLiteral("created"), QStringLiteral("o_auth_access_token")},
                                                   rows)
            || !db->commit()) {
            *error = QStringLiteral("cannot fill the benchmark database");
            return 0;
        }
    }
    model::OpenRequest request;
    request.dbUrl = path;
    request.environment = QProcessEnvironment();
    const auto target = resolveTarget(request);
    if (!target) {
        *error = target.error().message;
        return 0;
    }
    ReEncryptOptions options;
    options.jobs = jobs;
    QElapsedTimer timer;
    timer.start();
    const auto result = runReEncrypt(*target, options, nullptr);
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    if (!result || result->changed != values) {
        *error = result ? QStringLiteral("re-encrypt changed %1 of %2 values").arg(result->changed).arg(values)
                        : result.error().message;
        return 0;
    }
    return seconds > 0 ? values / seconds : 0;
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

    result.reEncryptValues = result.values;
    result.reEncryptPerSecondOneJob = reEncryptPerSecond(result.reEncryptValues, 1, &result.error);
    if (result.error.isEmpty())
        result.reEncryptPerSecondAllJobs = reEncryptPerSecond(result.reEncryptValues, result.cores, &result.error);
    return result;
}

} // namespace mk::model
