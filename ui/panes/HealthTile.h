#pragma once

#include <QFrame>

class QLabel;

namespace mk::ui {

// One number with a caption on the overview ("Values 300"). The tone tints the frame.
class HealthTile : public QFrame
{
    Q_OBJECT

public:
    static constexpr int kMinimumWidth = 150;

    enum class Tone
    {
        Neutral,
        Good,
        Warning,
        Bad,
    };

    HealthTile(const QString& caption, QWidget* parent = nullptr);

    void setValue(const QString& value, Tone tone, const QString& note = {});
    QString value() const;
    Tone tone() const { return m_tone; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QLabel* m_caption;
    QLabel* m_value;
    QLabel* m_note;
    Tone m_tone = Tone::Neutral;
};

} // namespace mk::ui
