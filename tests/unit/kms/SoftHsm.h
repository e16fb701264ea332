#pragma once

#include "crypto/Pkcs11Provider.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace mk::test {

// A private SoftHSM2 installation for one test process: a temporary token directory, a
// softhsm2.conf pointing at it (exported as SOFTHSM2_CONF, so call setUp() before the module is
// first loaded) and tokens initialised with softhsm2-util. PKCS#11 modules stay loaded for the life
// of the process, so every token must exist before the first provider connects.
class SoftHsm
{
public:
    static constexpr const char* kModule = "/usr/lib/softhsm/libsofthsm2.so";
    static constexpr const char* kPin = "1234";
    static constexpr const char* kSoPin = "5678";

    // Creates the directory, the config and one token per label (user PIN kPin). False + error
    // when softhsm2 is not installed or softhsm2-util fails.
    bool setUp(const QStringList& tokenLabels, QString* error);

    QString directory() const { return m_dir ? m_dir->path() : QString(); }
    QString configFile() const;

    // Settings of provider `providerId` for a key in a token (module: SoftHSM2 unless given).
    static crypto::Pkcs11Settings settings(const QString& providerId,
        const QString& tokenLabel,
        const QString& keyLabel,
        const QString& pin = QString::fromLatin1(kPin),
        const QString& module = QString::fromLatin1(kModule));

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

} // namespace mk::test
