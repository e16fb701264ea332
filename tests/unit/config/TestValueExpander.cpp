#include "ConfigTestUtil.h"

#include "model/config/ValueExpander.h"

#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using mk::config::ErrorCode;
using mk::config::ValueExpander;
using mk::config::test::envOf;
using mk::config::test::writeFile;

namespace {

class TestValueExpander : public QObject
{
    Q_OBJECT

private slots:
    void env_data();
    void env();
    void file();
    void fileMissing();
    void noNesting();
    void unsupportedExpanderNamesTheKey();
    void hostnameFallback();
};

void TestValueExpander::env_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("$__env") << QByteArray("$__env{FOO}") << QByteArray("bar");
    QTest::newRow("${}") << QByteArray("${FOO}") << QByteArray("bar");
    QTest::newRow("bare $NAME untouched") << QByteArray("$FOO") << QByteArray("$FOO");
    QTest::newRow("unset is empty") << QByteArray("a$__env{UNSET}b") << QByteArray("ab");
    QTest::newRow("embedded") << QByteArray("pre-$__env{FOO}-post") << QByteArray("pre-bar-post");
    QTest::newRow("two") << QByteArray("$__env{FOO}:${HASH}") << QByteArray("bar:k3y-with#hash;and spaces");
    QTest::newRow("same twice") << QByteArray("${FOO}${FOO}") << QByteArray("barbar");
    QTest::newRow("empty braces literal") << QByteArray("${}") << QByteArray("${}");
    QTest::newRow("no closing brace") << QByteArray("$__env{FOO") << QByteArray("$__env{FOO");
    QTest::newRow("dollar alone") << QByteArray("a$b$") << QByteArray("a$b$");
    QTest::newRow("no expansion") << QByteArray("plain") << QByteArray("plain");
}

void TestValueExpander::env()
{
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, expected);
    const ValueExpander ex(envOf({QStringLiteral("FOO=bar"), QStringLiteral("HASH=k3y-with#hash;and spaces")}));
    const auto r = ex.expand(value, QStringLiteral("s.k"));
    QVERIFY(r.has_value());
    QCOMPARE(*r, expected);
}

void TestValueExpander::file()
{
    QTemporaryDir dir;
    const QString path = writeFile(dir.filePath(QStringLiteral("key.txt")), "  k3y-with#hash;and spaces \n\n");
    const ValueExpander ex(envOf({QStringLiteral("KEYFILE=") + path}));
    auto r = ex.expand("$__file{" + path.toUtf8() + "}", QStringLiteral("security.secret_key"));
    QVERIFY(r.has_value());
    QCOMPARE(*r, QByteArray("k3y-with#hash;and spaces")); // strings.TrimSpace: both ends
    // env runs first, so an env value may itself be a $__file{} reference.
    const ValueExpander viaEnv(envOf({QStringLiteral("REF=$__file{") + path + QLatin1Char('}')}));
    r = viaEnv.expand("${REF}", QStringLiteral("s.k"));
    QVERIFY(r.has_value());
    QCOMPARE(*r, QByteArray("k3y-with#hash;and spaces"));
}

void TestValueExpander::fileMissing()
{
    const ValueExpander ex{QProcessEnvironment()};
    const auto r = ex.expand("$__file{/nonexistent/mk-config-test}", QStringLiteral("security.secret_key"));
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::ExpansionFailed);
    QVERIFY(r.error().detail.contains(QStringLiteral("security.secret_key")));
}

void TestValueExpander::noNesting()
{
    // Go's `[^}]+` stops at the first '}': the file expander sees the path "${DIR".
    const ValueExpander ex(envOf({QStringLiteral("DIR=/tmp")}));
    const auto r = ex.expand("$__file{${DIR}/key}", QStringLiteral("s.k"));
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::ExpansionFailed);
}

void TestValueExpander::unsupportedExpanderNamesTheKey()
{
    const ValueExpander ex{QProcessEnvironment()};
    const auto r = ex.expand("$__vault{kv:secret/grafana:key}", QStringLiteral("security.secret_key"));
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::BadValue);
    QVERIFY(r.error().detail.contains(QStringLiteral("security.secret_key")));
    QVERIFY(r.error().detail.contains(QStringLiteral("__vault")));
    QVERIFY(!r.error().detail.contains(QStringLiteral("kv:secret")));
}

void TestValueExpander::hostnameFallback()
{
    const ValueExpander ex{QProcessEnvironment()};
    const auto r = ex.expand("$__env{HOSTNAME}", QStringLiteral("s.k"));
    QVERIFY(r.has_value());
    QCOMPARE(*r, QSysInfo::machineHostName().toUtf8());
}

} // namespace

QObject* mk::config::test::makeValueExpanderTest()
{
    return new TestValueExpander;
}

#include "TestValueExpander.moc"
