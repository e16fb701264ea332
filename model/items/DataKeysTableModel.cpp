#include "model/items/DataKeysTableModel.h"

#include "model/items/StatusIcons.h"

namespace mk::model {

DataKeysTableModel::DataKeysTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void DataKeysTableModel::setDataKeys(const QList<DataKeyInfo>& keys)
{
    beginResetModel();
    m_keys = keys;
    m_missing.clear();
    endResetModel();
}

void DataKeysTableModel::setMissingKeys(const QList<QPair<QString, qint64>>& missing)
{
    if (!m_missing.isEmpty()) {
        beginRemoveRows({}, int(m_keys.size()), int(m_keys.size() + m_missing.size()) - 1);
        m_missing.clear();
        endRemoveRows();
    }
    if (missing.isEmpty())
        return;
    beginInsertRows({}, int(m_keys.size()), int(m_keys.size() + missing.size()) - 1);
    m_missing = missing;
    endInsertRows();
}

void DataKeysTableModel::setKeyHealth(const QHash<QString, QString>& health)
{
    m_health = health;
    if (!m_keys.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_keys.size()) - 1, ColumnCount - 1),
                         {Qt::DisplayRole, Qt::DecorationRole, Qt::BackgroundRole, Qt::ToolTipRole, KindRole});
}

void DataKeysTableModel::clear()
{
    beginResetModel();
    m_keys.clear();
    m_missing.clear();
    m_health.clear();
    endResetModel();
}

QString DataKeysTableModel::idAt(int row) const
{
    if (row >= 0 && row < m_keys.size())
        return m_keys.at(row).id;
    const int m = row - int(m_keys.size());
    if (m >= 0 && m < m_missing.size())
        return m_missing.at(m).first;
    return {};
}

int DataKeysTableModel::rowForId(const QString& id) const
{
    for (int i = 0; i < rowCount(); ++i) {
        if (idAt(i) == id)
            return i;
    }
    return -1;
}

DataKeysTableModel::Kind DataKeysTableModel::kindAt(int row) const
{
    if (row >= m_keys.size())
        return Kind::Missing;
    const DataKeyInfo& key = m_keys.at(row);
    if (key.unwrap != UnwrapStatus::Ok)
        return Kind::Broken;
    if (m_health.value(key.id) == QLatin1String("suspect"))
        return Kind::Suspect;
    return key.references == 0 ? Kind::Unused : Kind::Used;
}

int DataKeysTableModel::unusedCount() const
{
    int n = 0;
    for (const DataKeyInfo& key : m_keys)
        n += key.references == 0 ? 1 : 0;
    return n;
}

int DataKeysTableModel::suspectCount() const
{
    int n = 0;
    for (int row = 0; row < m_keys.size(); ++row)
        n += kindAt(row) == Kind::Suspect ? 1 : 0;
    return n;
}

int DataKeysTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size() + m_missing.size());
}

int DataKeysTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DataKeysTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const Kind kind = kindAt(row);
    if (role == KindRole)
        return int(kind);
    if (role == KeyIdRole)
        return idAt(row);
    if (role == Qt::BackgroundRole) {
        if (kind == Kind::Missing || kind == Kind::Broken || kind == Kind::Suspect)
            return StatusIcons::failedBackground();
        if (kind == Kind::Unused)
            return StatusIcons::warningBackground();
        return {};
    }
    if (role == Qt::DecorationRole && index.column() == Id) {
        switch (kind) {
        case Kind::Missing:
        case Kind::Broken:
        case Kind::Suspect:
            return StatusIcons::icon(StatusIcons::Kind::Failed);
        case Kind::Unused:
            return StatusIcons::icon(StatusIcons::Kind::Warning);
        case Kind::Used:
            return StatusIcons::icon(StatusIcons::Kind::Ok);
        }
    }
    if (row >= m_keys.size()) {
        const QPair<QString, qint64>& missing = m_missing.at(row - m_keys.size());
        if (role == ReferencesRole)
            return missing.second;
        if (role == Qt::ToolTipRole)
            return QStringLiteral("Values reference this data key, but data_keys has no such row: "
                                  "they cannot be decrypted.");
        if (role != Qt::DisplayRole)
            return {};
        switch (index.column()) {
        case Id:
            return missing.first;
        case Label:
            return QStringLiteral("(missing from data_keys)");
        case References:
            return missing.second;
        case Unwrap:
            return QStringLiteral("missing");
        default:
            return QStringLiteral("—");
        }
    }
    const DataKeyInfo& key = m_keys.at(row);
    if (role == ReferencesRole)
        return key.references;
    if (role == Qt::ToolTipRole) {
        if (kind == Kind::Unused)
            return QStringLiteral("No value references this data key.");
        if (kind == Kind::Broken)
            return key.unwrapDetail.isEmpty() ? unwrapStatusName(key.unwrap) : key.unwrapDetail;
        if (kind == Kind::Suspect)
            return QStringLiteral("It unwraps, but the sampled values under it do not decrypt: it was "
                                  "probably wrapped with another secret key.");
        return {};
    }
    if (role == Qt::TextAlignmentRole && index.column() == References)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Id:
        return key.id;
    case Label:
        return key.label;
    case Provider:
        return key.provider;
    case Scope:
        return key.scope;
    case Active:
        return key.active ? QStringLiteral("yes") : QStringLiteral("no");
    case Created:
        return key.created;
    case Updated:
        return key.updated;
    case References:
        return key.references;
    case Unwrap:
        return kind == Kind::Suspect ? QStringLiteral("suspect") : unwrapStatusName(key.unwrap);
    default:
        return {};
    }
}

QVariant DataKeysTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id:
        return QStringLiteral("Id");
    case Label:
        return QStringLiteral("Label");
    case Provider:
        return QStringLiteral("Provider");
    case Scope:
        return QStringLiteral("Scope");
    case Active:
        return QStringLiteral("Active");
    case Created:
        return QStringLiteral("Created");
    case Updated:
        return QStringLiteral("Updated");
    case References:
        return QStringLiteral("References");
    case Unwrap:
        return QStringLiteral("Unwrap");
    default:
        return {};
    }
}

} // namespace mk::model
