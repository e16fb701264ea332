#include "crypto/AesCipher.h"

#include "crypto/Algorithm.h"
#include "crypto/OpenSslErrors.h"
#include "crypto/OpenSslThread.h"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <memory>

namespace mk::crypto::aes {

namespace {

struct CipherCtxDeleter
{
    void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

CipherCtxPtr newCipherCtx()
{
    detail::releaseOpenSslStateAtThreadExit();
    return CipherCtxPtr(EVP_CIPHER_CTX_new());
}

constexpr qsizetype kKeySize = 32;
constexpr int kChunk = 1 << 30; // EVP lengths are int

const unsigned char* bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char*>(view.data());
}

unsigned char* bytes(QByteArray& array)
{
    return reinterpret_cast<unsigned char*>(array.data());
}

std::unexpected<Error> opensslFailure(const char* context)
{
    return fail(ErrorCode::Internal, detail::takeOpenSslErrors(context));
}

Result<void> checkKey(QByteArrayView key, QByteArrayView iv, qsizetype ivLength)
{
    if (key.size() != kKeySize)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("AES-256 key must be 32 bytes"));
    if (iv.size() != ivLength)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("IV/nonce must be %1 bytes, got %2").arg(ivLength).arg(iv.size()));
    return {};
}

// Runs EVP_CipherUpdate over `input` in int-sized chunks, writing to `out` (same length).
bool update(EVP_CIPHER_CTX* ctx, QByteArrayView input, QByteArray& out)
{
    qsizetype done = 0;
    while (done < input.size()) {
        const int chunk = static_cast<int>(std::min<qsizetype>(kChunk, input.size() - done));
        int written = 0;
        if (EVP_CipherUpdate(ctx, bytes(out) + done, &written, bytes(input) + done, chunk) != 1
            || written != chunk)
            return false;
        done += chunk;
    }
    return true;
}

Result<QByteArray> cfb(QByteArrayView key, QByteArrayView iv, QByteArrayView input, int encrypt)
{
    if (auto ok = checkKey(key, iv, kCfbIvSize); !ok)
        return std::unexpected(ok.error());
    CipherCtxPtr ctx = newCipherCtx();
    if (!ctx)
        return opensslFailure("EVP_CIPHER_CTX_new");
    if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cfb128(), nullptr, bytes(key), bytes(iv), encrypt) != 1)
        return opensslFailure("EVP_CipherInit_ex(aes-256-cfb128)");
    QByteArray out(input.size(), Qt::Uninitialized);
    if (!update(ctx.get(), input, out))
        return opensslFailure("EVP_CipherUpdate(aes-256-cfb128)");
    int finalLength = 0;
    unsigned char scratch[32];
    if (EVP_CipherFinal_ex(ctx.get(), scratch, &finalLength) != 1 || finalLength != 0)
        return opensslFailure("EVP_CipherFinal_ex(aes-256-cfb128)");
    return out;
}

} // namespace

Result<QByteArray> cfbEncrypt(QByteArrayView key, QByteArrayView iv, QByteArrayView input)
{
    return cfb(key, iv, input, 1);
}

Result<QByteArray> cfbDecrypt(QByteArrayView key, QByteArrayView iv, QByteArrayView input)
{
    return cfb(key, iv, input, 0);
}

Result<QByteArray> gcmSeal(QByteArrayView key, QByteArrayView nonce, QByteArrayView plaintext)
{
    if (auto ok = checkKey(key, nonce, kGcmNonceSize); !ok)
        return std::unexpected(ok.error());
    CipherCtxPtr ctx = newCipherCtx();
    if (!ctx)
        return opensslFailure("EVP_CIPHER_CTX_new");
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kGcmNonceSize), nullptr) != 1
        || EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce)) != 1)
        return opensslFailure("EVP_EncryptInit_ex(aes-256-gcm)");
    QByteArray out(plaintext.size() + kGcmTagSize, Qt::Uninitialized);
    if (!update(ctx.get(), plaintext, out))
        return opensslFailure("EVP_EncryptUpdate(aes-256-gcm)");
    int finalLength = 0;
    unsigned char scratch[32];
    if (EVP_EncryptFinal_ex(ctx.get(), scratch, &finalLength) != 1 || finalLength != 0)
        return opensslFailure("EVP_EncryptFinal_ex(aes-256-gcm)");
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagSize),
                            bytes(out) + plaintext.size())
        != 1)
        return opensslFailure("EVP_CTRL_GCM_GET_TAG");
    return out;
}

Result<QByteArray> gcmOpen(QByteArrayView key, QByteArrayView nonce, QByteArrayView sealed)
{
    if (auto ok = checkKey(key, nonce, kGcmNonceSize); !ok)
        return std::unexpected(ok.error());
    if (sealed.size() < kGcmTagSize)
        return fail(ErrorCode::Truncated, QStringLiteral("GCM ciphertext shorter than its tag"));
    const QByteArrayView ciphertext = sealed.first(sealed.size() - kGcmTagSize);
    QByteArray tag = sealed.last(kGcmTagSize).toByteArray();

    CipherCtxPtr ctx = newCipherCtx();
    if (!ctx)
        return opensslFailure("EVP_CIPHER_CTX_new");
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kGcmNonceSize), nullptr) != 1
        || EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce)) != 1)
        return opensslFailure("EVP_DecryptInit_ex(aes-256-gcm)");
    QByteArray out(ciphertext.size(), Qt::Uninitialized);
    if (!update(ctx.get(), ciphertext, out))
        return opensslFailure("EVP_DecryptUpdate(aes-256-gcm)");
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagSize), bytes(tag)) != 1)
        return opensslFailure("EVP_CTRL_GCM_SET_TAG");
    int finalLength = 0;
    unsigned char scratch[32];
    if (EVP_DecryptFinal_ex(ctx.get(), scratch, &finalLength) != 1) {
        static_cast<void>(detail::takeOpenSslErrors("gcm")); // clear the queue; a tag mismatch is not an internal error
        out.fill('\0');
        return fail(ErrorCode::AuthenticationFailed, QStringLiteral("cipher: message authentication failed"));
    }
    return out;
}

} // namespace mk::crypto::aes
