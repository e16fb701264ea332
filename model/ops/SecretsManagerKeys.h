#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/OperationResult.h"

// The key operations of re-encrypt-data-keys and rotate for the secrets-manager store
// (secret_data_key), appended to the legacy store's result. Nothing to do (Ok) when the database
// has no secret_* tables.
namespace mk::model {

// Re-wraps every secret_data_key with [secrets_manager] encryption_provider (upstream has no such
// operation): unwrap with the key's provider, wrap, unwrap the new bytes back and compare, then
// write provider + encrypted_data, all in one transaction. The key bytes, uid and label do not
// change, so every value stays valid. A key that does not unwrap refuses the whole step (nothing
// written) unless forced; forced, it is left as it is and listed in dataKeyFailures.
[[nodiscard]] Result<void> rewrapGsmDataKeys(const Target& target, const OperationOptions& options,
                                             OperationResult& result);

// rotate: UPDATE secret_data_key SET active=false WHERE active=true (one transaction).
[[nodiscard]] Result<void> deactivateGsmDataKeys(const Target& target, const OperationOptions& options,
                                                 OperationResult& result);

} // namespace mk::model
