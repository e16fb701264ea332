#pragma once

#include <QStringList>
#include <QWizardPage>

class QCheckBox;
class QLineEdit;
class QVBoxLayout;

namespace mk::ui {

class OperationWizard;

// Page 3: the options of a run. The base has the dry-run checkbox (rule 8); operation pages add
// their own widgets to contentLayout() and their lines to summary().
//
// Key material typed or generated on an options page (the new secret key) lives in its line
// edits until the wizard closes: when it does (Finish, Cancel, Escape), every line edit of the
// page is wiped — its text buffer overwritten in place, then emptied.
class OptionsWizardPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit OptionsWizardPage(OperationWizard* wizard);
    ~OptionsWizardPage() override;

    bool isDryRun() const;
    int nextId() const override;
    // Lines for the confirm page.
    virtual QStringList summary() const;

    // Every line edit of this page (ui/common/SecretFields.h).
    void wipeLineEdits();

protected:
    QVBoxLayout* contentLayout() const { return m_content; }
    OperationWizard* operationWizard() const { return m_wizard; }

private:
    OperationWizard* m_wizard;
    QVBoxLayout* m_content;
    QCheckBox* m_dryRun;
};

} // namespace mk::ui
