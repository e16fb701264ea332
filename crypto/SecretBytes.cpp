#include "crypto/SecretBytes.h"

#include <openssl/crypto.h>

#include <cstring>
#include <utility>

namespace mk::crypto {

SecretBytes::SecretBytes(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return;
    m_data = std::make_unique<char[]>(static_cast<std::size_t>(bytes.size()));
    m_size = bytes.size();
    std::memcpy(m_data.get(), bytes.data(), static_cast<std::size_t>(m_size));
}

SecretBytes::~SecretBytes()
{
    clear();
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : m_data(std::move(other.m_data))
    , m_size(std::exchange(other.m_size, 0))
{
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept
{
    if (this != &other) {
        clear();
        m_data = std::move(other.m_data);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SecretBytes SecretBytes::zeroed(qsizetype size)
{
    SecretBytes result;
    if (size > 0) {
        result.m_data = std::make_unique<char[]>(static_cast<std::size_t>(size)); // value-initialised
        result.m_size = size;
    }
    return result;
}

SecretBytes SecretBytes::fromUtf8(const QString& text)
{
    QByteArray utf8 = text.toUtf8();
    SecretBytes result{QByteArrayView(utf8)};
    if (!utf8.isEmpty())
        OPENSSL_cleanse(utf8.data(), static_cast<std::size_t>(utf8.size()));
    return result;
}

SecretBytes SecretBytes::clone() const
{
    return SecretBytes(view());
}

bool SecretBytes::equals(const SecretBytes& other) const noexcept
{
    if (m_size != other.m_size)
        return false;
    if (m_size == 0)
        return true;
    return CRYPTO_memcmp(m_data.get(), other.m_data.get(), static_cast<std::size_t>(m_size)) == 0;
}

void SecretBytes::clear() noexcept
{
    if (m_data && m_size > 0)
        OPENSSL_cleanse(m_data.get(), static_cast<std::size_t>(m_size));
    m_data.reset();
    m_size = 0;
}

} // namespace mk::crypto
