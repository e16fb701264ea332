#pragma once

#include "model/ModelError.h"

#include <QString>

namespace mk::model {

struct DemoSummary
{
    int values = 0;
    int dataKeys = 0;
};

// Creates a self-contained demo SQLite database (Grafana 11.5 schema) encrypted with the public
// default secret key: data sources, OAuth tokens, alerting contact points, a signing key, an SSO
// setting and a snapshot, in every format of formats.md (legacy ≤ 9.1, legacy prefixed, legacy
// GCM, envelope under the active and a rotated data key), one unused data key, plus two values an
// administrator should notice: an orphaned data-key reference and a tampered AES-GCM value.
// Every plaintext is invented. Refuses to overwrite an existing file.
[[nodiscard]] Result<DemoSummary> createDemoDatabase(const QString& path);

} // namespace mk::model
