#pragma once

#include "crypto/CryptoError.h"

namespace mk::crypto {

// Known-answer self-test (formats.md §1.11 + one aes-gcm vector): PBKDF2 (both implementations),
// CFB encrypt/decrypt, GCM seal/open and tamper detection, data-key unwrap, envelope decrypt.
// Takes a few tens of milliseconds. The applications refuse to start when it fails.
[[nodiscard]] Result<void> selfTest();

} // namespace mk::crypto
