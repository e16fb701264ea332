// Fuzz target: --db URL parsing (store/ConnectionSpec::fromUrl).
// Invariants besides "no crash / no sanitizer report": an accepted URL has a port in range, and
// its display name does not depend on the password.

#include "FuzzSupport.h"

#include "model/store/ConnectionSpec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using mk::store::ConnectionSpec;
    const QString url = QString::fromUtf8(mk::fuzz::bytes(data, size));
    const auto spec = ConnectionSpec::fromUrl(url);
    if (!spec)
        return 0;
    MK_FUZZ_CHECK(spec->effectivePort() >= 0 && spec->effectivePort() <= 65535);
    ConnectionSpec withoutPassword = *spec;
    withoutPassword.password.clear();
    MK_FUZZ_CHECK(spec->displayName() == withoutPassword.displayName());
    return 0;
}
