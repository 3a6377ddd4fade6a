// EditorSession: the editor's files, loading, parameters and renders, without widgets.
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/DngWriter.h"
#include "tests/ui/UiTestSupport.h"
#include "ui/services/EditorSession.h"

using namespace nocturne;

class tst_EditorSession : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void opensRendersAndRendersNewParams();
    void aMethodThePhotoCannotRunFallsBackAndSaysWhy();
    void eachKindOpensWithItsRememberedMethod();
    void onlyTheLastSelectedFileArrives();
    void aBrokenFileFailsWithItsName();
    void aRawShowsItsCameraPreviewBeforeTheProxy();

private:
    std::shared_ptr<core::EnhancerRegistry> registry() const;
    QTemporaryDir m_dir;
    QString m_a, m_b;
};

void tst_EditorSession::initTestCase()
{
    m_a = m_dir.filePath("a.png");
    m_b = m_dir.filePath("b.png");
    QVERIFY(uitest::writeDarkPng(m_a, 64, 48, 40));
    QVERIFY(uitest::writeDarkPng(m_b, 80, 60, 30));
}

std::shared_ptr<core::EnhancerRegistry> tst_EditorSession::registry() const
{
    auto r = std::make_shared<core::EnhancerRegistry>(core::EnhancerRegistry::withClassicalMethods());
    r->add(std::make_shared<uitest::CountingEnhancer>("mosaicnet", 0, core::InputKind::BayerMosaic));
    return r;
}

void tst_EditorSession::opensRendersAndRendersNewParams()
{
    ui::EditorSession session(registry());
    QCOMPARE(session.addFiles({m_a, m_b}), 0);
    QCOMPARE(session.addFiles({m_b}), 1);   // already open: not added twice
    QCOMPARE(session.files().size(), 2);
    QSignalSpy loaded(&session, &ui::EditorSession::sourceLoaded);
    QSignalSpy ready(&session, &ui::EditorSession::previewReady);
    session.select(1);
    QVERIFY(session.isLoading());
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.at(0).at(0).toString(), m_b);
    QVERIFY(!session.isLoading());
    QCOMPARE(session.currentIndex(), 1);
    QVERIFY(ready.count() == 1 || ready.wait(10000));
    QCOMPARE(session.lastOutput().display.size(), QSize(80, 60));

    ui::EditorParams params = session.params();
    params.gamma = 3.0;
    params.method = QStringLiteral("he");
    session.setParams(params);
    QTRY_VERIFY_WITH_TIMEOUT(session.lastOutput().params == params.toProcessParams(), 10000);
}

void tst_EditorSession::aMethodThePhotoCannotRunFallsBackAndSaysWhy()
{
    ui::EditorSession session(registry());
    session.rememberMethod(QStringLiteral("raster"), QStringLiteral("mosaicnet"));
    ui::EditorParams params;
    params.method = QStringLiteral("mosaicnet");
    session.setParams(params);   // no photo yet: nothing renders
    QSignalSpy loaded(&session, &ui::EditorSession::sourceLoaded);
    session.select(session.addFiles({m_a}));
    QVERIFY(loaded.wait(10000));
    QVERIFY(!session.supportsMethod(QStringLiteral("mosaicnet")));
    QVERIFY(session.supportsMethod(QStringLiteral("dhe")));
    QVERIFY(session.params().method != QLatin1String("mosaicnet"));
    // The remembered choice is unusable here, so the photo opens with the best method for its
    // kind, and nothing had to fall back silently.
    QCOMPARE(loaded.at(0).at(1).toString(), QString());
    QString why;
    QVERIFY(!session.supportsMethod(QStringLiteral("not-installed"), &why));
    QVERIFY(why.contains(QStringLiteral("not-installed")));
}

void tst_EditorSession::eachKindOpensWithItsRememberedMethod()
{
    ui::EditorSession session(registry());
    session.rememberMethod(QStringLiteral("raster"), QStringLiteral("retinex"));
    QSignalSpy loaded(&session, &ui::EditorSession::sourceLoaded);
    session.select(session.addFiles({m_a}));
    QVERIFY(loaded.wait(10000));
    QCOMPARE(session.sourceKind(), QStringLiteral("raster"));
    QCOMPARE(session.params().method, QStringLiteral("retinex"));
}

void tst_EditorSession::onlyTheLastSelectedFileArrives()
{
    ui::EditorSession session(registry());
    session.addFiles({m_a, m_b});
    QSignalSpy loaded(&session, &ui::EditorSession::sourceLoaded);
    session.select(0);
    session.select(1);
    QVERIFY(loaded.wait(10000));
    QTest::qWait(200);
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(loaded.at(0).at(0).toString(), m_b);
    QCOMPARE(session.source().path, m_b);
}

void tst_EditorSession::aBrokenFileFailsWithItsName()
{
    const QString broken = m_dir.filePath("broken.png");
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("\x89PNG\r\n\x1a\n not really");
    f.close();
    ui::EditorSession session(registry());
    QSignalSpy failed(&session, &ui::EditorSession::loadFailed);
    session.select(session.addFiles({broken}));
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.at(0).at(0).toString(), broken);
    QVERIFY2(failed.at(0).at(1).toString().contains(QStringLiteral("broken.png")), qPrintable(failed.at(0).at(1).toString()));
    QVERIFY(session.source().isNull());
}

void tst_EditorSession::aRawShowsItsCameraPreviewBeforeTheProxy()
{
    testsupport::DngSpec spec;
    spec.mosaic = testsupport::makeSceneMosaic(640, 480, core::CfaPattern::RGGB, spec.blackLevel, spec.whiteLevel,
                                               0.02, 9);
    spec.preview = cv::Mat(240, 320, CV_8UC3, cv::Scalar(12, 10, 8));   // a dark camera JPEG
    const QString raw = m_dir.filePath("with-preview.dng");
    QCOMPARE(QString::fromStdString(testsupport::writeDng(raw.toStdString(), spec)), QString());

    ui::EditorSession session(registry());
    QStringList order;
    QImage glimpse;
    connect(&session, &ui::EditorSession::glimpseReady, this, [&](const QString& path, const QImage& image) {
        order << QStringLiteral("glimpse");
        QCOMPARE(path, raw);
        glimpse = image;
    });
    connect(&session, &ui::EditorSession::sourceLoaded, this, [&] { order << QStringLiteral("loaded"); });
    session.select(session.addFiles({raw}));
    QTRY_VERIFY_WITH_TIMEOUT(order.contains(QStringLiteral("loaded")), 20000);
    QCOMPARE(order, (QStringList{QStringLiteral("glimpse"), QStringLiteral("loaded")}));
    QCOMPARE(glimpse.size(), QSize(320, 240));
    // Brightened as "amplify only" would show it: the stored preview is nearly black.
    QVERIFY2(qGray(glimpse.pixel(160, 120)) > 60, qPrintable(QString::number(qGray(glimpse.pixel(160, 120)))));

    // A PNG has no camera preview: only the proxy arrives.
    order.clear();
    session.select(session.addFiles({m_a}));
    QTRY_VERIFY_WITH_TIMEOUT(order.contains(QStringLiteral("loaded")), 10000);
    QCOMPARE(order, QStringList{QStringLiteral("loaded")});
}

QTEST_MAIN(tst_EditorSession)
#include "tst_EditorSession.moc"
