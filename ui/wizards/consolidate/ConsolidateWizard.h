#pragma once

#include "ui/wizards/common/OperationWizard.h"

namespace mk::ui {

// Consolidate the secrets-manager store (secret_* tables, secrets-manager.md §4): every value
// re-encrypted under today's data key of [secrets_manager] encryption_provider; how the
// secrets manager's secret_key.vN is rotated. Same pages and worker pattern as the other wizards.
class ConsolidateWizard : public OperationWizard
{
    Q_OBJECT

public:
    ConsolidateWizard(const model::Target& target,
                      const QString& databaseName,
                      Prompter& prompter,
                      FileChooser& files,
                      QWidget* parent = nullptr);

    QString introText() const override;
    QString actionName() const override;
    bool canRetry() const override;
    WizardJob<model::Result<model::Preflight>> preflightJob() const override;
    WizardJob<model::Result<model::OperationResult>> runJob() const override;
};

} // namespace mk::ui
