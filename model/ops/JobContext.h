#pragma once

#include <QString>
#include <QThread>

#include <atomic>
#include <functional>

namespace mk::model {

// Progress and cancellation channel between a job and whoever runs it (CLI: stderr; GUI: a
// QPromise). Jobs call it from their own thread; implementations must be thread-safe.
class JobContext
{
public:
    virtual ~JobContext() = default;
    virtual void setProgressRange(qint64 total) = 0;
    virtual void setProgress(qint64 done, const QString& text) = 0;
    virtual bool isCanceled() const = 0;
};

// A JobContext over callbacks and an atomic flag; good for the CLI and tests.
class CallbackJobContext final : public JobContext
{
public:
    std::function<void(qint64)> onRange;
    std::function<void(qint64, const QString&)> onProgress;
    std::atomic<bool> canceled{false};

    void setProgressRange(qint64 total) override
    {
        if (onRange)
            onRange(total);
    }
    void setProgress(qint64 done, const QString& text) override
    {
        if (onProgress)
            onProgress(done, text);
    }
    bool isCanceled() const override { return canceled.load(); }
};

// Worker threads for crypto work: --jobs N, where 0 means one per core.
inline int effectiveJobs(int requested)
{
    return requested > 0 ? requested : qMax(1, QThread::idealThreadCount());
}

} // namespace mk::model
