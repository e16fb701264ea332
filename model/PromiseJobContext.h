#pragma once

#include "model/ops/JobContext.h"

#include <QPromise>

namespace mk::model {

// A JobContext over the QPromise of a QtConcurrent run-with-promise job: progress and text go to
// the QFutureWatcher, cancellation comes from QFuture::cancel().
template <typename T>
class PromiseJobContext final : public JobContext
{
public:
    explicit PromiseJobContext(QPromise<T>& promise)
        : m_promise(promise)
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
    bool isCanceled() const override { return m_promise.isCanceled(); }

private:
    QPromise<T>& m_promise;
    qint64 m_scale = 1;
};

} // namespace mk::model
