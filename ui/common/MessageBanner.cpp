#include "ui/common/MessageBanner.h"

#include "model/items/StatusIcons.h"

#include <QApplication>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

namespace mk::ui {

MessageBanner::MessageBanner(QWidget* parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_action(new QPushButton(this))
    , m_secondAction(new QPushButton(this))
    , m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    setAccessibleName(tr("Message"));
    setAutoFillBackground(false);
    m_text->setObjectName(QStringLiteral("messageText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_action->setObjectName(QStringLiteral("messageActionButton"));
    m_action->hide();
    m_secondAction->setObjectName(QStringLiteral("messageSecondActionButton"));
    m_secondAction->hide();
    m_close->setObjectName(QStringLiteral("messageCloseButton"));
    m_close->setAccessibleName(tr("Close message"));
    m_close->setToolTip(tr("Close"));
    m_close->setAutoRaise(true);
    m_close->setText(QStringLiteral("✕"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->setSpacing(10);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action, 0, Qt::AlignVCenter);
    layout->addWidget(m_secondAction, 0, Qt::AlignVCenter);
    layout->addWidget(m_close, 0, Qt::AlignTop);

    m_autoHide.setSingleShot(true);
    connect(&m_autoHide, &QTimer::timeout, this, &MessageBanner::hideMessage);
    connect(m_close, &QToolButton::clicked, this, &MessageBanner::hideMessage);
    connect(m_action, &QPushButton::clicked, this, &MessageBanner::actionTriggered);
    connect(m_secondAction, &QPushButton::clicked, this, &MessageBanner::secondActionTriggered);
    hide();
}

void MessageBanner::showMessage(const QString& text, Type type, int autoHideMs)
{
    m_type = type;
    m_text->setText(text);
    m_text->setAccessibleName(text);
    applyStyle();
    show();
    if (autoHideMs > 0)
        m_autoHide.start(autoHideMs);
    else
        m_autoHide.stop();
}

void MessageBanner::setActionText(const QString& text)
{
    m_action->setText(text);
    m_action->setVisible(!text.isEmpty());
}

void MessageBanner::setSecondActionText(const QString& text)
{
    m_secondAction->setText(text);
    m_secondAction->setVisible(!text.isEmpty());
}

void MessageBanner::hideMessage()
{
    m_autoHide.stop();
    if (isVisible()) {
        hide();
        emit closed();
    }
}

QString MessageBanner::text() const
{
    return m_text->text();
}

void MessageBanner::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_applyingStyle)
        applyStyle();
}

void MessageBanner::applyStyle()
{
    using model::StatusIcons;
    QColor accent;
    StatusIcons::Kind kind = StatusIcons::Kind::Ok;
    switch (m_type) {
    case Type::Information:
        accent = QColor(0x2f, 0x7d, 0xd1);
        kind = StatusIcons::Kind::NotChecked;
        break;
    case Type::Positive:
        accent = QColor(0x2e, 0x9d, 0x4f);
        kind = StatusIcons::Kind::Ok;
        break;
    case Type::Warning:
        accent = QColor(0xe0, 0x9b, 0x16);
        kind = StatusIcons::Kind::Warning;
        break;
    case Type::Error:
        accent = QColor(0xd6, 0x33, 0x33);
        kind = StatusIcons::Kind::Failed;
        break;
    }
    m_icon->setPixmap(StatusIcons::icon(kind).pixmap(20, 20));
    // Tint over the window colour of the surroundings (never our own palette: the style sheet's
    // background becomes it, and tinting that again on the next palette change builds up the
    // colour); text keeps the palette's WindowText.
    const QColor base = (parentWidget() ? parentWidget()->palette() : QApplication::palette(this))
                            .color(QPalette::Window);
    const auto mix = [&](qreal a) {
        return QColor::fromRgbF(base.redF() * (1 - a) + accent.redF() * a,
                                base.greenF() * (1 - a) + accent.greenF() * a,
                                base.blueF() * (1 - a) + accent.blueF() * a);
    };
    const QString sheet = (QStringLiteral("mk--ui--MessageBanner { background: %1; border: 1px solid %2;"
                                 " border-left: 4px solid %3; border-radius: 4px; }")
                      .arg(mix(0.16).name(), mix(0.45).name(), accent.name()));
    if (sheet == styleSheet())
        return;
    m_applyingStyle = true;
    setStyleSheet(sheet);
    m_applyingStyle = false;
}

} // namespace mk::ui
