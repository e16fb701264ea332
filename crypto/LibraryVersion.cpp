#include "crypto/LibraryVersion.h"

#include <openssl/crypto.h>

namespace mk::crypto {

QString libraryVersion()
{
    return QString::fromLatin1(OpenSSL_version(OPENSSL_VERSION));
}

} // namespace mk::crypto
