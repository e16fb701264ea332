#pragma once

#include "ui/wizards/common/OperationWizard.h"

namespace mk::ui {

class ReEncryptOptionsWizardPage;

// Re-encrypt secrets (product.md §3, formats.md §3.1): every value to envelope encryption under
// today's data key with the configured algorithm.
class ReEncryptWizard : public OperationWizard
{
    Q_OBJECT

public:
    ReEncryptWizard(const model::Target& target,
                    const QString& databaseName,
                    Prompter& prompter,
                    FileChooser& files,
                    QWidget* parent = nullptr);

    QString introText() const override;
    QString actionName() const override;
    WizardJob<model::Result<model::Preflight>> preflightJob() const override;
    WizardJob<model::Result<model::OperationResult>> runJob() const override;
    bool rotatesThroughInstancesAtEnd() const override { return true; }

private:
    ReEncryptOptionsWizardPage* m_options;
};

} // namespace mk::ui
