#pragma once

#include "ui/wizards/common/OperationWizard.h"

namespace mk::ui {

class RollbackOptionsWizardPage;

// Roll back secrets (product.md §3, formats.md §3.2): every envelope value to a legacy value
// encrypted with the secret key, then the data keys nothing references any more are deleted.
class RollbackWizard : public OperationWizard
{
    Q_OBJECT

public:
    RollbackWizard(const model::Target& target,
                   const QString& databaseName,
                   Prompter& prompter,
                   FileChooser& files,
                   QWidget* parent = nullptr);

    QString introText() const override;
    QString actionName() const override;
    bool isDestructive() const override { return true; }
    QString preflightSettings() const override;
    WizardJob<model::Result<model::Preflight>> preflightJob() const override;
    WizardJob<model::Result<model::OperationResult>> runJob() const override;
    bool rotatesThroughInstancesAtEnd() const override { return true; }

private:
    RollbackOptionsWizardPage* m_options;
};

} // namespace mk::ui
