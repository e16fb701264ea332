#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

namespace mk::crypto {

// Move-only owner of secret bytes (keys, data keys, derived keys). The buffer is wiped with
// OPENSSL_cleanse when it is destroyed or overwritten by a move. Copies are explicit (clone()).
class SecretBytes
{
public:
    SecretBytes() noexcept = default;
    explicit SecretBytes(QByteArrayView bytes);
    ~SecretBytes();

    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    // A zero-filled buffer of `size` bytes, to be filled through mutableData().
    [[nodiscard]] static SecretBytes zeroed(qsizetype size);
    [[nodiscard]] static SecretBytes fromUtf8(const QString& text);

    [[nodiscard]] QByteArrayView view() const noexcept { return {m_data.get(), m_size}; }
    [[nodiscard]] const char* data() const noexcept { return m_data.get(); }
    [[nodiscard]] char* mutableData() noexcept { return m_data.get(); }
    [[nodiscard]] qsizetype size() const noexcept { return m_size; }
    [[nodiscard]] bool isEmpty() const noexcept { return m_size == 0; }

    [[nodiscard]] SecretBytes clone() const;
    // Constant-time comparison (CRYPTO_memcmp); sizes are compared first (not secret).
    [[nodiscard]] bool equals(const SecretBytes& other) const noexcept;

    // Wipes and releases the buffer.
    void clear() noexcept;

private:
    std::unique_ptr<char[]> m_data;
    qsizetype m_size = 0;
};

} // namespace mk::crypto
