#include "model/items/DataKeysTableModel.h"

#include "model/items/SecretRow.h"
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
    m_missingGsm.clear();
    endResetModel();
}

void DataKeysTableModel::replaceMissing(QList<QPair<QString, qint64>>& list,
                                        int first,
                                        const QList<QPair<QString, qint64>>& missing)
{
    if (!list.isEmpty()) {
        beginRemoveRows({}, first, first + int(list.size()) - 1);
        list.clear();
        endRemoveRows();
    }
    if (missing.isEmpty())
        return;
    beginInsertRows({}, first, first + int(missing.size()) - 1);
    list = missing;
    endInsertRows();
}

void DataKeysTableModel::setMissingKeys(const QList<QPair<QString, qint64>>& missing)
{
    replaceMissing(m_missing, int(m_keys.size()), missing);
}

void DataKeysTableModel::setSecretsManagerMissingKeys(const QList<QPair<QString, qint64>>& missing)
{
    replaceMissing(m_missingGsm, int(m_keys.size() + m_missing.size()), missing);
}

const QPair<QString, qint64>* DataKeysTableModel::missingAt(int row) const
{
    int m = row - int(m_keys.size());
    if (m < 0)
        return nullptr;
    if (m < m_missing.size())
        return &m_missing.at(m);
    m -= int(m_missing.size());
    if (m < m_missingGsm.size())
        return &m_missingGsm.at(m);
    return nullptr;
}

bool DataKeysTableModel::isSecretsManagerRow(int row) const
{
    if (row >= 0 && row < m_keys.size())
        return m_keys.at(row).store == kGsmStoreName;
    return row >= m_keys.size() + m_missing.size() && row < rowCount();
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
    m_missingGsm.clear();
    m_health.clear();
    endResetModel();
}

QString DataKeysTableModel::idAt(int row) const
{
    if (row >= 0 && row < m_keys.size())
        return m_keys.at(row).id;
    const QPair<QString, qint64>* missing = missingAt(row);
    return missing ? missing->first : QString();
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
    return parent.isValid() ? 0 : int(m_keys.size() + m_missing.size() + m_missingGsm.size());
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
    if (role == StoreRole)
        return storeToken(isSecretsManagerRow(row));
    if (role == Qt::DisplayRole && index.column() == Store)
        return storeLabel(isSecretsManagerRow(row));
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
        const QPair<QString, qint64>& missing = *missingAt(row);
        const QString table = isSecretsManagerRow(row) ? QStringLiteral("secret_data_key") : QStringLiteral("data_keys");
        if (role == ReferencesRole)
            return missing.second;
        if (role == Qt::ToolTipRole)
            return QStringLiteral("Values reference this data key, but %1 has no such row: "
                                  "they cannot be decrypted.")
                .arg(table);
        if (role != Qt::DisplayRole)
            return {};
        switch (index.column()) {
        case Id:
            return missing.first;
        case Label:
            return QStringLiteral("(missing from %1)").arg(table);
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
        return key.store == kGsmStoreName ? key.nameSpace : key.scope;
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
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == Scope)
        return QStringLiteral("Legacy data keys: their scope. Secrets-manager data keys: their namespace.");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id:
        return QStringLiteral("Id");
    case Store:
        return QStringLiteral("Store");
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
