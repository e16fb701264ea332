#pragma once

#include <QWizardPage>

class QLabel;
class QVBoxLayout;

namespace mk::ui {

class OperationWizard;

// Page 1, "What this does": the operation in plain words, its consequences and which versions can
// read the result. Subclasses of OperationWizard may add widgets below the text (a mode choice).
class IntroWizardPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit IntroWizardPage(OperationWizard* wizard);

    void initializePage() override;
    void refreshText();
    QVBoxLayout* extraLayout() const { return m_extra; }

private:
    OperationWizard* m_wizard;
    QLabel* m_text;
    QVBoxLayout* m_extra;
};

} // namespace mk::ui
