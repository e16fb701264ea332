#pragma once

#include "model/ops/FailureReason.h"
#include "model/ops/ValueRecord.h"

#include <QByteArray>
#include <QString>

#include <expected>

namespace mk::store {
struct SecretLocation;
}

namespace mk::model {

class KeyRing;

struct DecryptFailure
{
    FailureReason reason = FailureReason::Other;
    QString detail;
};

// What a decrypted plaintext says about the key that decrypted it (product.md §3 rule 2). AES-CFB
// has no integrity check: a wrong key yields random bytes of the right length, and only the bytes
// can tell. AES-GCM tags decide by themselves.
enum class Plausibility
{
    Plausible,    // can be this location's secret
    Implausible,  // cannot: not UTF-8 text, control characters, not the JSON this location holds
    Unverifiable, // a legacy AES-CFB text too short to tell from random bytes under a wrong key
};

struct PlaintextJudgement
{
    Plausibility verdict = Plausibility::Plausible;
    QString detail; // why, for people (never the plaintext)
};

// Random bytes pass as text with a probability that falls with their length (printable ASCII: about
// 37% a byte): a legacy CFB value must be this long (printable ASCII) to count as proof of its key.
// Non-ASCII texts need kMinVerifiableText bytes. Under a wrong key, a value passes as a 6-byte ASCII
// text with a chance of 1 in 380, and as a 10-byte text of 1 in 2,900.
inline constexpr int kMinVerifiableAscii = 6;
inline constexpr int kMinVerifiableText = 10;

// The judgement of one plaintext of `format` at `location`:
// * every text location: valid UTF-8 without control characters (tab, CR and LF allowed);
// * a JSON object or array (secrets.value, snapshots) or `null` proves the key at any length;
// * cache_data holds binary gob items: always plausible (it is never rewritten);
// * legacy AES-CFB values shorter than the limits above are Unverifiable (envelope values are
//   vouched for by their data key, which the preflight judges on verifiable values; GCM values by
//   their tag; an empty plaintext decrypts the same under any key).
PlaintextJudgement judgePlaintext(const store::SecretLocation& location, ValueFormat format, QByteArrayView plaintext);

enum class UnverifiablePolicy
{
    Fail,   // an Unverifiable plaintext is a DecryptFailure (the operations, unless opted in)
    Accept, // returned like a plausible one (verify counts it apart; an explicit decrypt)
};

// Decrypts one value (envelope or legacy) and judges the plaintext (judgePlaintext).
// Thread-safe; the returned plaintext must never be logged or stored.
[[nodiscard]] std::expected<QByteArray, DecryptFailure> decryptValue(const ValueRecord& record,
                                                                     const KeyRing& ring,
                                                                     UnverifiablePolicy policy = UnverifiablePolicy::Fail);

// The failure for a plaintext judged Implausible, or Unverifiable under UnverifiablePolicy::Fail
// (nullopt: the plaintext is fine). Wipes the plaintext when it fails.
std::optional<DecryptFailure> failureForPlaintext(const ValueRecord& record,
                                                  QByteArray& plaintext,
                                                  UnverifiablePolicy policy);

// Maps a crypto error code onto a failure reason.
FailureReason reasonForCryptoError(int cryptoErrorCode);

// Overwrites the bytes of a plaintext buffer before it is released.
void wipe(QByteArray& buffer);

} // namespace mk::model
