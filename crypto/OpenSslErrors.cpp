#include "crypto/OpenSslErrors.h"

#include <openssl/err.h>

namespace mk::crypto::detail {

QString takeOpenSslErrors(const char* context)
{
    QString text = QString::fromLatin1(context);
    bool first = true;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256] = {};
        ERR_error_string_n(code, buffer, sizeof buffer);
        text += first ? QStringLiteral(": ") : QStringLiteral("; ");
        text += QString::fromLatin1(buffer);
        first = false;
    }
    return text;
}

} // namespace mk::crypto::detail
