#pragma once

#include "model/ops/RollbackJob.h"
#include "ui/wizards/common/OptionsWizardPage.h"

class QRadioButton;

namespace mk::ui {

// Rollback options: the format the downgrade target can read (9.2 prefixed or legacy), dry run.
class RollbackOptionsWizardPage : public OptionsWizardPage
{
    Q_OBJECT

public:
    explicit RollbackOptionsWizardPage(OperationWizard* wizard);

    model::RollbackFormat format() const;
    QStringList summary() const override;

private:
    QRadioButton* m_format92;
    QRadioButton* m_formatLegacy;
};

} // namespace mk::ui
