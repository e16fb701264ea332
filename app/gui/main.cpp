#include <QApplication>
#include <QLabel>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Mosaicoo Key Console"));
    QLabel label(QStringLiteral("Mosaicoo Key Console"));
    label.show();
    return QApplication::exec();
}
