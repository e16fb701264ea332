#include "model/store/JsonScanner.h"

namespace mk::store {

const JsonScanner::Node* JsonScanner::Node::member(const QString& name) const
{
    for (qsizetype i = members.size() - 1; i >= 0; --i) {
        if (members.at(i).first == name)
            return &members.at(i).second;
    }
    return nullptr;
}

JsonScanner::JsonScanner(const QByteArray& document, int maxDepth)
    : m_doc(document)
    , m_maxDepth(maxDepth)
{
    skipWhitespace();
    if (!parseValue(m_root, 0))
        return;
    skipWhitespace();
    if (m_pos != m_doc.size()) {
        failAt("trailing data");
        return;
    }
    m_ok = true;
}

bool JsonScanner::failAt(const char* reason)
{
    m_ok = false;
    m_error = QStringLiteral("%1 at byte %2").arg(QLatin1String(reason)).arg(m_pos);
    return false;
}

void JsonScanner::skipWhitespace()
{
    while (m_pos < m_doc.size()) {
        const char c = m_doc.at(m_pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        ++m_pos;
    }
}

bool JsonScanner::parseValue(Node& out, int depth)
{
    if (depth > m_maxDepth)
        return failAt("nesting too deep");
    if (m_pos >= m_doc.size())
        return failAt("unexpected end");
    const char c = m_doc.at(m_pos);
    switch (c) {
    case '{': {
        out.type = Type::Object;
        out.start = m_pos++;
        skipWhitespace();
        if (m_pos < m_doc.size() && m_doc.at(m_pos) == '}') {
            ++m_pos;
            out.length = m_pos - out.start;
            return true;
        }
        for (;;) {
            skipWhitespace();
            if (m_pos >= m_doc.size() || m_doc.at(m_pos) != '"')
                return failAt("expected object key");
            Node keyNode;
            if (!parseString(keyNode))
                return false;
            skipWhitespace();
            if (m_pos >= m_doc.size() || m_doc.at(m_pos) != ':')
                return failAt("expected ':'");
            ++m_pos;
            skipWhitespace();
            Node value;
            if (!parseValue(value, depth + 1))
                return false;
            out.members.append({QString::fromUtf8(keyNode.text), std::move(value)});
            skipWhitespace();
            if (m_pos >= m_doc.size())
                return failAt("unterminated object");
            if (m_doc.at(m_pos) == ',') {
                ++m_pos;
                continue;
            }
            if (m_doc.at(m_pos) == '}') {
                ++m_pos;
                out.length = m_pos - out.start;
                return true;
            }
            return failAt("expected ',' or '}'");
        }
    }
    case '[': {
        out.type = Type::Array;
        out.start = m_pos++;
        skipWhitespace();
        if (m_pos < m_doc.size() && m_doc.at(m_pos) == ']') {
            ++m_pos;
            out.length = m_pos - out.start;
            return true;
        }
        for (;;) {
            skipWhitespace();
            Node item;
            if (!parseValue(item, depth + 1))
                return false;
            out.items.append(std::move(item));
            skipWhitespace();
            if (m_pos >= m_doc.size())
                return failAt("unterminated array");
            if (m_doc.at(m_pos) == ',') {
                ++m_pos;
                continue;
            }
            if (m_doc.at(m_pos) == ']') {
                ++m_pos;
                out.length = m_pos - out.start;
                return true;
            }
            return failAt("expected ',' or ']'");
        }
    }
    case '"':
        return parseString(out);
    case 't':
        return parseLiteral(out, "true", Type::Bool);
    case 'f':
        return parseLiteral(out, "false", Type::Bool);
    case 'n':
        return parseLiteral(out, "null", Type::Null);
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return parseNumber(out);
        return failAt("unexpected character");
    }
}

bool JsonScanner::parseLiteral(Node& out, const char* word, Type type)
{
    const QByteArray w(word);
    if (m_doc.mid(m_pos, w.size()) != w)
        return failAt("bad literal");
    out.type = type;
    out.start = m_pos;
    out.length = w.size();
    out.text = w;
    m_pos += w.size();
    return true;
}

bool JsonScanner::parseNumber(Node& out)
{
    const qsizetype begin = m_pos;
    auto digits = [this]() {
        const qsizetype from = m_pos;
        while (m_pos < m_doc.size() && m_doc.at(m_pos) >= '0' && m_doc.at(m_pos) <= '9')
            ++m_pos;
        return m_pos - from;
    };
    if (m_doc.at(m_pos) == '-')
        ++m_pos;
    if (m_pos < m_doc.size() && m_doc.at(m_pos) == '0') {
        ++m_pos;
    } else if (digits() == 0) {
        return failAt("bad number");
    }
    if (m_pos < m_doc.size() && m_doc.at(m_pos) == '.') {
        ++m_pos;
        if (digits() == 0)
            return failAt("bad number");
    }
    if (m_pos < m_doc.size() && (m_doc.at(m_pos) == 'e' || m_doc.at(m_pos) == 'E')) {
        ++m_pos;
        if (m_pos < m_doc.size() && (m_doc.at(m_pos) == '+' || m_doc.at(m_pos) == '-'))
            ++m_pos;
        if (digits() == 0)
            return failAt("bad number");
    }
    out.type = Type::Number;
    out.start = begin;
    out.length = m_pos - begin;
    out.text = m_doc.mid(begin, out.length);
    return true;
}

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(QByteArray& out, char32_t cp)
{
    if (cp < 0x80) {
        out.append(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.append(static_cast<char>(0xC0 | (cp >> 6)));
        out.append(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.append(static_cast<char>(0xE0 | (cp >> 12)));
        out.append(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.append(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.append(static_cast<char>(0xF0 | (cp >> 18)));
        out.append(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.append(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.append(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

} // namespace

bool JsonScanner::parseString(Node& out)
{
    // m_doc.at(m_pos) == '"'
    ++m_pos;
    out.type = Type::String;
    out.start = m_pos;
    out.text.clear();
    for (;;) {
        if (m_pos >= m_doc.size())
            return failAt("unterminated string");
        const char c = m_doc.at(m_pos);
        if (c == '"') {
            out.length = m_pos - out.start;
            ++m_pos;
            return true;
        }
        if (static_cast<unsigned char>(c) < 0x20)
            return failAt("control character in string");
        if (c != '\\') {
            out.text.append(c);
            ++m_pos;
            continue;
        }
        if (m_pos + 1 >= m_doc.size())
            return failAt("unterminated escape");
        const char e = m_doc.at(m_pos + 1);
        m_pos += 2;
        switch (e) {
        case '"': out.text.append('"'); break;
        case '\\': out.text.append('\\'); break;
        case '/': out.text.append('/'); break;
        case 'b': out.text.append('\b'); break;
        case 'f': out.text.append('\f'); break;
        case 'n': out.text.append('\n'); break;
        case 'r': out.text.append('\r'); break;
        case 't': out.text.append('\t'); break;
        case 'u': {
            auto readHex4 = [this](char32_t& value) {
                if (m_pos + 4 > m_doc.size())
                    return false;
                value = 0;
                for (int i = 0; i < 4; ++i) {
                    const int h = hexValue(m_doc.at(m_pos + i));
                    if (h < 0)
                        return false;
                    value = value * 16 + static_cast<char32_t>(h);
                }
                m_pos += 4;
                return true;
            };
            char32_t cp = 0;
            if (!readHex4(cp))
                return failAt("bad \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF && m_pos + 1 < m_doc.size() && m_doc.at(m_pos) == '\\'
                && m_doc.at(m_pos + 1) == 'u') {
                const qsizetype save = m_pos;
                m_pos += 2;
                char32_t low = 0;
                if (readHex4(low) && low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else {
                    m_pos = save;
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0xFFFD; // lone surrogate, as Go does
            }
            appendUtf8(out.text, cp);
            break;
        }
        default:
            return failAt("bad escape");
        }
    }
}

} // namespace mk::store
