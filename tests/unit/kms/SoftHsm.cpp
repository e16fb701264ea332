#include "tests/unit/kms/SoftHsm.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

namespace mk::test {

QString SoftHsm::configFile() const
{
    return directory() + QStringLiteral("/softhsm2.conf");
}

bool SoftHsm::setUp(const QStringList& tokenLabels, QString* error)
{
    if (!QFileInfo::exists(QString::fromLatin1(kModule))) {
        *error = QStringLiteral("SoftHSM2 is not installed (%1 missing; apt-get install softhsm2)")
                     .arg(QString::fromLatin1(kModule));
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid() || !QDir(m_dir->path()).mkpath(QStringLiteral("tokens"))) {
        *error = QStringLiteral("cannot create a temporary token directory");
        return false;
    }
    QFile conf(configFile());
    if (!conf.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1").arg(configFile());
        return false;
    }
    conf.write(QStringLiteral("directories.tokendir = %1/tokens\nobjectstore.backend = file\n"
                              "log.level = ERROR\nslots.removable = false\n")
                   .arg(m_dir->path())
                   .toUtf8());
    conf.close();
    qputenv("SOFTHSM2_CONF", QFile::encodeName(configFile()));

    for (const QString& label : tokenLabels) {
        QProcess util;
        util.setProcessChannelMode(QProcess::MergedChannels);
        util.start(QStringLiteral("softhsm2-util"),
            {QStringLiteral("--init-token"), QStringLiteral("--free"), QStringLiteral("--label"),
                label, QStringLiteral("--pin"), QString::fromLatin1(kPin),
                QStringLiteral("--so-pin"), QString::fromLatin1(kSoPin)});
        if (!util.waitForFinished(60'000) || util.exitStatus() != QProcess::NormalExit
            || util.exitCode() != 0) {
            *error = QStringLiteral("softhsm2-util --init-token %1 failed: %2")
                         .arg(label, QString::fromLocal8Bit(util.readAll()).trimmed());
            return false;
        }
    }
    return true;
}

crypto::Pkcs11Settings SoftHsm::settings(const QString& providerId,
    const QString& tokenLabel,
    const QString& keyLabel,
    const QString& pin,
    const QString& module)
{
    crypto::Pkcs11Settings s;
    s.providerId = providerId;
    s.modulePath = module;
    s.tokenLabel = tokenLabel;
    s.keyLabel = keyLabel;
    s.pin = crypto::SecretBytes::fromUtf8(pin);
    return s;
}

} // namespace mk::test
