#include "crypto/OpenSslThread.h"

#include <openssl/crypto.h>

#include <QThreadStorage>

namespace mk::crypto::detail {

namespace {

struct ThreadStop
{
    ThreadStop() = default;
    ThreadStop(const ThreadStop&) = delete;
    ThreadStop& operator=(const ThreadStop&) = delete;
    // Frees this thread's DRBG and error queue; a no-op after OPENSSL_cleanup().
    ~ThreadStop() { OPENSSL_thread_stop(); }
};

// Never destroyed: a thread that exits during static destruction must still find it.
QThreadStorage<ThreadStop*>& threadStops()
{
    static auto* storage = new QThreadStorage<ThreadStop*>;
    return *storage;
}

} // namespace

void releaseOpenSslStateAtThreadExit()
{
    thread_local bool registered = false;
    if (registered)
        return;
    registered = true;
    threadStops().setLocalData(new ThreadStop); // deleted by Qt when the thread finishes
}

} // namespace mk::crypto::detail
