#pragma once

#include "model/config/ConfigError.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace mk::config {

// An ini file read with the rules of go-ini's `ini.Load` under default LoadOptions, which is how
// Grafana (and Mosaicoo) read grafana.ini / custom.ini / defaults.ini:
//
//  * UTF-8 BOM (and the two UTF-16 BOM bytes) at the start are skipped.
//  * Lines are split at '\n'; leading Unicode whitespace is ignored; blank lines are skipped.
//  * A line whose first non-blank character is '#' or ';' is a comment.
//  * `[name]` opens a section; the name runs up to the LAST ']' on the line and is taken as
//    written (not trimmed). No ']' -> Syntax error; `[]` -> Syntax error. Repeated headers
//    re-open the same section. Keys before the first header go to section "DEFAULT".
//  * `key = value` or `key: value`: the key ends at the first '=' or ':'. A key may be quoted
//    with `"`, `"""` or backticks. No delimiter, or an empty key name -> Syntax error.
//    The key `-` is go-ini's auto-increment key (`#1`, `#2`, ... per section).
//  * Values: leading/trailing whitespace trimmed.
//      - Starting with `"""` or a backtick: everything up to the LAST matching quote on the line is
//        taken literally ('#'/';' included); without a closing quote the value continues over the
//        following lines (raw, newlines kept) up to the last quote on the closing line. EOF before
//        the closing quote -> Syntax error. Text after the closing quote is ignored.
//      - Otherwise, if the trimmed value ends with '\', it continues on the next non-empty line
//        (each trimmed, the '\' removed); no comment stripping in that case.
//      - Otherwise the first '#' or ';' starts an inline comment (go-ini issue #57), then the
//        value is trimmed again and ONE pair of surrounding "..." or '...' is removed, but only if
//        that quote character appears nowhere else in the value. Double quotes do NOT protect
//        '#'/';': `"a#b"` reads as `"a`.
//  * A later duplicate key in the same section overrides the earlier one.
//
// Values are kept as raw bytes (Go strings are bytes; a secret_key is used byte for byte).
//
// Lookups (find/value) deliberately deviate in one point: go-ini is case-sensitive, we match
// section and key names case-insensitively, preferring an exact-case match; Lookup::exactCase
// tells the caller so it can warn. Like go-ini's Section.Key, a key missing in `[a.b.c]` is looked
// up in `[a.b]`, then `[a]` (child-section inheritance).
class IniFile
{
public:
    struct Entry
    {
        QString key;
        QByteArray value;
    };
    struct Section
    {
        QString name;
        QList<Entry> entries;
    };
    struct Lookup
    {
        QByteArray value;
        QString section; // names as written in the file
        QString key;
        bool exactCase = true;
    };

    static QString defaultSectionName() { return QStringLiteral("DEFAULT"); }

    [[nodiscard]] static Result<IniFile> parse(QByteArrayView text);
    // The value as it must be written after `key = ` for parse() to read back exactly `value`:
    // bare when that is safe, otherwise in backticks, otherwise in triple double quotes
    // ('#'/';' start comments, surrounding blanks are trimmed, surrounding quotes are removed).
    // nullopt for what one line cannot hold (a line break).
    [[nodiscard]] static std::optional<QByteArray> quoteValue(QByteArrayView value);
    [[nodiscard]] static Result<IniFile> load(const QString& path);

    const QList<Section>& sections() const { return m_sections; }
    QStringList sectionNames() const;
    const Section* section(const QString& name) const; // case-insensitive, exact preferred

    [[nodiscard]] std::optional<Lookup> find(const QString& section, const QString& key) const;
    // Raw value or `fallback` when the key is absent (an empty value is returned as empty).
    QByteArray rawValue(const QString& section, const QString& key, const QByteArray& fallback = {}) const;
    QString value(const QString& section, const QString& key, const QString& fallback = {}) const;

    void setValue(const QString& section, const QString& key, const QByteArray& value);
    // Grafana's loadSpecifiedConfigFile: overlay every key of `overlay` whose value is non-empty.
    void mergeNonEmpty(const IniFile& overlay);

private:
    Section& sectionForWrite(const QString& name);
    const Section* findSectionExact(const QString& name) const;

    QList<Section> m_sections;
};

} // namespace mk::config
