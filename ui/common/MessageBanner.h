#pragma once

#include <QFrame>
#include <QTimer>

class QLabel;
class QToolButton;
class QPushButton;

namespace mk::ui {

// Inline, non-blocking message strip (KeePassXC's MessageWidget idea) for recoverable problems and
// warnings. Colours are translucent tints over the window palette so the text (palette
// WindowText) stays readable in light and dark themes.
class MessageBanner : public QFrame
{
    Q_OBJECT

public:
    enum class Type
    {
        Information,
        Positive,
        Warning,
        Error,
    };

    explicit MessageBanner(QWidget* parent = nullptr);

    // autoHideMs = 0 keeps it until closed or replaced.
    void showMessage(const QString& text, Type type, int autoHideMs = 0);
    // Adds a button that emits actionTriggered() (empty text: no button).
    void setActionText(const QString& text);
    // A second button (the health banner's "Repair…") that emits secondActionTriggered().
    void setSecondActionText(const QString& text);
    void hideMessage();

    QString text() const;
    Type type() const { return m_type; }

signals:
    void actionTriggered();
    void secondActionTriggered();
    void closed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyStyle();

    QLabel* m_icon;
    QLabel* m_text;
    QPushButton* m_action;
    QPushButton* m_secondAction;
    QToolButton* m_close;
    QTimer m_autoHide;
    Type m_type = Type::Information;
    bool m_applyingStyle = false;
};

} // namespace mk::ui
