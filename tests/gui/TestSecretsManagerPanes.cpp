// The Secrets and Data keys panes on a generated secrets-manager fixture (a real fixture with its
// secret_* tables filled: eight values in three namespaces, five data keys of two providers, one
// secure value of an external keeper): the Store column and filter (reached with the keyboard),
// owners, counts that agree with status/verify, the Status column after "Verify all" (also with a
// wrong provider key and a missing data key), reveal, and the layout at 1024x640 (screenshots).

#include "model/ActivityLog.h"
#include "model/items/DataKeysTableModel.h"
#include "model/items/SecretQuery.h"
#include "model/items/SecretsTableModel.h"
#include "model/ops/CensusJob.h"
#include "model/ops/VerifyJob.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/GsmFixture.h"
#include "ui/common/FakePrompter.h"
#include "ui/main/MainWindow.h"
#include "ui/panes/DataKeysPane.h"
#include "ui/panes/SecretsPane.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "GuiTestSupport.h"

using namespace mk;
using model::DataKeysTableModel;
using model::SecretsTableModel;

namespace {

constexpr int kTimeout = 120'000;

bool waitComplete(SecretsTableModel* model)
{
    QSignalSpy spy(model, &SecretsTableModel::countChanged);
    for (int i = 0; i < 200 && !(model->isComplete() && !model->isLoading()); ++i) {
        if (!spy.wait(10'000))
            return false;
    }
    return model->isComplete();
}

void fetchAll(SecretsTableModel* model)
{
    for (int i = 0; i < 1000 && model->rowCount() < model->totalCount(); ++i) {
        QSignalSpy page(model, &SecretsTableModel::pageLoaded);
        if (!model->canFetchMore({}))
            QTest::qWait(0);
        else
            model->fetchMore({});
        if (model->rowCount() < model->totalCount())
            page.wait(10'000);
    }
}

// Whether column `column` of the view ends inside its viewport (nothing cut off at the right).
bool columnVisible(QTableView* view, int column)
{
    const QHeaderView* header = view->horizontalHeader();
    return header->sectionViewportPosition(column) + header->sectionSize(column)
        <= view->viewport()->width();
}

} // namespace

class TestSecretsManagerPanes : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        test::isolateApplication(QStringLiteral("test_gui_secrets_manager_panes"));
        QSettings().clear();
    }
    void init() { test::failOnThreadingWarnings(); }

    void panesShowTheStore();
    void wrongProviderKeyAndMissingKey();

private:
    void open(ui::MainWindow& window, const model::Target& target);
    QStringList rowIdsOf(SecretsTableModel* model, QSet<QString>* stores = nullptr);
};

void TestSecretsManagerPanes::open(ui::MainWindow& window, const model::Target& target)
{
    QSignalSpy census(&window, &ui::MainWindow::censusFinished);
    window.openTarget(target);
    QVERIFY(census.wait(kTimeout));
    QVERIFY(census.last().at(0).toBool());
    QVERIFY(waitComplete(window.secretsPane()->model()));
}

QStringList TestSecretsManagerPanes::rowIdsOf(SecretsTableModel* model, QSet<QString>* stores)
{
    fetchAll(model);
    QStringList ids;
    for (int r = 0; r < model->rowCount(); ++r) {
        ids << model->index(r, 0).data(SecretsTableModel::RowIdRole).toString();
        if (stores)
            stores->insert(model->index(r, 0).data(SecretsTableModel::StoreRole).toString());
    }
    ids.sort();
    return ids;
}

void TestSecretsManagerPanes::panesShowTheStore()
{
    QTemporaryDir dir;
    const test::GsmFixture f = test::makeGsmFixture(test::gsmFixtureWithColumn(), dir.path());
    const model::Target target = test::gsmTargetFor(
        f.databasePath, test::writeGsmConfig(dir.path()), test::kDefaultSecretKey);
    const auto census = model::runCensus(target, nullptr);
    const auto verified = model::runVerify(target, {}, nullptr);
    QVERIFY(census && verified);

    ui::FakePrompter prompter;
    const auto mainWindow = test::showMainWindow(prompter, dir.filePath(QStringLiteral("activity.jsonl")));
    QVERIFY(mainWindow);
    ui::MainWindow& window = *mainWindow;
    window.resize(1024, 640);
    open(window, target);
    if (QTest::currentTestFailed())
        return;
    ui::SecretsPane* pane = window.secretsPane();
    SecretsTableModel* model = pane->model();

    // Every value of both stores, plus the secure value of another keeper, which is no value: the
    // count agrees with status.
    QCOMPARE(model->externalCount(), 1);
    QCOMPARE(qint64(model->totalCount() - model->externalCount()), census->totals.values);
    const QString countText = pane->findChild<QLabel*>(QStringLiteral("countLabel"))->text();
    QVERIFY2(countText.startsWith(QStringLiteral("%1 values").arg(census->totals.values))
            && countText.contains(QStringLiteral("1 secure value of another keeper")),
        qPrintable(countText));

    // The Store filter is the next stop after the text filter; arrow keys pick the store.
    window.showPane(ui::MainWindow::SecretsTab);
    auto* search = pane->findChild<QLineEdit*>(QStringLiteral("searchEdit"));
    auto* store = pane->findChild<QComboBox*>(QStringLiteral("storeFilterCombo"));
    QVERIFY(search && store);
    QCOMPARE(store->accessibleName(), QStringLiteral("Store filter"));
    search->setFocus(Qt::ShortcutFocusReason);
    QTRY_VERIFY(search->hasFocus());
    QTest::keyClick(search, Qt::Key_Tab);
    QTRY_VERIFY(store->hasFocus());
    QTest::keyClick(store, Qt::Key_Down);
    QTest::keyClick(store, Qt::Key_Down);
    QCOMPARE(store->currentData().toString(), QString::fromLatin1(model::kStoreSecretsManager));
    QVERIFY(waitComplete(model));
    QSet<QString> stores;
    QStringList expected = f.plaintexts.keys();
    expected << QStringLiteral("default/vault-ref/1"); // the external keeper's secure value
    expected.sort();
    const QStringList ids = rowIdsOf(model, &stores);
    QCOMPARE(ids.size(), expected.size());
    QCOMPARE(ids, expected);
    QCOMPARE(stores, QSet<QString> {QString::fromLatin1(model::kStoreSecretsManager)});
    for (int r = 0; r < model->rowCount(); ++r) {
        const QString rowId = model->index(r, 0).data(SecretsTableModel::RowIdRole).toString();
        const QString owner = model->index(r, SecretsTableModel::Owner).data().toString();
        QCOMPARE(model->index(r, SecretsTableModel::Store).data().toString(),
            QStringLiteral("secrets manager"));
        QVERIFY2(owner.startsWith(rowId.section(QLatin1Char('/'), 0, 1)), qPrintable(owner));
        if (f.plaintexts.contains(rowId)) {
            QCOMPARE(model->index(r, SecretsTableModel::Location).data().toString(),
                QStringLiteral("secret_encrypted_value.encrypted_data"));
            QCOMPARE(model->index(r, SecretsTableModel::DataKey).data().toString(),
                f.valueKeys.value(rowId));
            QVERIFY2(
                owner.contains(QStringLiteral("(generated) · keeper system")), qPrintable(owner));
            QCOMPARE(model->index(r, SecretsTableModel::Status).data().toString(),
                QStringLiteral("not checked"));
        } else {
            QCOMPARE(model->index(r, SecretsTableModel::Status).data().toString(),
                QStringLiteral("other keeper"));
            QCOMPARE(
                model->index(r, SecretsTableModel::Format).data().toString(), QStringLiteral("—"));
            QVERIFY2(!owner.contains(QStringLiteral("keeper system")), qPrintable(owner));
        }
    }

    // Verify all: the store's rows get their status; the numbers are verify's.
    model::VerifyResult result;
    connect(pane, &ui::SecretsPane::verifyFinished, this,
        [&result](const model::VerifyResult& r) { result = r; });
    QSignalSpy finished(pane, &ui::SecretsPane::verifyFinished);
    QTest::mouseClick(
        pane->findChild<QPushButton*>(QStringLiteral("verifyStartButton")), Qt::LeftButton);
    QVERIFY(finished.wait(kTimeout));
    QCOMPARE(result.checked, verified->checked);
    QCOMPARE(result.failed, verified->failed);
    for (int r = 0; r < model->rowCount(); ++r) {
        const QString rowId = model->index(r, 0).data(SecretsTableModel::RowIdRole).toString();
        QCOMPARE(model->index(r, SecretsTableModel::Status).data().toString(),
            f.plaintexts.contains(rowId) ? QStringLiteral("decrypts")
                                         : QStringLiteral("other keeper"));
    }
    auto* status = pane->findChild<QComboBox*>(QStringLiteral("statusFilterCombo"));
    status->setCurrentIndex(status->findData(QString::fromLatin1(model::kStatusOk)));
    QVERIFY(waitComplete(model));
    QCOMPARE(model->totalCount(), f.plaintexts.size());
    status->setCurrentIndex(status->findData(QString::fromLatin1(model::kStatusExternal)));
    QVERIFY(waitComplete(model));
    QCOMPARE(model->totalCount(), 1);
    status->setCurrentIndex(0);
    QVERIFY(waitComplete(model));

    // Reveal a value of the store (after the confirmation); the external one cannot be revealed.
    fetchAll(model);
    int valueRow = -1;
    int externalRow = -1;
    for (int r = 0; r < model->rowCount(); ++r) {
        const QString rowId = model->index(r, 0).data(SecretsTableModel::RowIdRole).toString();
        if (rowId == QLatin1String("org-2/sm-token/1"))
            valueRow = r;
        else if (!f.plaintexts.contains(rowId))
            externalRow = r;
    }
    QVERIFY(valueRow >= 0 && externalRow >= 0);
    test::clickIndex(pane->view(), model->index(externalRow, SecretsTableModel::Owner));
    QVERIFY(!pane->findChild<QPushButton*>(QStringLiteral("revealButton"))->isEnabled());
    test::clickIndex(pane->view(), model->index(valueRow, SecretsTableModel::Owner));
    QVERIFY(pane->findChild<QPushButton*>(QStringLiteral("revealButton"))->isEnabled());
    prompter.queueConfirm(true);
    QSignalSpy shown(pane, &ui::SecretsPane::revealShown);
    pane->revealCurrent();
    QVERIFY(shown.wait(kTimeout));
    QVERIFY(pane->findChild<QPlainTextEdit*>(QStringLiteral("revealedValueEdit"))
                ->toPlainText()
                .toUtf8()
        == f.plaintexts.value(QStringLiteral("org-2/sm-token/1")));
    pane->hideRevealed();

    // The legacy store alone: exactly the legacy values.
    store->setCurrentIndex(store->findData(QString::fromLatin1(model::kStoreLegacy)));
    QVERIFY(waitComplete(model));
    QCOMPARE(qint64(model->totalCount()), census->totals.values - qint64(f.plaintexts.size()));
    QCOMPARE(model->externalCount(), 0);

    // Layout at 1024x640: the Store column and Status are on screen, and a screenshot to look at.
    store->setCurrentIndex(store->findData(QString::fromLatin1(model::kStoreSecretsManager)));
    QVERIFY(waitComplete(model));
    QVERIFY(columnVisible(pane->view(), SecretsTableModel::Store));
    QVERIFY(columnVisible(pane->view(), SecretsTableModel::Status));
    QVERIFY2(store->width() >= store->sizeHint().width(),
        "the Store filter is squeezed: its text is cut");
    const QString shots = QCoreApplication::applicationDirPath() + QStringLiteral("/screenshots");
    QDir().mkpath(shots);
    QVERIFY(window.grab().save(shots + QStringLiteral("/secrets-gsm-1024x640.png")));

    // Data keys: both stores, the secrets manager's with namespace, provider, label, active.
    window.showPane(ui::MainWindow::DataKeysTab);
    ui::DataKeysPane* keysPane = window.dataKeysPane();
    DataKeysTableModel* keys = keysPane->model();
    QCOMPARE(keys->rowCount(), census->dataKeys.size());
    int gsmKeys = 0;
    for (int r = 0; r < keys->rowCount(); ++r) {
        const QString id = keys->idAt(r);
        if (!f.dataKeyUids.contains(id)) {
            QCOMPARE(keys->index(r, DataKeysTableModel::Store).data().toString(),
                QStringLiteral("legacy"));
            continue;
        }
        ++gsmKeys;
        QCOMPARE(keys->index(r, DataKeysTableModel::Store).data().toString(),
            QStringLiteral("secrets manager"));
        QVERIFY(keys->index(r, DataKeysTableModel::Label)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("2026-03-01@secret_key.v")));
        QVERIFY(keys->index(r, DataKeysTableModel::Provider)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("secret_key.v")));
        QVERIFY(QStringList(
            {QStringLiteral("default"), QStringLiteral("org-2"), QStringLiteral("stacks-7")})
                    .contains(keys->index(r, DataKeysTableModel::Scope).data().toString()));
        QCOMPARE(
            keys->index(r, DataKeysTableModel::Unwrap).data().toString(), QStringLiteral("ok"));
        if (id == f.unusedDataKeyUid)
            QCOMPARE(keys->kindAt(r), DataKeysTableModel::Kind::Unused);
    }
    QCOMPARE(gsmKeys, f.dataKeyUids.size());
    // Alt+R reaches the Store filter.
    QComboBox* keyStore = keysPane->storeFilter();
    QCOMPARE(keyStore->objectName(), QStringLiteral("dataKeysStoreFilterCombo"));
    QTest::keyClick(&window, Qt::Key_R, Qt::AltModifier);
    QTRY_VERIFY(keyStore->hasFocus());
    keyStore->setCurrentIndex(keyStore->findData(QString::fromLatin1(model::kStoreSecretsManager)));
    int visible = 0;
    for (int r = 0; r < keys->rowCount(); ++r) {
        if (!keysPane->view()->isRowHidden(r)) {
            ++visible;
            QVERIFY(f.dataKeyUids.contains(keys->idAt(r)));
        }
    }
    QCOMPARE(visible, f.dataKeyUids.size());
    QVERIFY(keysPane->findChild<QLabel*>(QStringLiteral("dataKeysSummaryLabel"))
                ->text()
                .contains(QStringLiteral("5 shown")));
    QVERIFY(columnVisible(keysPane->view(), DataKeysTableModel::Store));
    QVERIFY(columnVisible(keysPane->view(), DataKeysTableModel::Scope));
    QVERIFY(keyStore->width() >= keyStore->sizeHint().width());
    QVERIFY(window.grab().save(shots + QStringLiteral("/data-keys-gsm-1024x640.png")));
    keyStore->setCurrentIndex(keyStore->findData(QString::fromLatin1(model::kStoreLegacy)));
    visible = 0;
    for (int r = 0; r < keys->rowCount(); ++r)
        visible += keysPane->view()->isRowHidden(r) ? 0 : 1;
    QCOMPARE(visible, keys->rowCount() - f.dataKeyUids.size());
    keyStore->setCurrentIndex(0);
}

// secret_key.v1 configured with a wrong key and one data key row deleted: verify shows the failures
// on the store's rows, with the numbers of verify; the Data keys pane shows the broken keys and
// the missing one (as a secrets-manager row).
void TestSecretsManagerPanes::wrongProviderKeyAndMissingKey()
{
    QTemporaryDir dir;
    const test::GsmFixture f = test::makeGsmFixture(test::gsmFixtureWithColumn(), dir.path());
    const QString missing = f.dataKeyUids.at(3); // stacks-7: two values
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("gsm-panes"));
        db.setDatabaseName(f.databasePath);
        QVERIFY(db.open());
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM secret_data_key WHERE uid = ?"));
        q.addBindValue(missing);
        QVERIFY(q.exec());
        QCOMPARE(q.numRowsAffected(), 1);
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("gsm-panes"));
    const model::Target target = test::gsmTargetFor(f.databasePath,
        test::writeGsmConfig(dir.path(), QStringLiteral("secret_key.v1"), "wrong-kek"),
        test::kDefaultSecretKey);
    const auto census = model::runCensus(target, nullptr);
    const auto verified = model::runVerify(target, {}, nullptr);
    QVERIFY(census && verified);
    QMap<QString, QString> expected; // rowId -> reason of verify
    for (const model::ValueFailure& failure : verified->failures) {
        if (failure.table == QLatin1String("secret_encrypted_value"))
            expected.insert(failure.rowId, model::reasonName(failure.reason));
    }
    QCOMPARE(expected.size(), 6); // four values under v1 keys, two under the missing key

    ui::FakePrompter prompter;
    const auto mainWindow = test::showMainWindow(prompter, dir.filePath(QStringLiteral("activity.jsonl")));
    QVERIFY(mainWindow);
    ui::MainWindow& window = *mainWindow;
    window.resize(1024, 640);
    open(window, target);
    if (QTest::currentTestFailed())
        return;
    ui::SecretsPane* pane = window.secretsPane();
    SecretsTableModel* model = pane->model();
    auto* store = pane->findChild<QComboBox*>(QStringLiteral("storeFilterCombo"));
    store->setCurrentIndex(store->findData(QString::fromLatin1(model::kStoreSecretsManager)));
    QVERIFY(waitComplete(model));
    // Before verify: the missing key is known from the tables alone.
    fetchAll(model);
    int missingRows = 0;
    for (int r = 0; r < model->rowCount(); ++r)
        missingRows += model->index(r, 0).data(SecretsTableModel::FailureReasonRole).toString()
                == QLatin1String("missing-data-key")
            ? 1
            : 0;
    QCOMPARE(missingRows, 2);

    qint64 failed = -1;
    connect(pane, &ui::SecretsPane::verifyFinished, this,
        [&failed](const model::VerifyResult& r) { failed = r.failed; });
    QSignalSpy finished(pane, &ui::SecretsPane::verifyFinished);
    pane->startVerify();
    QVERIFY(finished.wait(kTimeout));
    QCOMPARE(failed, verified->failed);
    QMap<QString, QString> shown;
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data(SecretsTableModel::FailedRole).toBool())
            shown.insert(model->index(r, 0).data(SecretsTableModel::RowIdRole).toString(),
                model->index(r, SecretsTableModel::Status).data().toString());
    }
    QCOMPARE(shown, expected);
    auto* status = pane->findChild<QComboBox*>(QStringLiteral("statusFilterCombo"));
    status->setCurrentIndex(status->findData(QString::fromLatin1(model::kStatusFailed)));
    QVERIFY(waitComplete(model));
    QCOMPARE(model->totalCount(), 6);

    // Data keys: the v1 keys do not unwrap (red), the deleted one is listed as missing.
    DataKeysTableModel* keys = window.dataKeysPane()->model();
    QCOMPARE(keys->missingCount(), 1);
    const int row = keys->rowForId(missing);
    QVERIFY(row >= 0);
    QCOMPARE(keys->kindAt(row), DataKeysTableModel::Kind::Missing);
    QCOMPARE(keys->index(row, DataKeysTableModel::Store).data().toString(),
        QStringLiteral("secrets manager"));
    QCOMPARE(keys->index(row, DataKeysTableModel::Label).data().toString(),
        QStringLiteral("(missing from secret_data_key)"));
    QCOMPARE(keys->index(row, DataKeysTableModel::References).data().toLongLong(), 2);
    int broken = 0;
    for (int r = 0; r < keys->rowCount(); ++r)
        broken += keys->kindAt(r) == DataKeysTableModel::Kind::Broken ? 1 : 0;
    QCOMPARE(broken, 3); // the v1 keys left: two in default, one (unused) in org-2
}

QTEST_MAIN(TestSecretsManagerPanes)
#include "TestSecretsManagerPanes.moc"
