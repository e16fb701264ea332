#pragma once

#include <QString>

#include <optional>

namespace mk::model {

// Why a value could not be decrypted (or re-encrypted). Fine-grained: the product's reason names
// (product.md §4) and the fixture failure classes (fixtures/README.md §4) are both derived from it.
enum class FailureReason
{
    MissingDataKey,       // envelope names a data key id that is not in data_keys
    DataKeyUnwrapFailed,  // data key present but does not unwrap
    ProviderUnavailable,  // data key needs a KEK provider that is not configured
    BadBase64,            // stored text / key id / algorithm name is not valid base64
    BadJson,              // JSON container cannot be parsed or holds a non-string secret
    BadEnvelope,          // '#' without closing '#', empty key id
    Truncated,            // shorter than the algorithm's fixed header
    EmptyPayload,         // decodes to zero bytes
    UnsupportedAlgorithm, // prefix names an unknown algorithm
    AuthenticationFailed, // GCM tag mismatch
    ImplausiblePlaintext, // CFB output that cannot be a secret of this location (wrong key)
    Unverifiable,         // legacy CFB output too short to prove its key: left alone unless opted in
    Conflict,             // the row changed under an operation (a live writer); re-read next run
    RowGone,              // restore: the backup names a row (or location) this database does not have
    OwnerMismatch,        // restore: the row belongs to another owner here than in the backup
    Other,
};

// product.md §4 reason string, e.g. "missing-data-key", "bad-encoding", "implausible-plaintext".
QString reasonName(FailureReason reason);
// fixtures/README.md §4 class, e.g. "missing_data_key", "bad_base64", "wrong_key".
QString fixtureClass(FailureReason reason);
// One English sentence for people (CLI stderr, GUI tooltips).
QString reasonDescription(FailureReason reason);
std::optional<FailureReason> reasonFromName(const QString& name);

} // namespace mk::model
