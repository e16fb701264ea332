#pragma once

#include "model/items/SecretQuery.h"
#include "model/items/SecretRow.h"
#include "model/ops/VerifyJob.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <cstdint>

namespace mk::model {

// The in-memory index of every encrypted value behind the secrets pane, sized for a million
// values (product.md §5: under 300 MB). A value is a 28-byte entry; its strings live in pools:
// row ids, owners and update times (one per database row, shared by that row's fields) are
// deduplicated against the previous value, fields, data-key ids and locations are interned.
// Not thread-safe: owned and used by SecretsIndexWorker on its thread.
class SecretsIndex
{
public:
    void clear();
    void reserve(qsizetype values);

    // Adds a scanned value; returns its index (scan order).
    int append(const ValueRecord& record);
    qsizetype size() const { return m_entries.size(); }

    SecretRow row(int index) const;
    // A secrets-manager secure value of another keeper (listed, but no ciphertext here).
    bool isExternal(int index) const;
    bool matches(int index, const SecretQuery& query) const;
    // Indexes of the values matching the query, in the query's order (catalog order by default).
    QList<int> select(const SecretQuery& query) const;

    // Verify results by (location, row, field); unknown values are ignored.
    void applyOutcome(const ValueOutcome& outcome);

    // Data-key ids that values name but data_keys lacks, with the number of such values.
    QList<QPair<QString, qint64>> missingKeyReferences() const;

private:
    // Strings shared by many values; `intern` dedupes through a hash (few distinct values),
    // `appendRun` only against the last string (values of one row arrive together).
    class StringPool
    {
    public:
        qint32 intern(const QString& text);
        qint32 appendRun(const QString& text);
        const QString& at(qint32 id) const { return m_strings.at(id); }
        qsizetype size() const { return m_strings.size(); }
        void clear();

    private:
        QStringList m_strings;
        QHash<QString, qint32> m_ids;
    };

    struct Entry
    {
        qint32 rowId = -1;
        qint32 owner = -1;
        qint32 field = -1;
        qint32 updated = -1;
        qint32 dataKey = -1; // -1: legacy value
        qint16 location = -1;
        quint8 format = 0;   // ValueFormat
        quint8 status = 0;   // SecretStatus
        qint8 failure = -1;  // FailureReason, -1 none
    };
    static_assert(sizeof(Entry) <= 28, "an index entry must stay small: a million of them fit in 28 MB");

    static quint64 keyHash(int locationIndex, const QString& rowId, const QString& field);
    std::optional<FailureReason> failureOf(const Entry& entry) const;
    QString locationName(const Entry& entry) const;
    // Rank of every string of a pool in collation order (numeric, case-insensitive).
    static QList<qint32> ranks(const StringPool& pool);
    void sort(QList<int>& view, const SecretQuery& query) const;

    QList<Entry> m_entries;
    StringPool m_rowIds;
    StringPool m_owners;
    StringPool m_updated;
    StringPool m_fields;
    StringPool m_dataKeys;
    QStringList m_locationNames; // by catalog index
    QMultiHash<quint64, int> m_byKey;
};

} // namespace mk::model
