// [secrets_manager] and its versioned providers (secrets-manager.md §3.6).

#include "ConfigTestUtil.h"

#include "model/config/ConfigLoader.h"

#include <QTest>

using namespace mk::config;
using mk::config::test::envOf;

namespace {

const QString kIni = QStringLiteral("/opt/grafana/conf/custom.ini");

Result<MosaicooConfig> parse(const QByteArray& text, const QStringList& env = {})
{
    return parseConfig(text, kIni, envOf(env));
}

class TestSecretsManagerConfig : public QObject
{
    Q_OBJECT

private slots:
    void defaultsImplySecretKeyV1()
    {
        const auto cfg = parse("[security]\nsecret_key = abc\n");
        QVERIFY(cfg);
        const SecretsManagerSettings& gsm = cfg->secretsManager;
        QCOMPARE(gsm.encryptionProvider, QStringLiteral("secret_key.v1"));
        QCOMPARE(gsm.providers.size(), 1);
        QVERIFY(gsm.providers.at(0).implied);
        QVERIFY(gsm.providers.at(0).publicDefault);
        QCOMPARE(gsm.providers.at(0).secretKey, QByteArray("SW2YcwTIb9zpOOhoPsMm"));
        QCOMPARE(gsm.dataKeysCacheTtlSeconds, 900);
        QVERIFY(!gsm.sectionPresent);
        QVERIFY(!gsm.midTwentyFiveVariant);
    }

    void versionedProviders()
    {
        const auto cfg = parse("[secrets_manager]\n"
                               "encryption_provider = secret_key.v2\n"
                               "data_keys_cache_ttl = 5m\n"
                               "[secrets_manager.encryption.secret_key.v1]\n"
                               "secret_key = old#key ; comment\n"
                               "[secrets_manager.encryption.secret_key.v2]\n"
                               "secret_key = `new;key`\n");
        QVERIFY(cfg);
        const SecretsManagerSettings& gsm = cfg->secretsManager;
        QCOMPARE(gsm.encryptionProvider, QStringLiteral("secret_key.v2"));
        QCOMPARE(gsm.dataKeysCacheTtlSeconds, 300);
        QVERIFY(gsm.sectionPresent);
        QCOMPARE(gsm.providers.size(), 2);
        QCOMPARE(gsm.provider(QStringLiteral("secret_key.v1"))->secretKey, QByteArray("old"));
        QCOMPARE(gsm.provider(QStringLiteral("secret_key.v2"))->secretKey, QByteArray("new;key"));
        QVERIFY(!gsm.provider(QStringLiteral("secret_key.v1"))->implied);
        QVERIFY(cfg->warnings.isEmpty());
    }

    void environmentOverrides()
    {
        const auto cfg = parse("[secrets_manager]\n"
                               "encryption_provider = secret_key.v1\n"
                               "[secrets_manager.encryption.secret_key.v2]\n"
                               "secret_key = file-key\n",
                               {QStringLiteral("GF_SECRETS_MANAGER_ENCRYPTION_PROVIDER=secret_key.v2"),
                                QStringLiteral("GF_SECRETS_MANAGER_ENCRYPTION_SECRET_KEY_V2_SECRET_KEY=env-key")});
        QVERIFY(cfg);
        const SecretsManagerSettings& gsm = cfg->secretsManager;
        QCOMPARE(gsm.encryptionProvider, QStringLiteral("secret_key.v2"));
        const SecretsManagerProvider* v2 = gsm.provider(QStringLiteral("secret_key.v2"));
        QVERIFY(v2);
        QCOMPARE(v2->secretKey, QByteArray("env-key"));
        QVERIFY(v2->secretKeyFromEnv);
        QVERIFY(cfg->appliedEnvOverrides.contains(
            QStringLiteral("GF_SECRETS_MANAGER_ENCRYPTION_SECRET_KEY_V2_SECRET_KEY")));
        // secret_key.v1 is still implied (defaults.ini).
        QVERIFY(gsm.provider(QStringLiteral("secret_key.v1"))->implied);
    }

    void missingCurrentProviderIsReported()
    {
        const auto cfg = parse("[secrets_manager]\nencryption_provider = secret_key.v3\n"
                               "[secrets_manager.encryption.secret_key.v2]\nsecret_key =\n");
        QVERIFY(cfg);
        QCOMPARE(cfg->secretsManager.encryptionProvider, QStringLiteral("secret_key.v3"));
        QVERIFY(!cfg->secretsManager.provider(QStringLiteral("secret_key.v3")));
        QVERIFY(cfg->secretsManager.provider(QStringLiteral("secret_key.v2"))->secretKey.isEmpty());
        QCOMPARE(cfg->warnings.size(), 2); // v2 without secret_key, v3 without section
        QVERIFY(cfg->warnings.join(QLatin1Char('\n')).contains(QLatin1String("secret_key.v3")));
        QVERIFY(!cfg->warnings.join(QLatin1Char('\n')).contains(QLatin1String("file-key")));
    }

    void midTwentyFiveVariant()
    {
        const auto cfg = parse("[secrets_manager]\nsecret_key = early-kek\n");
        QVERIFY(cfg);
        const SecretsManagerSettings& gsm = cfg->secretsManager;
        QVERIFY(gsm.midTwentyFiveVariant);
        const SecretsManagerProvider* old = gsm.provider(QStringLiteral("secretKey.v1"));
        QVERIFY(old);
        QCOMPARE(old->secretKey, QByteArray("early-kek"));
        QVERIFY(cfg->warnings.join(QLatin1Char('\n')).contains(QLatin1String("mid-2025")));
        QVERIFY(!cfg->warnings.join(QLatin1Char('\n')).contains(QLatin1String("early-kek")));
    }
};

} // namespace

namespace mk::config::test {
QObject* makeSecretsManagerConfigTest()
{
    return new TestSecretsManagerConfig;
}
} // namespace mk::config::test

#include "TestSecretsManagerConfig.moc"
