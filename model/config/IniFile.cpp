#include "model/config/IniFile.h"

#include "model/config/FileReader.h"
#include "model/config/GoText.h"


namespace mk::config {

namespace {

using gotext::trimLeft;
using gotext::trimSpace;

qsizetype indexAny(QByteArrayView s, const char* chars)
{
    for (qsizetype i = 0; i < s.size(); ++i)
        for (const char* c = chars; *c; ++c)
            if (s[i] == *c)
                return i;
    return -1;
}

// strings.LastIndex. Not QByteArrayView::lastIndexOf(QByteArrayView): in Qt 6.4 its default
// `from` lets a one-byte needle match the byte just past the end of the view.
qsizetype lastIndex(QByteArrayView s, QByteArrayView needle)
{
    for (qsizetype i = s.size() - needle.size(); i >= 0; --i)
        if (s.sliced(i, needle.size()) == needle)
            return i;
    return -1;
}

// go-ini hasSurroundedQuote: first and last byte are `quote` and it occurs nowhere else.
bool hasSurroundedQuote(QByteArrayView s, char quote)
{
    return s.size() >= 2 && s.front() == quote && s.back() == quote
           && s.sliced(1).indexOf(quote) == s.size() - 2;
}

QString lineDetail(int lineNo, const char* what)
{
    return QStringLiteral("line %1: %2").arg(lineNo).arg(QLatin1String(what));
}

// Byte-level port of go-ini's parser (parser.go, default options). Never puts line contents in
// error details: they may hold secrets.
class Parser
{
public:
    explicit Parser(QByteArrayView data)
        : m_data(data)
    {
    }

    Result<IniFile> run()
    {
        skipBom();
        IniFile file;
        QString section = IniFile::defaultSectionName();
        int autoCount = 1;
        while (!m_eof) {
            QByteArrayView line = trimLeft(readLine());
            if (line.isEmpty())
                continue;
            if (line.front() == '#' || line.front() == ';')
                continue;
            if (line.front() == '[') {
                const qsizetype close = lastIndex(line, "]");
                if (close == -1)
                    return fail(ErrorCode::Syntax, lineDetail(m_lineNo, "unclosed section header"));
                const QByteArrayView name = line.sliced(1, close - 1);
                if (name.isEmpty())
                    return fail(ErrorCode::Syntax, lineDetail(m_lineNo, "empty section name"));
                section = QString::fromUtf8(name);
                file.setValue(section, {}, {}); // create the section (empty key is ignored)
                autoCount = 1;
                continue;
            }

            auto key = readKeyName(line);
            if (!key)
                return std::unexpected(key.error());
            QString keyName = key->first;
            if (keyName == QLatin1String("-"))
                keyName = QStringLiteral("#%1").arg(autoCount++);
            auto value = readValue(line.sliced(key->second));
            if (!value)
                return std::unexpected(value.error());
            if (keyName.isEmpty())
                return fail(ErrorCode::Syntax, lineDetail(m_lineNo, "empty key name"));
            file.setValue(section, keyName, *value);
        }
        return file;
    }

private:
    void skipBom()
    {
        const auto b = [&](qsizetype i) { return static_cast<unsigned char>(m_data[i]); };
        if (m_data.size() >= 2 && ((b(0) == 0xFE && b(1) == 0xFF) || (b(0) == 0xFF && b(1) == 0xFE)))
            m_pos = 2;
        else if (m_data.size() >= 3 && b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF)
            m_pos = 3;
    }

    // bufio.Reader.ReadBytes('\n'): the line including its '\n'; sets m_eof on the last chunk.
    QByteArrayView readLine()
    {
        if (m_eof)
            return {};
        ++m_lineNo;
        const qsizetype nl = m_data.indexOf('\n', m_pos);
        QByteArrayView line;
        if (nl == -1) {
            line = m_data.sliced(m_pos);
            m_pos = m_data.size();
            m_eof = true;
        } else {
            line = m_data.sliced(m_pos, nl + 1 - m_pos);
            m_pos = nl + 1;
        }
        return line;
    }

    // go-ini readKeyName with delimiters "=:". Returns (key, offset of the value).
    Result<std::pair<QString, qsizetype>> readKeyName(QByteArrayView line) const
    {
        QByteArrayView quote;
        if (line.front() == '"')
            quote = (line.size() > 6 && line.startsWith("\"\"\"")) ? QByteArrayView("\"\"\"")
                                                                   : QByteArrayView("\"");
        else if (line.front() == '`')
            quote = QByteArrayView("`");

        if (!quote.isEmpty()) {
            const qsizetype start = quote.size();
            qsizetype pos = line.sliced(start).indexOf(quote);
            if (pos == -1)
                return fail(ErrorCode::Syntax, lineDetail(m_lineNo, "missing closing key quote"));
            pos += start;
            const qsizetype i = indexAny(line.sliced(pos + start), "=:");
            if (i < 0)
                return fail(ErrorCode::Syntax, lineDetail(m_lineNo, "key-value delimiter not found"));
            const qsizetype end = pos + i;
            return std::pair{QString::fromUtf8(trimSpace(line.sliced(start, pos - start))),
                             end + start + 1};
        }
        const qsizetype end = indexAny(line, "=:");
        if (end < 0)
            return fail(ErrorCode::Syntax, lineDetail(m_lineNo, "key-value delimiter not found"));
        return std::pair{QString::fromUtf8(trimSpace(line.first(end))), end + 1};
    }

    // go-ini readValue (IgnoreContinuation, IgnoreInlineComment, UnescapeValueDoubleQuotes,
    // PreserveSurroundedQuote, AllowPythonMultilineValues all false).
    Result<QByteArray> readValue(QByteArrayView in)
    {
        QByteArrayView line = trimLeft(in);
        if (line.isEmpty())
            return QByteArray();

        QByteArrayView quote;
        if (line.size() > 3 && line.startsWith("\"\"\""))
            quote = QByteArrayView("\"\"\"");
        else if (line.front() == '`')
            quote = QByteArrayView("`");

        if (!quote.isEmpty()) {
            const QByteArrayView rest = line.sliced(quote.size());
            const qsizetype pos = lastIndex(rest, quote);
            if (pos == -1)
                return readMultiLines(rest.toByteArray(), quote);
            return rest.first(pos).toByteArray();
        }

        line = trimSpace(line);
        if (line.back() == '\\')
            return readContinuationLines(line.chopped(1).toByteArray());

        const qsizetype comment = indexAny(line, "#;");
        if (comment > -1)
            line = trimSpace(line.first(comment));

        if (hasSurroundedQuote(line, '\'') || hasSurroundedQuote(line, '"'))
            line = line.sliced(1, line.size() - 2);
        return line.toByteArray();
    }

    Result<QByteArray> readMultiLines(QByteArray value, QByteArrayView quote)
    {
        const int startLine = m_lineNo;
        for (;;) {
            const QByteArrayView next = readLine();
            const qsizetype pos = lastIndex(next, quote);
            if (pos > -1) {
                value += next.first(pos);
                return value;
            }
            value += next;
            if (m_eof)
                return fail(ErrorCode::Syntax,
                            lineDetail(startLine, "quoted value is not closed before end of file"));
        }
    }

    QByteArray readContinuationLines(QByteArray value)
    {
        for (;;) {
            const QByteArrayView next = trimSpace(readLine());
            if (next.isEmpty())
                break;
            value += next;
            if (value.back() != '\\')
                break;
            value.chop(1);
        }
        return value;
    }

    QByteArrayView m_data;
    qsizetype m_pos = 0;
    int m_lineNo = 0;
    bool m_eof = false;
};

} // namespace

Result<IniFile> IniFile::parse(QByteArrayView text)
{
    return Parser(text).run();
}

std::optional<QByteArray> IniFile::quoteValue(QByteArrayView value)
{
    if (value.isEmpty() || value.contains('\n') || value.contains('\r'))
        return std::nullopt;
    // The first form the reader gives back unchanged: each candidate is checked by reading it.
    const QByteArray raw = value.toByteArray();
    for (const QByteArray& candidate :
         {raw, QByteArray('`' + raw + '`'), QByteArray("\"\"\"" + raw + "\"\"\"")}) {
        const auto read = parse(QByteArray("[q]\nk = " + candidate + '\n'));
        if (read && read->rawValue(QStringLiteral("q"), QStringLiteral("k")) == raw)
            return candidate;
    }
    return std::nullopt;
}

Result<IniFile> IniFile::load(const QString& path)
{
    const auto data = readUserFile(path, QStringLiteral("config file"));
    if (!data)
        return std::unexpected(data.error());
    auto parsed = parse(*data);
    if (!parsed)
        return fail(parsed.error().code, QStringLiteral("%1: %2").arg(path, parsed.error().detail));
    return parsed;
}

QStringList IniFile::sectionNames() const
{
    QStringList names;
    for (const auto& s : m_sections)
        names << s.name;
    return names;
}

const IniFile::Section* IniFile::findSectionExact(const QString& name) const
{
    for (const auto& s : m_sections)
        if (s.name == name)
            return &s;
    return nullptr;
}

const IniFile::Section* IniFile::section(const QString& name) const
{
    if (const Section* exact = findSectionExact(name))
        return exact;
    for (const auto& s : m_sections)
        if (s.name.compare(name, Qt::CaseInsensitive) == 0)
            return &s;
    return nullptr;
}

std::optional<IniFile::Lookup> IniFile::find(const QString& sectionName, const QString& key) const
{
    QString name = sectionName;
    for (;;) {
        if (const Section* s = section(name)) {
            const Entry* hit = nullptr;
            for (const auto& e : s->entries)
                if (e.key == key)
                    hit = &e;
            if (!hit)
                for (const auto& e : s->entries)
                    if (e.key.compare(key, Qt::CaseInsensitive) == 0)
                        hit = &e;
            if (hit)
                return Lookup{hit->value, s->name, hit->key, s->name == name && hit->key == key};
        }
        const qsizetype dot = name.lastIndexOf(QLatin1Char('.'));
        if (dot < 0)
            return std::nullopt;
        name.truncate(dot); // go-ini child-section inheritance
    }
}

QByteArray IniFile::rawValue(const QString& sectionName, const QString& key,
                             const QByteArray& fallback) const
{
    const auto hit = find(sectionName, key);
    return hit ? hit->value : fallback;
}

QString IniFile::value(const QString& sectionName, const QString& key, const QString& fallback) const
{
    const auto hit = find(sectionName, key);
    return hit ? QString::fromUtf8(hit->value) : fallback;
}

IniFile::Section& IniFile::sectionForWrite(const QString& name)
{
    for (auto& s : m_sections)
        if (s.name == name)
            return s;
    m_sections.append(Section{name, {}});
    return m_sections.last();
}

void IniFile::setValue(const QString& sectionName, const QString& key, const QByteArray& value)
{
    Section& s = sectionForWrite(sectionName);
    if (key.isEmpty())
        return;
    for (auto& e : s.entries) {
        if (e.key == key) {
            e.value = value;
            return;
        }
    }
    s.entries.append(Entry{key, value});
}

void IniFile::mergeNonEmpty(const IniFile& overlay)
{
    for (const auto& s : overlay.m_sections) {
        sectionForWrite(s.name);
        for (const auto& e : s.entries)
            if (!e.value.isEmpty())
                setValue(s.name, e.key, e.value);
    }
}

} // namespace mk::config
