#include "ui/common/GuiWording.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <utility>

namespace mk::ui {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("mk::ui::GuiWording", text);
}

// Longest phrases first: a flag inside a sentence that names the action, then the bare flag.
const QList<std::pair<QRegularExpression, QString>>& replacements()
{
    static const QList<std::pair<QRegularExpression, QString>> list = [] {
        const auto re = [](const char* pattern) {
            return QRegularExpression(QString::fromLatin1(pattern), QRegularExpression::CaseInsensitiveOption);
        };
        return QList<std::pair<QRegularExpression, QString>>{
            // Repair's advice.
            {re("\\brun repair with --clear-unrecoverable to remove them"),
             tr("tick \u201cClear the values nothing can decrypt\u201d on the Candidates page to remove them")},
            {re("\\badd the right one with --candidate-key-file, or run with --force"),
             tr("add the right one as a candidate (Back), or tick the override below")},
            {re("\\brun with --force to go on anyway"),
             tr("tick \u201cI am sure the secret key is right\u201d on the Preflight page to go on anyway")},
            {re("\\brun with --force to\\b"), tr("tick the override box on the Preflight page to")},
            {re("--force (\\w+)"), tr("the override box on the Preflight page \\1")},
            {re("\\(--force ([^)]*)\\)"), tr("(the override box on the Preflight page \\1)")},
            {re("\\bor pass --servers-stopped\\b"), tr("or tick \u201cEvery server is stopped\u201d")},
            {re("--servers-stopped:"), tr("Every server declared stopped:")},
            {re("--format legacy writes"), tr("The Legacy format writes")},
            {re("\\buse --format legacy\\b"), tr("pick the Legacy format on the Options page")},
            {re("--accept-loss:"), tr("Loss accepted:")},
            {re("\\bUse --accept-loss only\\b"), tr("Accept the loss on the Preflight page only")},
            {re("--secret-key-file"), tr("a key file")},
        };
    }();
    return list;
}

} // namespace

QString guiWording(const QString& modelText)
{
    QString text = modelText;
    for (const auto& [pattern, replacement] : replacements())
        text.replace(pattern, replacement);
    // "1 values", "1 data keys": counts the model writes in the plural whatever the number.
    static const QRegularExpression one(
        QStringLiteral("(?<![\\d.,])\\b1 (values|data keys|locations|rows|failures|keys|instances)\\b"));
    QRegularExpressionMatch match;
    qsizetype from = 0;
    while ((match = one.match(text, from)).hasMatch()) {
        const QString noun = match.captured(1);
        text.replace(match.capturedStart(1), noun.size(), noun.chopped(1));
        from = match.capturedEnd(1) - 1;
    }
    return text;
}

QStringList guiWording(const QStringList& modelTexts)
{
    QStringList out;
    out.reserve(modelTexts.size());
    for (const QString& text : modelTexts)
        out << guiWording(text);
    return out;
}

} // namespace mk::ui
