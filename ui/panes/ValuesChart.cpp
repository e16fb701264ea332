#include "ui/panes/ValuesChart.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>

namespace mk::ui {

namespace {
constexpr int kBarHeight = 18;
constexpr int kRowGap = 8;
constexpr int kPadding = 12;
} // namespace

ValuesChart::ValuesChart(const QString& title, QWidget* parent)
    : QWidget(parent)
    , m_title(title)
    , m_accent(0x3b, 0x82, 0xd6)
{
    setAccessibleName(title);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void ValuesChart::setEntries(const QList<QPair<QString, qint64>>& entries)
{
    m_entries = entries;
    QStringList parts;
    for (const auto& [label, value] : entries)
        parts.append(QStringLiteral("%1: %2").arg(label).arg(value));
    setAccessibleDescription(parts.join(QStringLiteral("; ")));
    updateGeometry();
    update();
}

void ValuesChart::setAccent(const QColor& color)
{
    m_accent = color;
    update();
}

QSize ValuesChart::sizeHint() const
{
    const QFontMetrics fm(font());
    const int rows = std::max<int>(1, int(m_entries.size()));
    return {420, kPadding * 2 + fm.height() + 10 + rows * (kBarHeight + kRowGap)};
}

QSize ValuesChart::minimumSizeHint() const
{
    return {260, sizeHint().height()};
}

void ValuesChart::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.setPen(QPen(pal.color(QPalette::Mid), 1));
    p.setBrush(pal.color(QPalette::Base));
    p.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);

    QFont titleFont = font();
    titleFont.setWeight(QFont::DemiBold);
    p.setFont(titleFont);
    p.setPen(pal.color(QPalette::Text));
    const QFontMetrics tfm(titleFont);
    p.drawText(QRect(kPadding, kPadding, width() - 2 * kPadding, tfm.height()), Qt::AlignLeft, m_title);

    p.setFont(font());
    const QFontMetrics fm(font());
    int y = kPadding + tfm.height() + 10;
    if (m_entries.isEmpty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(QRect(kPadding, y, width() - 2 * kPadding, kBarHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   tr("No values"));
        return;
    }
    qint64 max = 1;
    int labelWidth = 0;
    int valueWidth = 0;
    for (const auto& [label, value] : m_entries) {
        max = std::max(max, value);
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(label) + 4);
        valueWidth = std::max(valueWidth, fm.horizontalAdvance(QString::number(value)));
    }
    labelWidth = std::min(labelWidth, width() * 11 / 20);
    const int barLeft = kPadding + labelWidth + 10;
    const int barMax = std::max(10, width() - barLeft - kPadding - valueWidth - 8);
    for (const auto& [label, value] : m_entries) {
        const QRect labelRect(kPadding, y, labelWidth, kBarHeight);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(labelRect, Qt::AlignRight | Qt::AlignVCenter,
                   fm.elidedText(label, Qt::ElideMiddle, labelWidth));
        // Track, then bar.
        QColor track = pal.color(QPalette::Mid);
        track.setAlpha(50);
        p.setPen(Qt::NoPen);
        p.setBrush(track);
        p.drawRoundedRect(QRectF(barLeft, y + 2, barMax, kBarHeight - 4), 3, 3);
        const qreal w = value == 0 ? 0 : std::max<qreal>(3, qreal(barMax) * qreal(value) / qreal(max));
        p.setBrush(m_accent);
        p.drawRoundedRect(QRectF(barLeft, y + 2, w, kBarHeight - 4), 3, 3);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRect(barLeft + int(w) + 6, y, valueWidth + 4, kBarHeight),
                   Qt::AlignLeft | Qt::AlignVCenter, QString::number(value));
        y += kBarHeight + kRowGap;
    }
}

} // namespace mk::ui
