#pragma once

#include "ui/wizards/common/OptionsWizardPage.h"

class QCheckBox;

namespace mk::ui {

// Re-encrypt options: the configured algorithm and provider (read-only facts), upstream's
// per-value salt, dry run.
class ReEncryptOptionsWizardPage : public OptionsWizardPage
{
    Q_OBJECT

public:
    explicit ReEncryptOptionsWizardPage(OperationWizard* wizard);

    bool freshSaltPerValue() const;
    QStringList summary() const override;

private:
    QCheckBox* m_freshSalt;
};

} // namespace mk::ui
