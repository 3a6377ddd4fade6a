#include <QSignalSpy>
#include <QtTest>

#include "core/enhance/Gamma.h"
#include "tests/ui/UiTestSupport.h"
#include "ui/widgets/ComparePane.h"
#include "ui/widgets/CompareView.h"
#include "ui/widgets/ImageView.h"

using namespace nocturne;

class tst_CompareView : public QObject {
    Q_OBJECT
private slots:
    void panesRenderTheirMethods();
    void hiddenPanesRenderNothingUntilShown();
    void referenceShowsMetricsInTheLabels();
    void zoomAndPanAreSynchronised();
};

namespace {

std::shared_ptr<core::EnhancerRegistry> registry()
{
    return std::make_shared<core::EnhancerRegistry>(core::EnhancerRegistry::withClassicalMethods());
}

ui::PreviewSource source()
{
    return ui::PreviewSource::fromDecoded(uitest::makeDarkImage(120, 80, 0.03f), "compare-test");
}

}  // namespace

void tst_CompareView::panesRenderTheirMethods()
{
    ui::CompareView view(registry());
    view.setPaneCount(3);
    view.show();
    QSignalSpy done(&view, &ui::CompareView::allPanesFinished);
    view.setSource(source());
    QTRY_VERIFY_WITH_TIMEOUT(view.isIdle() && !view.pane(2)->view()->afterImage().isNull(), 10000);
    QCOMPARE(view.pane(0)->method(), ui::ComparePane::kOriginal);
    // The default rendering first, then the classical baselines.
    QCOMPARE(view.pane(1)->method(), QStringLiteral("none"));
    QCOMPARE(view.pane(2)->method(), QStringLiteral("he"));
    QVERIFY(view.pane(0)->view()->afterImage() != view.pane(1)->view()->afterImage());
    QVERIFY(view.pane(1)->view()->afterImage() != view.pane(2)->view()->afterImage());
    QVERIFY(view.pane(1)->labelText().startsWith("Amplify only"));
    QVERIFY(view.pane(2)->labelText().startsWith("Histogram"));
}

void tst_CompareView::hiddenPanesRenderNothingUntilShown()
{
    ui::CompareView view(registry());
    view.setPaneCount(2);
    view.setSource(source());   // the window is not shown yet
    QTest::qWait(100);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(view.pane(i)->rendersStarted(), 0);
    view.show();
    QTRY_VERIFY_WITH_TIMEOUT(view.isIdle() && !view.pane(1)->view()->afterImage().isNull(), 10000);
    QVERIFY(view.pane(1)->rendersStarted() >= 1);
    QCOMPARE(view.pane(3)->rendersStarted(), 0);   // beyond the pane count
    view.setPaneCount(4);
    QTRY_VERIFY_WITH_TIMEOUT(view.isIdle() && !view.pane(3)->view()->afterImage().isNull(), 10000);
    QVERIFY(view.pane(3)->rendersStarted() >= 1);
}

void tst_CompareView::referenceShowsMetricsInTheLabels()
{
    ui::CompareView view(registry());
    view.setPaneCount(2);
    view.show();
    // A bright version of the same scene as the reference.
    const core::ImageBuffer reference = core::Gamma::encode(core::ImageBuffer(uitest::makeDarkImage(120, 80, 0.5f).rgb.mat()));
    view.setReference(reference, "bright.png");
    view.setSource(source());
    QTRY_VERIFY_WITH_TIMEOUT(view.isIdle() && view.pane(1)->labelText().contains("SSIM"), 10000);
    for (int i = 0; i < 2; ++i) {
        const QString label = view.pane(i)->labelText();
        QVERIFY2(label.contains("PSNR") && label.contains("dB") && label.contains("SSIM"), qPrintable(label));
    }
}

void tst_CompareView::zoomAndPanAreSynchronised()
{
    ui::CompareView view(registry());
    view.setPaneCount(4);
    view.resize(800, 600);
    view.show();
    view.setSource(source());
    QTRY_VERIFY_WITH_TIMEOUT(view.isIdle() && !view.pane(3)->view()->afterImage().isNull(), 10000);
    view.pane(0)->view()->zoomToActualSize();
    view.pane(0)->view()->zoomBy(2.0);
    for (int i = 1; i < 4; ++i) {
        QCOMPARE(view.pane(i)->view()->zoom(), view.pane(0)->view()->zoom());
        QCOMPARE(view.pane(i)->view()->viewCenter(), view.pane(0)->view()->viewCenter());
    }
}

QTEST_MAIN(tst_CompareView)
#include "tst_CompareView.moc"
