#include "model/ops/FailureReason.h"

#include <array>

namespace mk::model {

namespace {

struct ReasonNames
{
    FailureReason reason;
    const char* product;
    const char* fixture;
    const char* description;
};

constexpr std::array kReasons{
    ReasonNames{FailureReason::MissingDataKey, "missing-data-key", "missing_data_key",
                "the data key this value names is not in data_keys"},
    ReasonNames{FailureReason::DataKeyUnwrapFailed, "data-key-unwrap-failed", "data_key_error",
                "its data key cannot be unwrapped with the configured key-encryption key"},
    ReasonNames{FailureReason::ProviderUnavailable, "provider-unavailable", "data_key_error",
                "its data key needs a key-encryption provider that is not configured"},
    ReasonNames{FailureReason::BadBase64, "bad-encoding", "bad_base64",
                "the stored text is not valid base64 for this location"},
    ReasonNames{FailureReason::BadJson, "bad-encoding", "bad_json",
                "the JSON container cannot be parsed or holds a non-string secret"},
    ReasonNames{FailureReason::BadEnvelope, "bad-payload", "bad_envelope",
                "the envelope header has no closing '#' or an empty key id"},
    ReasonNames{FailureReason::Truncated, "bad-payload", "truncated",
                "the payload is shorter than its algorithm's fixed header"},
    ReasonNames{FailureReason::EmptyPayload, "bad-payload", "empty_payload",
                "the payload decodes to zero bytes"},
    ReasonNames{FailureReason::UnsupportedAlgorithm, "unsupported-algorithm", "unknown_algorithm",
                "the algorithm prefix names an unsupported algorithm"},
    ReasonNames{FailureReason::AuthenticationFailed, "authentication-failed", "auth_failed",
                "AES-GCM authentication failed: tampered value or wrong key"},
    ReasonNames{FailureReason::ImplausiblePlaintext, "implausible-plaintext", "wrong_key",
                "decrypts to bytes that cannot be this secret: the secret key or data key is "
                "probably wrong"},
    ReasonNames{FailureReason::Unverifiable, "unverifiable", "unverifiable",
                "decrypts to a text too short to prove that this secret key encrypted it (AES-CFB "
                "has no integrity check); left as it is unless unverifiable values are included"},
    ReasonNames{FailureReason::Conflict, "conflict", "other",
                "the row changed while the operation ran; run it again to finish"},
    ReasonNames{FailureReason::RowGone, "row-gone", "other",
                "the backup names a row this database does not have; nothing was written to it"},
    ReasonNames{FailureReason::OwnerMismatch, "owner-mismatch", "other",
                "the row belongs to another owner here than in the backup; nothing was written to it"},
    ReasonNames{FailureReason::Other, "other", "other", "unexpected error"},
};

const ReasonNames& namesOf(FailureReason reason)
{
    for (const ReasonNames& n : kReasons) {
        if (n.reason == reason)
            return n;
    }
    return kReasons.back();
}

} // namespace

QString reasonName(FailureReason reason)
{
    return QString::fromLatin1(namesOf(reason).product);
}

QString fixtureClass(FailureReason reason)
{
    return QString::fromLatin1(namesOf(reason).fixture);
}

QString reasonDescription(FailureReason reason)
{
    return QString::fromLatin1(namesOf(reason).description);
}

std::optional<FailureReason> reasonFromName(const QString& name)
{
    for (const ReasonNames& n : kReasons) {
        if (name == QLatin1String(n.product))
            return n.reason;
    }
    return std::nullopt;
}

} // namespace mk::model
