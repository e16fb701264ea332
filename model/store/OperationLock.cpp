#include "model/store/OperationLock.h"

#include "model/store/Database.h"
#include "model/store/SqlSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace mk::store {

namespace {

// Arbitrary constant: the console's key in PostgreSQL's advisory-lock space ("mk-op").
constexpr qint64 kPostgresLockKey = 0x6d6b2d6f70;

Result<bool> trySessionLock(Database& db, const QString& sql, const QVariant& bind)
{
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    if (auto done = SqlSupport::exec(q, db.driver(), sql, {bind}, QStringLiteral("operation lock")); !done)
        return std::unexpected(done.error());
    if (!q.next())
        return std::unexpected(SqlSupport::queryError(db.driver(), q.lastError(), QStringLiteral("operation lock")));
    return !q.value(0).isNull() && q.value(0).toInt() == 1;
}

QString lockFilePath(const QString& databasePath)
{
    QString canonical = QFileInfo(databasePath).canonicalFilePath();
    if (canonical.isEmpty())
        canonical = QFileInfo(databasePath).absoluteFilePath();
    const QByteArray digest = QCryptographicHash::hash(canonical.toUtf8(), QCryptographicHash::Sha256).toHex().left(24);
    return QDir(QDir::tempPath()).filePath(QStringLiteral("mosaicoo-keys-%1.lock").arg(QString::fromLatin1(digest)));
}

} // namespace

struct OperationLock::Impl
{
    int fd = -1; // SQLite: the lock file, flock()ed; the kernel drops the lock when the process dies

    ~Impl()
    {
        if (fd >= 0)
            ::close(fd); // releases the flock
    }
};

OperationLock::OperationLock(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{
}

OperationLock::OperationLock(OperationLock&&) noexcept = default;
OperationLock& OperationLock::operator=(OperationLock&&) noexcept = default;
OperationLock::~OperationLock() = default;

Result<OperationLock> OperationLock::acquire(Database& db)
{
    auto impl = std::make_unique<Impl>();
    const QString busy = QStringLiteral("another mosaicoo-keys operation is writing to this database");
    switch (db.driver()) {
    case ConnectionSpec::Driver::Sqlite: {
        // flock() on a file of our own, never on the database: closing any descriptor of the
        // database would drop SQLite's own fcntl locks of this process.
        const QByteArray path = QFile::encodeName(lockFilePath(db.spec().path));
        // Readable by all (it holds a process id only): another user's run can still flock it.
        impl->fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        const bool writable = impl->fd >= 0;
        if (!writable)
            impl->fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (impl->fd < 0)
            return fail(ErrorCode::Io, QStringLiteral("cannot create the operation lock file %1")
                                           .arg(QFile::decodeName(path)));
        if (::flock(impl->fd, LOCK_EX | LOCK_NB) != 0) {
            char holder[32] = {};
            const ssize_t n = ::pread(impl->fd, holder, sizeof holder - 1, 0);
            const QByteArray pid = QByteArray(holder, n > 0 ? int(n) : 0).trimmed();
            return fail(ErrorCode::Busy, pid.isEmpty() ? busy : QStringLiteral("%1 (process %2)").arg(busy, QString::fromLatin1(pid)));
        }
        const QByteArray me = QByteArray::number(qint64(::getpid())) + '\n';
        if (writable && ::ftruncate(impl->fd, 0) == 0) {
            // Who holds it, for the refusal of the next one: a courtesy, the flock is what counts.
            [[maybe_unused]] const ssize_t written = ::pwrite(impl->fd, me.constData(), size_t(me.size()), 0);
        }
        break;
    }
    case ConnectionSpec::Driver::Postgres: {
        auto got = trySessionLock(db, QStringLiteral("SELECT CASE WHEN pg_try_advisory_lock(?) THEN 1 ELSE 0 END"),
                                  QVariant::fromValue(kPostgresLockKey));
        if (!got)
            return std::unexpected(got.error());
        if (!*got)
            return fail(ErrorCode::Busy, busy);
        break;
    }
    case ConnectionSpec::Driver::Mysql: {
        // Lock names are server-wide: the database name makes it per database (64 characters max).
        const QString name = QStringLiteral("mosaicoo-keys:%1").arg(db.spec().database).left(64);
        auto got = trySessionLock(db, QStringLiteral("SELECT GET_LOCK(?, 0)"), name);
        if (!got)
            return std::unexpected(got.error());
        if (!*got)
            return fail(ErrorCode::Busy, busy);
        break;
    }
    }
    return OperationLock(std::move(impl));
}

} // namespace mk::store
