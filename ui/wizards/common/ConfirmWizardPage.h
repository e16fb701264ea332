#pragma once

#include <QWizardPage>

class QLabel;
class QLineEdit;

namespace mk::ui {

class OperationWizard;

// Page 5: what will run, on which database, with which backup. Destructive operations (rollback,
// the change of the secret key) need the database name typed before the Start button enables.
class ConfirmWizardPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit ConfirmWizardPage(OperationWizard* wizard);

    void initializePage() override;
    bool isComplete() const override;
    // An operation's own section below the summary (repair: the values that will be cleared).
    void addSection(QWidget* widget, int stretch = 0);
    bool needsTypedName() const;

private:
    OperationWizard* m_wizard;
    QLabel* m_summary;
    QLabel* m_nameLabel;
    QLineEdit* m_name;
    int m_sectionIndex = 0;
};

} // namespace mk::ui
