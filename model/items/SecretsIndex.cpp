#include "model/items/SecretsIndex.h"

#include "model/items/SecretsTableModel.h"
#include "model/store/SecretLocation.h"

#include <QCollator>

#include <algorithm>
#include <numeric>

namespace mk::model {

qint32 SecretsIndex::StringPool::intern(const QString& text)
{
    const auto it = m_ids.constFind(text);
    if (it != m_ids.cend())
        return it.value();
    const auto id = static_cast<qint32>(m_strings.size());
    m_strings.append(text);
    m_ids.insert(text, id);
    return id;
}

qint32 SecretsIndex::StringPool::appendRun(const QString& text)
{
    if (!m_strings.isEmpty() && m_strings.constLast() == text)
        return static_cast<qint32>(m_strings.size() - 1);
    m_strings.append(text);
    return static_cast<qint32>(m_strings.size() - 1);
}

void SecretsIndex::StringPool::clear()
{
    m_strings.clear();
    m_ids.clear();
}

void SecretsIndex::clear()
{
    m_entries.clear();
    m_rowIds.clear();
    m_owners.clear();
    m_updated.clear();
    m_fields.clear();
    m_dataKeys.clear();
    m_byKey.clear();
}

void SecretsIndex::reserve(qsizetype values)
{
    m_entries.reserve(values);
    m_byKey.reserve(values);
}

quint64 SecretsIndex::keyHash(int locationIndex, const QString& rowId, const QString& field)
{
    // two independently seeded 32-bit halves: collisions are possible and are checked on lookup
    const auto a = static_cast<quint32>(qHashMulti(0x9e3779b9U, locationIndex, rowId, field));
    const auto b = static_cast<quint32>(qHashMulti(0x85ebca6bU, field, rowId, locationIndex));
    return (quint64(a) << 32) | b;
}

int SecretsIndex::append(const ValueRecord& record)
{
    if (m_locationNames.isEmpty()) {
        for (int i = 0; i <= gsmExternalLocationIndex(); ++i)
            m_locationNames << locationNameOf(i); // the catalog, then the secrets-manager store
    }
    Entry entry;
    entry.location = static_cast<qint16>(record.locationIndex);
    entry.rowId = m_rowIds.appendRun(record.rowId);
    entry.owner = m_owners.appendRun(record.owner);
    entry.updated = m_updated.appendRun(record.updated);
    entry.field = m_fields.intern(record.field);
    entry.dataKey = record.dataKeyId.isEmpty() ? -1 : m_dataKeys.intern(record.dataKeyId);
    entry.format = static_cast<quint8>(record.format);
    if (record.locationIndex == gsmExternalLocationIndex()) {
        entry.status = static_cast<quint8>(SecretStatus::External);
    } else if (record.problem) {
        entry.status = static_cast<quint8>(SecretStatus::Failed);
        entry.failure = static_cast<qint8>(*record.problem);
    }
    const int index = static_cast<int>(m_entries.size());
    m_entries.append(entry);
    m_byKey.insert(keyHash(record.locationIndex, record.rowId, record.field), index);
    return index;
}

std::optional<FailureReason> SecretsIndex::failureOf(const Entry& entry) const
{
    if (entry.failure < 0)
        return std::nullopt;
    return static_cast<FailureReason>(entry.failure);
}

QString SecretsIndex::locationName(const Entry& entry) const
{
    return entry.location >= 0 && entry.location < m_locationNames.size() ? m_locationNames.at(entry.location)
                                                                          : QString();
}

SecretRow SecretsIndex::row(int index) const
{
    const Entry& e = m_entries.at(index);
    SecretRow row;
    row.locationIndex = e.location;
    row.location = locationName(e);
    row.rowId = m_rowIds.at(e.rowId);
    row.owner = m_owners.at(e.owner);
    row.field = m_fields.at(e.field);
    row.updated = m_updated.at(e.updated);
    row.format = static_cast<ValueFormat>(e.format);
    row.dataKeyId = e.dataKey < 0 ? QString() : m_dataKeys.at(e.dataKey);
    row.status = static_cast<SecretStatus>(e.status);
    row.failure = failureOf(e);
    return row;
}

bool SecretsIndex::isExternal(int index) const
{
    return static_cast<SecretStatus>(m_entries.at(index).status) == SecretStatus::External;
}

void SecretsIndex::applyOutcome(const ValueOutcome& outcome)
{
    const quint64 key = keyHash(outcome.locationIndex, outcome.rowId, outcome.field);
    for (auto it = m_byKey.constFind(key); it != m_byKey.cend() && it.key() == key; ++it) {
        Entry& e = m_entries[it.value()];
        if (e.location != outcome.locationIndex || m_rowIds.at(e.rowId) != outcome.rowId
            || m_fields.at(e.field) != outcome.field
            || static_cast<SecretStatus>(e.status) == SecretStatus::External)
            continue;
        e.status = static_cast<quint8>(outcome.failure ? SecretStatus::Failed : SecretStatus::Ok);
        e.failure = outcome.failure ? static_cast<qint8>(*outcome.failure) : qint8(-1);
        return;
    }
}

bool SecretsIndex::matches(int index, const SecretQuery& query) const
{
    const Entry& e = m_entries.at(index);
    const bool external = static_cast<SecretStatus>(e.status) == SecretStatus::External;
    if (!query.store.isEmpty() && storeToken(isGsmLocationIndex(e.location)) != query.store)
        return false;
    if (!query.location.isEmpty() && locationName(e) != query.location)
        return false;
    // A value of another keeper has no ciphertext here, hence no format.
    if (!query.format.isEmpty() && (external || formatToken(static_cast<ValueFormat>(e.format)) != query.format))
        return false;
    if (!query.dataKeyId.isEmpty() && (e.dataKey < 0 || m_dataKeys.at(e.dataKey) != query.dataKeyId))
        return false;
    if (!query.status.isEmpty()) {
        const auto status = static_cast<SecretStatus>(e.status);
        const QString& s = query.status;
        if (s == QLatin1String(kStatusNotChecked)) {
            if (status != SecretStatus::NotChecked)
                return false;
        } else if (s == QLatin1String(kStatusOk)) {
            if (status != SecretStatus::Ok)
                return false;
        } else if (s == QLatin1String(kStatusFailed)) {
            if (status != SecretStatus::Failed)
                return false;
        } else if (s == QLatin1String(kStatusExternal)) {
            if (status != SecretStatus::External)
                return false;
        } else {
            const auto failure = failureOf(e);
            if (status != SecretStatus::Failed || !failure || reasonName(*failure) != s)
                return false;
        }
    }
    if (!query.text.isEmpty()) {
        const auto has = [&query](const QString& text) { return text.contains(query.text, Qt::CaseInsensitive); };
        if (!has(locationName(e)) && !has(m_owners.at(e.owner)) && !has(m_fields.at(e.field))
            && !has(m_rowIds.at(e.rowId)) && !(e.dataKey >= 0 && has(m_dataKeys.at(e.dataKey))))
            return false;
    }
    return true;
}

QList<qint32> SecretsIndex::ranks(const StringPool& pool)
{
    QCollator collator;
    collator.setNumericMode(true);
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    QList<qint32> order(pool.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](qint32 a, qint32 b) { return collator.compare(pool.at(a), pool.at(b)) < 0; });
    QList<qint32> rank(pool.size());
    for (qint32 position = 0; position < order.size(); ++position) {
        // equal strings (a run pool may hold duplicates) share the rank of the first of them
        const bool same = position > 0 && collator.compare(pool.at(order.at(position)),
                                                           pool.at(order.at(position - 1))) == 0;
        rank[order.at(position)] = same ? rank.at(order.at(position - 1)) : position;
    }
    return rank;
}

void SecretsIndex::sort(QList<int>& view, const SecretQuery& query) const
{
    if (query.isDefaultOrder())
        return;
    // One sort key per value, computed once: ranks of the column's strings in collation order.
    QList<qint64> key(m_entries.size());
    const auto fill = [&](auto&& rankOf) {
        for (int index : std::as_const(view))
            key[index] = rankOf(m_entries.at(index));
    };
    switch (query.sortColumn) {
    case SecretsTableModel::Location: {
        StringPool names;
        for (const QString& name : m_locationNames)
            names.appendRun(name);
        const QList<qint32> r = ranks(names);
        fill([&r](const Entry& e) { return e.location < 0 ? qint64(-1) : qint64(r.at(e.location)); });
        break;
    }
    case SecretsTableModel::Store:
        fill([](const Entry& e) { return qint64(isGsmLocationIndex(e.location) ? 1 : 0); });
        break;
    case SecretsTableModel::Owner: {
        const QList<qint32> r = ranks(m_owners);
        fill([&r](const Entry& e) { return qint64(r.at(e.owner)); });
        break;
    }
    case SecretsTableModel::Field: {
        const QList<qint32> r = ranks(m_fields);
        fill([&r](const Entry& e) { return qint64(r.at(e.field)); });
        break;
    }
    case SecretsTableModel::Format: {
        QStringList labels;
        for (int f = 0; f <= int(ValueFormat::Malformed); ++f)
            labels << formatLabel(static_cast<ValueFormat>(f));
        QStringList sorted = labels;
        std::sort(sorted.begin(), sorted.end());
        fill([&](const Entry& e) {
            if (static_cast<SecretStatus>(e.status) == SecretStatus::External)
                return qint64(-1);
            return qint64(sorted.indexOf(labels.at(e.format)));
        });
        break;
    }
    case SecretsTableModel::DataKey: {
        const QList<qint32> r = ranks(m_dataKeys);
        fill([&r](const Entry& e) { return e.dataKey < 0 ? qint64(-1) : qint64(r.at(e.dataKey)); });
        break;
    }
    case SecretsTableModel::Updated: {
        const QList<qint32> r = ranks(m_updated);
        fill([&r](const Entry& e) { return qint64(r.at(e.updated)); });
        break;
    }
    case SecretsTableModel::Status: {
        // failed first (grouped by reason), then not checked, then ok, then held elsewhere
        fill([](const Entry& e) {
            const auto status = static_cast<SecretStatus>(e.status);
            if (status == SecretStatus::Failed)
                return qint64(e.failure < 0 ? 0 : 1 + e.failure);
            if (status == SecretStatus::External)
                return qint64(3000);
            return status == SecretStatus::NotChecked ? qint64(1000) : qint64(2000);
        });
        break;
    }
    default:
        return;
    }
    const bool descending = query.descending;
    std::sort(view.begin(), view.end(), [&](int a, int b) {
        if (key.at(a) != key.at(b))
            return descending ? key.at(a) > key.at(b) : key.at(a) < key.at(b);
        return a < b; // stable: catalog order breaks ties
    });
}

QList<int> SecretsIndex::select(const SecretQuery& query) const
{
    QList<int> view;
    view.reserve(m_entries.size());
    for (int i = 0; i < m_entries.size(); ++i) {
        if (matches(i, query))
            view.append(i);
    }
    sort(view, query);
    return view;
}

QList<QPair<QString, qint64>> SecretsIndex::missingKeyReferences() const
{
    QHash<qint32, qint64> missing;
    for (const Entry& e : m_entries) {
        // the secrets-manager store's missing keys come with the census (DataKeysTableModel)
        if (e.failure == static_cast<qint8>(FailureReason::MissingDataKey) && e.dataKey >= 0
            && !isGsmLocationIndex(e.location))
            ++missing[e.dataKey];
    }
    QList<QPair<QString, qint64>> refs;
    for (auto it = missing.cbegin(); it != missing.cend(); ++it)
        refs.append({m_dataKeys.at(it.key()), it.value()});
    std::sort(refs.begin(), refs.end());
    return refs;
}

} // namespace mk::model
