#include "ui/common/MessageBoxPrompter.h"

#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>

namespace mk::ui {

bool MessageBoxPrompter::confirm(QWidget* parent,
                                 const QString& title,
                                 const QString& text,
                                 const QString& acceptLabel)
{
    QMessageBox box(QMessageBox::Question, title, text, QMessageBox::Cancel, parent);
    box.setObjectName(QStringLiteral("confirmMessageBox"));
    QPushButton* accept = box.addButton(acceptLabel, QMessageBox::AcceptRole);
    accept->setObjectName(QStringLiteral("confirmAcceptButton"));
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == accept;
}

QString MessageBoxPrompter::chooseOpenFile(QWidget* parent,
                                           const QString& title,
                                           const QString& directory,
                                           const QString& filter)
{
    return QFileDialog::getOpenFileName(parent, title, directory, filter);
}

} // namespace mk::ui
