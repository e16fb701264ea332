#pragma once

#include "model/ops/CensusJob.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QPair>

namespace mk::model {

// The data keys of the census (both stores: data_keys and the secrets manager's secret_data_key),
// plus one "missing" row per data-key id that values reference but the store's key table does not
// hold (orphaned references). Unused keys and missing ids stand out through BackgroundRole /
// DecorationRole; KindRole tells them apart, StoreRole tells the stores apart.
class DataKeysTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Id,
        Store, // "legacy" | "secrets manager"
        Label,
        Provider,
        Scope, // legacy: the key's scope; secrets manager: its namespace
        Active,
        Created,
        Updated,
        References,
        Unwrap,
        ColumnCount
    };
    enum class Kind
    {
        Used,
        Unused,  // present, referenced by no value
        Missing, // referenced by values, absent from data_keys
        Broken,  // present, does not unwrap
        Suspect, // unwraps (AES-CFB proves nothing), but the sampled values under it do not decrypt
    };
    enum Role
    {
        KindRole = Qt::UserRole + 1, // int(Kind)
        KeyIdRole,
        ReferencesRole, // qint64
        StoreRole,      // "legacy" | "secrets-manager"
    };

    explicit DataKeysTableModel(QObject* parent = nullptr);

    void setDataKeys(const QList<DataKeyInfo>& keys);
    // Ids legacy values name but data_keys lacks (from the secrets index).
    void setMissingKeys(const QList<QPair<QString, qint64>>& missing);
    // Uids secrets-manager values name but secret_data_key lacks (from the census); after the
    // legacy missing rows.
    void setSecretsManagerMissingKeys(const QList<QPair<QString, qint64>>& missing);
    // The operations' preflight judgement per data key id ("ok", "suspect", "unverified", ...);
    // kept across setDataKeys(), dropped by clear().
    void setKeyHealth(const QHash<QString, QString>& health);
    void clear();

    QString idAt(int row) const;
    int rowForId(const QString& id) const;
    Kind kindAt(int row) const;
    int unusedCount() const;
    int suspectCount() const;
    int missingCount() const { return int(m_missing.size() + m_missingGsm.size()); }
    bool isSecretsManagerRow(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<DataKeyInfo> m_keys;
    const QPair<QString, qint64>* missingAt(int row) const;
    void replaceMissing(QList<QPair<QString, qint64>>& list, int first, const QList<QPair<QString, qint64>>& missing);

    QList<QPair<QString, qint64>> m_missing;    // legacy
    QList<QPair<QString, qint64>> m_missingGsm; // secrets manager
    QHash<QString, QString> m_health;
};

} // namespace mk::model
