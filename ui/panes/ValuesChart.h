#pragma once

#include <QList>
#include <QPair>
#include <QWidget>

namespace mk::ui {

// Horizontal bar chart painted with QPainter: one labelled bar per entry, value at the bar's end.
// Uses palette roles for text and grid, a fixed accent per series.
class ValuesChart : public QWidget
{
    Q_OBJECT

public:
    explicit ValuesChart(const QString& title, QWidget* parent = nullptr);

    void setEntries(const QList<QPair<QString, qint64>>& entries);
    void setAccent(const QColor& color);
    const QList<QPair<QString, qint64>>& entries() const { return m_entries; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_title;
    QList<QPair<QString, qint64>> m_entries;
    QColor m_accent;
};

} // namespace mk::ui
