#include "model/items/StatusIcons.h"

#include <QGuiApplication>
#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace mk::model {

namespace {

QPixmap paint(StatusIcons::Kind kind, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal s = size;
    const QRectF r(s * 0.08, s * 0.08, s * 0.84, s * 0.84);
    QPen mark(Qt::white, s * 0.13, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    switch (kind) {
    case StatusIcons::Kind::Ok: {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x2e, 0x9d, 0x4f));
        p.drawEllipse(r);
        p.setPen(mark);
        QPainterPath check;
        check.moveTo(s * 0.28, s * 0.52);
        check.lineTo(s * 0.44, s * 0.68);
        check.lineTo(s * 0.73, s * 0.35);
        p.setBrush(Qt::NoBrush);
        p.drawPath(check);
        break;
    }
    case StatusIcons::Kind::NotChecked: {
        p.setPen(QPen(QColor(0x8a, 0x8f, 0x98), s * 0.1));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(r.adjusted(s * 0.06, s * 0.06, -s * 0.06, -s * 0.06));
        break;
    }
    case StatusIcons::Kind::Failed: {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0xd6, 0x33, 0x33));
        p.drawEllipse(r);
        p.setPen(mark);
        p.drawLine(QPointF(s * 0.34, s * 0.34), QPointF(s * 0.66, s * 0.66));
        p.drawLine(QPointF(s * 0.66, s * 0.34), QPointF(s * 0.34, s * 0.66));
        break;
    }
    case StatusIcons::Kind::Warning: {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0xe0, 0x9b, 0x16));
        QPainterPath tri;
        tri.moveTo(s * 0.5, s * 0.06);
        tri.lineTo(s * 0.95, s * 0.9);
        tri.lineTo(s * 0.05, s * 0.9);
        tri.closeSubpath();
        p.drawPath(tri);
        p.setPen(QPen(Qt::white, s * 0.12, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(s * 0.5, s * 0.36), QPointF(s * 0.5, s * 0.6));
        p.drawPoint(QPointF(s * 0.5, s * 0.76));
        break;
    }
    }
    return pixmap;
}

} // namespace

QIcon StatusIcons::icon(Kind kind)
{
    static QHash<int, QIcon> cache;
    const int key = int(kind);
    auto it = cache.find(key);
    if (it == cache.end()) {
        QIcon icon;
        for (int size : {16, 24, 32, 48})
            icon.addPixmap(paint(kind, size));
        it = cache.insert(key, icon);
    }
    return *it;
}

QIcon StatusIcons::icon(SecretStatus status)
{
    switch (status) {
    case SecretStatus::Ok:
        return icon(Kind::Ok);
    case SecretStatus::Failed:
        return icon(Kind::Failed);
    case SecretStatus::NotChecked:
    case SecretStatus::External:
        break;
    }
    return icon(Kind::NotChecked);
}

QColor StatusIcons::failedBackground()
{
    return QColor(0xe0, 0x40, 0x40, 56);
}

QColor StatusIcons::warningBackground()
{
    return QColor(0xe8, 0xa3, 0x17, 56);
}

} // namespace mk::model
