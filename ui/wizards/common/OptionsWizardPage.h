#pragma once

#include <QStringList>
#include <QWizardPage>

class QCheckBox;
class QVBoxLayout;

namespace mk::ui {

class OperationWizard;

// Page 3: the options of a run. The base has the dry-run checkbox (rule 8); operation pages add
// their own widgets to contentLayout() and their lines to summary().
class OptionsWizardPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit OptionsWizardPage(OperationWizard* wizard);

    bool isDryRun() const;
    int nextId() const override;
    // Lines for the confirm page.
    virtual QStringList summary() const;

protected:
    QVBoxLayout* contentLayout() const { return m_content; }
    OperationWizard* operationWizard() const { return m_wizard; }

private:
    OperationWizard* m_wizard;
    QVBoxLayout* m_content;
    QCheckBox* m_dryRun;
};

} // namespace mk::ui
