#pragma once

#include "ui/wizards/common/OperationWizard.h"

class QRadioButton;

namespace mk::ui {

class RewrapOptionsWizardPage;

// Re-encrypt data keys (product.md §3, formats.md §3.3) and its second mode, the change of the
// secret key: re-wrap every data key (with another provider, or with a new secret key, re-encrypting
// the values encrypted directly with the secret key too), verify, then tell what to configure.
class RewrapDataKeysWizard : public OperationWizard
{
    Q_OBJECT

public:
    enum class Mode
    {
        Rewrap,
        ChangeSecretKey,
    };

    RewrapDataKeysWizard(Mode mode,
                         const model::Target& target,
                         const QString& databaseName,
                         Prompter& prompter,
                         FileChooser& files,
                         QWidget* parent = nullptr);
    ~RewrapDataKeysWizard() override;

    Mode mode() const;
    void setMode(Mode mode);

    QString introText() const override;
    QString actionName() const override;
    bool isDestructive() const override;
    bool canRetry() const override;
    bool commitsInOneTransaction() const override { return mode() == Mode::ChangeSecretKey; }
    model::Target targetAfterRun() const override;
    QByteArray newSecretKeyInPlace() const override;
    WizardJob<model::Result<model::Preflight>> preflightJob() const override;
    WizardJob<model::Result<model::OperationResult>> runJob() const override;
    // Not after a change of the secret key: the servers are stopped then (and restart with the new key).
    bool rotatesThroughInstancesAtEnd() const override { return kind() != model::OperationKind::ChangeSecretKey; }

private:
    RewrapOptionsWizardPage* m_options;
    QRadioButton* m_rewrapRadio;
    QRadioButton* m_changeKeyRadio;
    mutable QByteArray m_runKey; // the new key of the last run (memory only)
    mutable bool m_runKeyGenerated = false;
    mutable QString m_runKeyFile;
};

} // namespace mk::ui
