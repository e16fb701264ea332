#pragma once

#include "model/store/StoreError.h"

#include <memory>

namespace mk::store {

class Database;

// The advisory lock one writing operation holds on one database, so that two runs of the console
// (two admins, a cron job and a wizard) never write at once: two re-encrypts at the same time
// would each create today's data key. It does not keep Grafana/Mosaicoo servers out (they do not
// know it); it only serialises the console's own writers. Taken without waiting:
//
// * PostgreSQL: pg_try_advisory_lock on the operation's session (per database);
// * MySQL/MariaDB: GET_LOCK('mosaicoo-keys:<database>', 0) on the operation's session;
// * SQLite: flock() on a file in the temporary folder named after the database file's canonical
//   path (nothing is created next to the database; the kernel releases it when the holder dies).
//
// Server locks end with the session (the Database), the file lock when this object goes.
class OperationLock
{
public:
    // ErrorCode::Busy (detail: who holds it, when known) when another operation holds it.
    [[nodiscard]] static Result<OperationLock> acquire(Database& db);

    OperationLock(OperationLock&&) noexcept;
    OperationLock& operator=(OperationLock&&) noexcept;
    ~OperationLock();

private:
    struct Impl;
    explicit OperationLock(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace mk::store
