#include "ConfigTestUtil.h"

#include <QCoreApplication>
#include <QTest>

#include <memory>

// One executable, several QtTest classes: runs each and sums the failures.
int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    using namespace mk::config::test;
    int failures = 0;
    for (auto* make : {&makeIniFileTest, &makeValueExpanderTest, &makeConfigLoaderTest,
                       &makeSecretKeySourceTest, &makeSecretsManagerConfigTest}) {
        std::unique_ptr<QObject> test(make());
        failures += QTest::qExec(test.get(), argc, argv);
    }
    return failures;
}
