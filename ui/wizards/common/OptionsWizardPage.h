#pragma once

#include <QStringList>
#include <QWizardPage>

class QCheckBox;
class QLineEdit;
class QVBoxLayout;

namespace mk::ui {

class InstancesSection;
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
    void initializePage() override;

    // The instances of the console's settings (issue #17), when the operation talks to them: null
    // otherwise. Whether the run goes through their API (rotate) or rotates through it at its end.
    InstancesSection* instances() const { return m_instances; }
    bool usesInstances() const;

    // Every line edit of this page (ui/common/SecretFields.h).
    void wipeLineEdits();

protected:
    QVBoxLayout* contentLayout() const { return m_content; }
    // Adds the instances section and its check box (checked once an instance answers).
    void addInstancesSection(const QString& checkBoxText);
    // Operations that only rotate at their end show the section when the console's settings name
    // instances (or name them wrongly: the section then says why).
    void addInstancesSectionIfConfigured();
    // A hidden section is not asked (and its check box counts as off).
    void setInstancesVisible(bool visible);
    OperationWizard* operationWizard() const { return m_wizard; }

private:
    OperationWizard* m_wizard;
    QVBoxLayout* m_content;
    QVBoxLayout* m_instancesLayout;
    QCheckBox* m_dryRun;
    InstancesSection* m_instances = nullptr;
    QCheckBox* m_viaApi = nullptr;
};

} // namespace mk::ui
