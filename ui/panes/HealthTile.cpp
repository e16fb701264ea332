#include "ui/panes/HealthTile.h"

#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

namespace mk::ui {

HealthTile::HealthTile(const QString& caption, QWidget* parent)
    : QFrame(parent)
    , m_caption(new QLabel(caption, this))
    , m_value(new QLabel(QStringLiteral("—"), this))
    , m_note(new QLabel(this))
{
    setAccessibleName(caption);
    setMinimumSize(kMinimumWidth, 96);
    // Minimum, not Fixed: the tiles of a row take the tallest one's height (a caption that wraps).
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
    QFont valueFont = m_value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 2.0);
    valueFont.setWeight(QFont::DemiBold);
    m_value->setFont(valueFont);
    m_value->setObjectName(QStringLiteral("tileValueLabel"));
    m_caption->setObjectName(QStringLiteral("tileCaptionLabel"));
    m_caption->setWordWrap(true); // narrow windows: two lines rather than a clipped caption
    m_note->setObjectName(QStringLiteral("tileNoteLabel"));
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_note->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 10, 14, 10);
    layout->setSpacing(2);
    layout->addWidget(m_caption);
    layout->addWidget(m_value);
    layout->addWidget(m_note);
    layout->addStretch(1);
}

void HealthTile::setValue(const QString& value, Tone tone, const QString& note)
{
    m_value->setText(value);
    m_note->setText(note);
    m_tone = tone;
    setAccessibleDescription(value + QLatin1Char(' ') + note);
    update();
}

QString HealthTile::value() const
{
    return m_value->text();
}

void HealthTile::paintEvent(QPaintEvent* event)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QColor accent;
    switch (m_tone) {
    case Tone::Neutral:
        accent = palette().color(QPalette::Mid);
        break;
    case Tone::Good:
        accent = QColor(0x2e, 0x9d, 0x4f);
        break;
    case Tone::Warning:
        accent = QColor(0xe0, 0x9b, 0x16);
        break;
    case Tone::Bad:
        accent = QColor(0xd6, 0x33, 0x33);
        break;
    }
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QColor fill = palette().color(QPalette::Base);
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.setBrush(fill);
    p.drawRoundedRect(r, 6, 6);
    QPainterPath clip;
    clip.addRoundedRect(r, 6, 6);
    p.setClipPath(clip);
    p.fillRect(QRectF(r.left(), r.top(), 5, r.height()), accent);
    QFrame::paintEvent(event);
}

} // namespace mk::ui
