#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream(stdout) << "mosaicoo-keys-cli 0.1.0\n";
    return 0;
}
