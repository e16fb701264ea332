#include "crypto/DataKey.h"

#include "crypto/Algorithm.h"
#include "crypto/OpenSslErrors.h"
#include "crypto/OpenSslThread.h"

#include <openssl/rand.h>

#include <QtGlobal>

#include <algorithm>

namespace mk::crypto {

namespace {

void fillRandom(char* out, qsizetype n)
{
    detail::releaseOpenSslStateAtThreadExit();
    qsizetype done = 0;
    while (done < n) {
        const int chunk = static_cast<int>(std::min<qsizetype>(n - done, 1 << 20));
        if (RAND_bytes(reinterpret_cast<unsigned char*>(out + done), chunk) != 1)
            qFatal("mk::crypto: the CSPRNG failed: %s",
                   qPrintable(detail::takeOpenSslErrors("RAND_bytes")));
        done += chunk;
    }
}

} // namespace

QByteArray randomBytes(int n)
{
    if (n <= 0)
        return {};
    QByteArray out(n, Qt::Uninitialized);
    fillRandom(out.data(), n);
    return out;
}

SecretBytes generateDataKey()
{
    SecretBytes key = SecretBytes::zeroed(kDataKeySize);
    fillRandom(key.mutableData(), key.size());
    return key;
}

QByteArray randomString(int length, QByteArrayView alphabet)
{
    Q_ASSERT(alphabet.size() >= 2 && alphabet.size() <= 256);
    if (length <= 0 || alphabet.size() < 2 || alphabet.size() > 256)
        return {};
    const int symbols = static_cast<int>(alphabet.size());
    const int limit = 256 - 256 % symbols; // bytes >= limit are rejected to avoid modulo bias
    QByteArray out;
    out.reserve(length);
    while (out.size() < length) {
        const QByteArray pool = randomBytes(length * 2);
        for (const char c : pool) {
            const int value = static_cast<unsigned char>(c);
            if (value >= limit)
                continue;
            out.append(alphabet[value % symbols]);
            if (out.size() == length)
                break;
        }
    }
    return out;
}

QByteArray randomSalt()
{
    return randomString(static_cast<int>(kSaltSize),
                        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}

QString generateDataKeyId()
{
    return QString::fromLatin1(
        randomString(static_cast<int>(kDataKeyIdLength), "abcdefghijklmnopqrstuvwxyz0123456789"));
}

} // namespace mk::crypto
