#include "ConfigTestUtil.h"

#include "model/config/IniFile.h"
#include "tests/support/TestData.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using mk::config::ErrorCode;
using mk::config::IniFile;

namespace {

class TestIniFile : public QObject
{
    Q_OBJECT

private slots:
    void values_data();
    void values();
    void errors_data();
    void errors();
    void errorDetailsNeverHoldValues();
    void sectionsAndKeys();
    void caseInsensitiveLookupPrefersExact();
    void childSectionInheritance();
    void mergeSkipsEmptyValues();
    void loadMissingAndDirectory();
    void binaryGarbageNeverCrashes();
    void fixtureDatabaseAsIni();
};

void TestIniFile::values_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("section");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("expected");

    const QString s = QStringLiteral("s");
    const QString k = QStringLiteral("k");
    const QByteArray hashKey = mk::test::kCustomSecretKey;

    QTest::newRow("equals") << QByteArray("[s]\nk = v\n") << s << k << QByteArray("v");
    QTest::newRow("colon") << QByteArray("[s]\nk: v\n") << s << k << QByteArray("v");
    QTest::newRow("first delimiter wins") << QByteArray("[s]\nk = a:b=c\n") << s << k << QByteArray("a:b=c");
    QTest::newRow("url value") << QByteArray("[s]\nk = postgres://u:p@h:5432/d?sslmode=require\n") << s << k
                               << QByteArray("postgres://u:p@h:5432/d?sslmode=require");
    QTest::newRow("whitespace trimmed") << QByteArray("[s]\n   k   =   v w  \t\n") << s << k << QByteArray("v w");
    QTest::newRow("crlf") << QByteArray("[s]\r\nk = v\r\n") << s << k << QByteArray("v");
    QTest::newRow("no final newline") << QByteArray("[s]\nk = v") << s << k << QByteArray("v");
    QTest::newRow("empty value") << QByteArray("[s]\nk =\n") << s << k << QByteArray("");
    QTest::newRow("inline hash") << QByteArray("[s]\nk = abc # comment\n") << s << k << QByteArray("abc");
    QTest::newRow("inline semicolon") << QByteArray("[s]\nk = abc;comment\n") << s << k << QByteArray("abc");
    QTest::newRow("unquoted custom key cut at #") << (QByteArray("[s]\nk = ") + hashKey + "\n") << s << k
                                                  << QByteArray("k3y-with");
    QTest::newRow("value only comment") << QByteArray("[s]\nk = # nothing\n") << s << k << QByteArray("");
    QTest::newRow("backticks keep # and ;") << (QByteArray("[s]\nk = `") + hashKey + "`\n") << s << k << hashKey;
    QTest::newRow("backticks then comment") << QByteArray("[s]\nk = `a#b` # c\n") << s << k << QByteArray("a#b");
    QTest::newRow("backticks keep spaces") << QByteArray("[s]\nk = `  a  `\n") << s << k << QByteArray("  a  ");
    QTest::newRow("backticks last index") << QByteArray("[s]\nk = `a`b`\n") << s << k << QByteArray("a`b");
    QTest::newRow("triple quotes keep # and ;") << (QByteArray("[s]\nk = \"\"\"") + hashKey + "\"\"\"\n") << s
                                                << k << hashKey;
    QTest::newRow("triple quotes last index") << QByteArray("[s]\nk = \"\"\"a\"\"\"b\"\"\"\n") << s << k
                                              << QByteArray("a\"\"\"b");
    QTest::newRow("triple multi-line") << QByteArray("[s]\nk = \"\"\"line1 #x\nline2;y\"\"\"\nz = 1\n") << s
                                       << k << QByteArray("line1 #x\nline2;y");
    QTest::newRow("triple multi-line keeps indentation") << QByteArray("[s]\nk = \"\"\"a\n  b\n\"\"\"\n") << s
                                                         << k << QByteArray("a\n  b\n");
    QTest::newRow("backtick multi-line") << QByteArray("[s]\nk = `a\nb;c\n`\n") << s << k
                                         << QByteArray("a\nb;c\n");
    QTest::newRow("double quotes removed") << QByteArray("[s]\nk = \"abc\"\n") << s << k << QByteArray("abc");
    QTest::newRow("single quotes removed") << QByteArray("[s]\nk = 'abc'\n") << s << k << QByteArray("abc");
    QTest::newRow("empty double quotes") << QByteArray("[s]\nk = \"\"\n") << s << k << QByteArray("");
    QTest::newRow("double quotes do not protect #")
        << (QByteArray("[s]\nk = \"") + hashKey + "\"\n") << s << k << QByteArray("\"k3y-with");
    QTest::newRow("inner quote keeps quotes") << QByteArray("[s]\nk = \"a\"b\"\n") << s << k
                                              << QByteArray("\"a\"b\"");
    QTest::newRow("quotes after comment cut") << QByteArray("[s]\nk = \"ab\" # c\n") << s << k << QByteArray("ab");
    QTest::newRow("continuation") << QByteArray("[s]\nk = abc\\\n   def\nz = 1\n") << s << k
                                  << QByteArray("abcdef");
    QTest::newRow("continuation keeps #") << QByteArray("[s]\nk = a#b\\\nc\n") << s << k << QByteArray("a#bc");
    QTest::newRow("continuation stops at blank") << QByteArray("[s]\nk = abc\\\n\nz = 1\n") << s << k
                                                 << QByteArray("abc");
    QTest::newRow("default section") << QByteArray("k = v\n[s]\nk = w\n") << IniFile::defaultSectionName()
                                     << k << QByteArray("v");
    QTest::newRow("later duplicate wins") << QByteArray("[s]\nk = 1\nk = 2\n") << s << k << QByteArray("2");
    QTest::newRow("reopened section") << QByteArray("[s]\nk = 1\n[t]\nk = x\n[s]\nk = 2\n") << s << k
                                      << QByteArray("2");
    QTest::newRow("comment lines") << QByteArray("[s]\n# k = x\n  ; k = y\nk = z\n") << s << k << QByteArray("z");
    QTest::newRow("backtick key") << QByteArray("[s]\n`a=b` = c\n") << s << QStringLiteral("a=b")
                                  << QByteArray("c");
    QTest::newRow("double-quoted key") << QByteArray("[s]\n\"a:b\": c\n") << s << QStringLiteral("a:b")
                                       << QByteArray("c");
    QTest::newRow("auto increment keys") << QByteArray("[s]\n- = a\n- = b\n") << s << QStringLiteral("#2")
                                         << QByteArray("b");
    QTest::newRow("section name up to last ]") << QByteArray("[a]b] ; c\nk = v\n") << QStringLiteral("a]b")
                                               << k << QByteArray("v");
    QTest::newRow("utf8 bom") << QByteArray("\xEF\xBB\xBF[s]\nk = v\n") << s << k << QByteArray("v");
    QTest::newRow("nbsp trimmed") << QByteArray("[s]\nk = \xC2\xA0v\xC2\xA0\n") << s << k << QByteArray("v");
    QTest::newRow("utf8 value") << QByteArray("[s]\nk = s\xC3\xA9same\n") << s << k << QByteArray("s\xC3\xA9same");
}

void TestIniFile::values()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, section);
    QFETCH(QString, key);
    QFETCH(QByteArray, expected);
    const auto ini = IniFile::parse(text);
    QVERIFY2(ini.has_value(), qPrintable(ini ? QString() : ini.error().detail));
    const auto hit = ini->find(section, key);
    QVERIFY(hit.has_value());
    QCOMPARE(hit->value, expected);
}

void TestIniFile::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");

    QTest::newRow("unterminated triple quote") << QByteArray("[s]\nk = \"\"\"abc\nmore\n") << 2;
    QTest::newRow("unterminated triple at eof") << QByteArray("[s]\nk = \"\"\"abc") << 2;
    QTest::newRow("unterminated backtick") << QByteArray("[s]\nk = `abc\n\n") << 2;
    QTest::newRow("missing ]") << QByteArray("[security\nk = v\n") << 1;
    QTest::newRow("empty section name") << QByteArray("[]\nk = v\n") << 1;
    QTest::newRow("no delimiter") << QByteArray("[s]\njustakey\n") << 2;
    QTest::newRow("empty key") << QByteArray("[s]\n = v\n") << 2;
    QTest::newRow("unclosed key quote") << QByteArray("[s]\n`abc = v\n") << 2;
    QTest::newRow("quoted key without delimiter") << QByteArray("[s]\n`abc` v\n") << 2;
}

void TestIniFile::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    const auto ini = IniFile::parse(text);
    QVERIFY(!ini.has_value());
    QCOMPARE(ini.error().code, ErrorCode::Syntax);
    QVERIFY2(ini.error().detail.startsWith(QStringLiteral("line %1:").arg(line)),
             qPrintable(ini.error().detail));
}

void TestIniFile::errorDetailsNeverHoldValues()
{
    for (const QByteArray& text : {QByteArray("[security]\nsecret_key = \"\"\"topsecret\n"),
                                   QByteArray("[security]\ntopsecret\n"),
                                   QByteArray("[topsecret\n")}) {
        const auto ini = IniFile::parse(text);
        QVERIFY(!ini.has_value());
        QVERIFY(!ini.error().detail.contains(QStringLiteral("topsecret")));
    }
}

void TestIniFile::sectionsAndKeys()
{
    const auto ini = IniFile::parse("a = 1\n[x]\n[y.z]\nk = v\n[x]\nm = n\n");
    QVERIFY(ini.has_value());
    QCOMPARE(ini->sectionNames(),
             (QStringList{IniFile::defaultSectionName(), QStringLiteral("x"), QStringLiteral("y.z")}));
    QCOMPARE(ini->section(QStringLiteral("x"))->entries.size(), 1);
    QCOMPARE(ini->value(QStringLiteral("x"), QStringLiteral("m")), QStringLiteral("n"));
    QCOMPARE(ini->value(QStringLiteral("x"), QStringLiteral("absent"), QStringLiteral("fb")),
             QStringLiteral("fb"));
    QVERIFY(!ini->find(QStringLiteral("nope"), QStringLiteral("k")).has_value());
}

void TestIniFile::caseInsensitiveLookupPrefersExact()
{
    const auto ini = IniFile::parse("[Security]\nSecret_Key = upper\n[security]\nsecret_key = lower\n");
    QVERIFY(ini.has_value());
    auto hit = ini->find(QStringLiteral("security"), QStringLiteral("secret_key"));
    QVERIFY(hit && hit->exactCase);
    QCOMPARE(hit->value, QByteArray("lower"));

    const auto only = IniFile::parse("[Security]\nSecret_Key = upper\n");
    hit = only->find(QStringLiteral("security"), QStringLiteral("secret_key"));
    QVERIFY(hit && !hit->exactCase);
    QCOMPARE(hit->value, QByteArray("upper"));
    QCOMPARE(hit->section, QStringLiteral("Security"));
}

void TestIniFile::childSectionInheritance()
{
    const auto ini = IniFile::parse("[a]\nk = parent\n[a.b.c]\nother = 1\n");
    QVERIFY(ini.has_value());
    QCOMPARE(ini->rawValue(QStringLiteral("a.b.c"), QStringLiteral("k")), QByteArray("parent"));
    QCOMPARE(ini->rawValue(QStringLiteral("a.b"), QStringLiteral("k")), QByteArray("parent"));
    QVERIFY(!ini->find(QStringLiteral("b"), QStringLiteral("k")));
}

void TestIniFile::mergeSkipsEmptyValues()
{
    auto base = IniFile::parse("[security]\nsecret_key = base\nalgo = x\n");
    const auto overlay = IniFile::parse("[security]\nsecret_key =\nalgo = y\nnew = z\n[extra]\n");
    QVERIFY(base && overlay);
    base->mergeNonEmpty(*overlay);
    QCOMPARE(base->rawValue(QStringLiteral("security"), QStringLiteral("secret_key")), QByteArray("base"));
    QCOMPARE(base->rawValue(QStringLiteral("security"), QStringLiteral("algo")), QByteArray("y"));
    QCOMPARE(base->rawValue(QStringLiteral("security"), QStringLiteral("new")), QByteArray("z"));
    QVERIFY(base->section(QStringLiteral("extra")));
}

void TestIniFile::loadMissingAndDirectory()
{
    QTemporaryDir dir;
    auto r = IniFile::load(dir.filePath(QStringLiteral("missing.ini")));
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::FileNotFound);
    r = IniFile::load(dir.path());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Unreadable);
    const QString bad = mk::config::test::writeFile(dir.filePath(QStringLiteral("bad.ini")), "[s\n");
    r = IniFile::load(bad);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Syntax);
    QVERIFY(r.error().detail.contains(bad));
}

void TestIniFile::binaryGarbageNeverCrashes()
{
    QRandomGenerator rng(20240501);
    int ok = 0;
    for (int i = 0; i < 3000; ++i) {
        QByteArray data(static_cast<qsizetype>(rng.bounded(1, 400)), '\0');
        for (auto& c : data)
            c = static_cast<char>(rng.bounded(256));
        // Bias some runs towards the interesting bytes.
        static const QByteArray alphabet("[]=:#;`\"'\\\n\r \t-$_{}ab");
        if (i % 3 == 0) {
            for (auto& c : data)
                c = alphabet.at(rng.bounded(static_cast<int>(alphabet.size())));
        }
        const auto r = IniFile::parse(data);
        if (r)
            ++ok;
        else
            QCOMPARE(r.error().code, ErrorCode::Syntax);
    }
    QVERIFY(ok >= 0);
}

void TestIniFile::fixtureDatabaseAsIni()
{
    const QString db = QDir(mk::test::syntheticFixturesDir()).filePath(QStringLiteral("custom-key.db"));
    if (!QFileInfo::exists(db))
        QSKIP("custom-key.db fixture not available");
    QFile f(db);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto r = IniFile::parse(f.read(256 * 1024));
    if (!r)
        QCOMPARE(r.error().code, ErrorCode::Syntax);
}

} // namespace

QObject* mk::config::test::makeIniFileTest()
{
    return new TestIniFile;
}

#include "TestIniFile.moc"
