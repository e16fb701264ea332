// Fuzz target: the payload codec (inspectPayload/decryptPayload), envelopes (parseEnvelope) and
// both base64 implementations (crypto/Base64 with Go semantics, store/Base64Flavour for cells).
//
// Invariants checked besides "no crash / no sanitizer report":
//  * an accepted payload has a body of at least the algorithm's minimum size;
//  * an accepted envelope round-trips through buildEnvelope;
//  * encode/decode round trips for both encodings, and the crypto and store decoders agree on
//    which texts are valid base64 and what they decode to.

#include "FuzzSupport.h"

#include "crypto/Algorithm.h"
#include "crypto/Base64.h"
#include "crypto/Envelope.h"
#include "crypto/Payload.h"
#include "model/store/Base64Flavour.h"

namespace {

using namespace mk;

void checkBase64(const QByteArray& text)
{
    namespace b64 = crypto::base64;
    const auto std = b64::decodeStd(text);
    const auto raw = b64::decodeRaw(text);
    const auto any = b64::decodeAny(text);
    (void)b64::detectPadding(text);
    (void)b64::shouldPad(text, true);

    const auto padded = store::Base64Flavour::decodePadded(text);
    const auto unpadded = store::Base64Flavour::decodeUnpadded(text);
    MK_FUZZ_CHECK(std.has_value() == padded.has_value());
    MK_FUZZ_CHECK(raw.has_value() == unpadded.has_value());
    if (std)
        MK_FUZZ_CHECK(*std == *padded);
    if (raw)
        MK_FUZZ_CHECK(*raw == *unpadded);
    if (any)
        MK_FUZZ_CHECK(*any == (text.contains('=') ? *std : *raw));

    // Re-encoding a decoded value gives text that decodes to the same bytes.
    if (std)
        MK_FUZZ_CHECK(b64::decodeStd(b64::encodeStd(*std)) == *std);
    if (raw)
        MK_FUZZ_CHECK(b64::decodeRaw(b64::encodeRaw(*raw)) == *raw);

    // Any bytes survive encode -> decode in both flavours and both implementations.
    MK_FUZZ_CHECK(b64::decodeStd(b64::encodeStd(text)) == text);
    MK_FUZZ_CHECK(b64::decodeRaw(b64::encodeRaw(text)) == text);
    MK_FUZZ_CHECK(store::Base64Flavour::decodePadded(store::Base64Flavour::encode(text, true)) == text);
    MK_FUZZ_CHECK(store::Base64Flavour::decodeUnpadded(store::Base64Flavour::encode(text, false)) == text);
}

void checkPayload(const QByteArray& payload, bool decrypt)
{
    const auto info = crypto::inspectPayload(payload);
    if (!info)
        return;
    MK_FUZZ_CHECK(info->bodyOffset >= 0 && info->bodyOffset <= payload.size());
    MK_FUZZ_CHECK(payload.size() - info->bodyOffset >= crypto::minimumBodySize(info->algorithm));
    if (decrypt) {
        // A PBKDF2 per call: only for small inputs, so the exec rate stays useful.
        const auto plain = crypto::decryptPayload(payload, QByteArrayView("SW2YcwTIb9zpOOhoPsMm"));
        if (plain && info->algorithm == crypto::Algorithm::AesCfb)
            MK_FUZZ_CHECK(plain->size() == payload.size() - info->bodyOffset - crypto::kCfbHeaderSize);
    }
}

void checkEnvelope(const QByteArray& payload, bool decrypt)
{
    const auto parts = crypto::parseEnvelope(payload);
    MK_FUZZ_CHECK(parts.has_value() <= crypto::isEnvelope(payload));
    if (!parts)
        return;
    MK_FUZZ_CHECK(!parts->keyId.isEmpty());
    MK_FUZZ_CHECK(parts->innerOffset > 1 && parts->innerOffset <= payload.size());
    const QByteArray inner = payload.sliced(parts->innerOffset);
    const QByteArray rebuilt = crypto::buildEnvelope(parts->keyId, inner);
    const auto again = crypto::parseEnvelope(rebuilt);
    MK_FUZZ_CHECK(again.has_value());
    MK_FUZZ_CHECK(again->keyId == parts->keyId);
    MK_FUZZ_CHECK(rebuilt.sliced(again->innerOffset) == inner);
    checkPayload(inner, decrypt);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray input = mk::fuzz::bytes(data, size);
    // Decrypting costs a PBKDF2 (10000 rounds): do it for 1 input in 16, picked by its length.
    const bool decrypt = size % 16 == 0 && size <= 4096;
    checkPayload(input, decrypt);
    checkEnvelope(input, decrypt);
    checkBase64(input);
    // Cells store payloads base64-encoded: the decoded bytes go through the payload parsers too.
    if (const auto decoded = mk::crypto::base64::decodeAny(input)) {
        checkPayload(*decoded, decrypt);
        checkEnvelope(*decoded, decrypt);
    }
    return 0;
}
