#pragma once

#include <QByteArrayView>
#include <QString>

namespace mk::model {

// A short fingerprint of a secret key so that two hosts' configurations can be compared without
// showing the key: the first 8 bytes (16 hex digits) of PBKDF2-HMAC-SHA256 over the key with a
// fixed, product-specific salt and Grafana's 10,000 iterations. Testing a guess costs a full
// PBKDF2, as much as against a stored value; the key itself is never part of the output.
QString keyFingerprint(QByteArrayView secretKey);

} // namespace mk::model
