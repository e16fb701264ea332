#pragma once

#include "ui/wizards/common/OperationWizard.h"

namespace mk::ui {

class RotateOptionsWizardPage;

// Rotate data keys (product.md §3, formats.md §3.4): deactivate the active data keys; new ones are
// created on demand. The result counts down data_keys_cache_ttl and offers re-encrypt afterwards.
class RotateWizard : public OperationWizard
{
    Q_OBJECT

public:
    RotateWizard(const model::Target& target,
                 const QString& databaseName,
                 Prompter& prompter,
                 FileChooser& files,
                 QWidget* parent = nullptr);

    QString introText() const override;
    QString actionName() const override;
    bool canRetry() const override;
    bool commitsInOneTransaction() const override { return true; }
    WizardJob<model::Result<model::Preflight>> preflightJob() const override;
    WizardJob<model::Result<model::OperationResult>> runJob() const override;

    RotateOptionsWizardPage* optionsPage() const { return m_options; }

private:
    RotateOptionsWizardPage* m_options;
};

} // namespace mk::ui
