#pragma once

#include "model/ops/JobContext.h"

#include <QFuture>
#include <QPromise>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>
#include <memory>

namespace mk::ui {

// A job of a wizard page: a snapshot of its inputs captured by value, run on a worker thread.
template <typename R>
using WizardJob = std::function<R(model::JobContext*)>;

// Shared stop flag. A user's Cancel sets it instead of QFuture::cancel(): the job stops between
// batches and still reports what it did (a canceled QFuture would drop that result).
using StopFlag = std::shared_ptr<std::atomic<bool>>;

inline StopFlag makeStopFlag()
{
    return std::make_shared<std::atomic<bool>>(false);
}

// JobContext over the QPromise of a run-with-promise job: progress (value and text) goes to the
// page's QFutureWatcher; the job stops when the flag is set or the future is canceled.
template <typename R>
class WizardJobContext final : public model::JobContext
{
public:
    WizardJobContext(QPromise<R>& promise, StopFlag stop)
        : m_promise(promise)
        , m_stop(std::move(stop))
    {
    }
    void setProgressRange(qint64 total) override
    {
        m_scale = total > 1'000'000'000 ? total / 1'000'000 + 1 : 1;
        m_promise.setProgressRange(0, int(total / m_scale));
    }
    void setProgress(qint64 done, const QString& text) override
    {
        m_promise.setProgressValueAndText(int(done / m_scale), text);
    }
    bool isCanceled() const override { return m_stop->load() || m_promise.isCanceled(); }

private:
    QPromise<R>& m_promise;
    StopFlag m_stop;
    qint64 m_scale = 1;
};

// QtConcurrent::run on the wizard's dedicated pool in run-with-promise mode (house style).
template <typename R>
QFuture<R> startWizardJob(QThreadPool& pool, WizardJob<R> job, StopFlag stop)
{
    return QtConcurrent::run(&pool, [job = std::move(job), stop = std::move(stop)](QPromise<R>& promise) {
        WizardJobContext<R> context(promise, stop);
        promise.addResult(job(&context));
    });
}

} // namespace mk::ui
