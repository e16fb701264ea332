#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace mk::store {

// Strict, small JSON parser that keeps the byte span of every token, so that string values can
// be replaced in place without re-serialising the document. Depth-limited; never throws.
class JsonScanner
{
public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    struct Node
    {
        Type type = Type::Null;
        QByteArray text;           // String: decoded UTF-8 bytes; Number/Bool: token text
        qsizetype start = 0;       // String: first byte after the opening quote; else token start
        qsizetype length = 0;      // String: bytes up to the closing quote; else token length
        QList<std::pair<QString, Node>> members; // Object, in document order
        QList<Node> items;                        // Array

        const Node* member(const QString& name) const; // last member with that name
    };

    explicit JsonScanner(const QByteArray& document, int maxDepth = 128);

    bool ok() const { return m_ok; }
    QString error() const { return m_error; } // position and reason, no content
    const Node& root() const { return m_root; }

private:
    bool parseValue(Node& out, int depth);
    bool parseString(Node& out);
    bool parseNumber(Node& out);
    bool parseLiteral(Node& out, const char* word, Type type);
    void skipWhitespace();
    bool failAt(const char* reason);

    const QByteArray& m_doc;
    qsizetype m_pos = 0;
    int m_maxDepth;
    bool m_ok = false;
    QString m_error;
    Node m_root;
};

} // namespace mk::store
