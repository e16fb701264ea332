#include "model/LibraryVersions.h"

#include "crypto/LibraryVersion.h"

namespace mk::model {

QString openSslVersion()
{
    return crypto::libraryVersion();
}

} // namespace mk::model
