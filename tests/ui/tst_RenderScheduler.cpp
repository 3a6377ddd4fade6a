#include <QSignalSpy>
#include <QtTest>

#include "tests/ui/UiTestSupport.h"
#include "ui/services/InferenceService.h"
#include "ui/services/RenderScheduler.h"

using namespace nocturne;

class tst_RenderScheduler : public QObject {
    Q_OBJECT
private slots:
    void rendersTheRequestedParameters();
    void coalescesBurstsAndKeepsTheLatest();
    void gammaOnlyChangesDoNotRerunTheEnhancer();
    void methodSwitchRunsTheOtherMethod();
    void dragShowsInterimResults();
    void methodSwitchCancelsTheRunningJob();
    void networkMethodsRunOnTheInferenceThread();
    void schedulersShareOneInferenceThread();
    void resultsSayWhereTheNetworkRan();
    void failuresArriveAsErrors();
    void newSourceDropsOldResults();
    void networksDraftThenRefine();
    void dragStopsTheRefinementAndKeepsDrafting();
    void aMoveStopsARunningRefinement();
    void draftsCanBeTurnedOff();
    void smallProxiesAndFastMethodsDoNotDraft();
    void refinementsWithoutNoiseReductionSettleSooner_data();
    void refinementsWithoutNoiseReductionSettleSooner();

private:
    struct Fixture {
        std::shared_ptr<uitest::CountingEnhancer> counting;
        std::shared_ptr<uitest::CountingEnhancer> slow;
        std::shared_ptr<uitest::CountingEnhancer> network;
        std::shared_ptr<core::EnhancerRegistry> registry;
    };
    static Fixture makeFixture();
    static ui::PreviewSource makeSource(const std::string& key = "dark");
};

tst_RenderScheduler::Fixture tst_RenderScheduler::makeFixture()
{
    Fixture f;
    f.counting = std::make_shared<uitest::CountingEnhancer>("count");
    f.slow = std::make_shared<uitest::CountingEnhancer>("slow", 30);
    f.network = std::make_shared<uitest::CountingEnhancer>("net", 5, core::InputKind::SrgbDisplay);
    f.registry = std::make_shared<core::EnhancerRegistry>(core::EnhancerRegistry::withClassicalMethods());
    f.registry->add(f.counting);
    f.registry->add(f.slow);
    f.registry->add(f.network);
    return f;
}

ui::PreviewSource tst_RenderScheduler::makeSource(const std::string& key)
{
    return ui::PreviewSource::fromDecoded(uitest::makeDarkImage(96, 64), key);
}

void tst_RenderScheduler::rendersTheRequestedParameters()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(makeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "count";
    params.exposureRatio = 4.0;
    params.gamma = 1.0f;
    const quint64 id = scheduler.requestRender(params);
    QVERIFY(finished.wait(5000));
    const auto out = finished.at(0).at(1).value<ui::RenderOutput>();
    QCOMPARE(out.requestId, id);
    QVERIFY(out.ok());
    QCOMPARE(out.display.size(), QSize(96, 64));
    QCOMPARE(out.before.size(), QSize(96, 64));
    QCOMPARE(out.overlay.size(), QSize(96, 64));
    QCOMPARE(out.gain, 4.0);
    QVERIFY(!out.histogram.isEmpty());
    // Right-most pixel: linear (0.05, 0.05, 0.025) * 4 at gamma 1 -> (51, 51, 26).
    const QColor c = out.display.pixelColor(95, 10);
    QCOMPARE(c.red(), 51);
    QCOMPARE(c.green(), 51);
    QCOMPARE(c.blue(), 26);
}

void tst_RenderScheduler::coalescesBurstsAndKeepsTheLatest()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(makeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "slow";
    quint64 last = 0;
    for (int i = 1; i <= 50; ++i) {
        params.exposureRatio = 1.0 + i;   // every move changes the gain: a real re-render
        last = scheduler.requestRender(params);
    }
    QTRY_VERIFY_WITH_TIMEOUT(!scheduler.isBusy(), 10000);
    QVERIFY2(scheduler.startedJobCount() <= 3, qPrintable(QString::number(scheduler.startedJobCount())));
    QVERIFY(f.slow->calls() <= 3);
    // The job that was running when the burst came is shown as an interim preview; the newest
    // request is always delivered, last; results never go backwards.
    QVERIFY(finished.count() >= 1 && finished.count() <= scheduler.startedJobCount());
    quint64 previous = 0;
    for (const auto& args : finished) {
        QVERIFY(args.at(0).toULongLong() > previous);
        previous = args.at(0).toULongLong();
    }
    const auto out = finished.last().at(1).value<ui::RenderOutput>();
    QCOMPARE(out.requestId, last);
    QCOMPARE(out.gain, 51.0);
    QCOMPARE(*out.params.exposureRatio, 51.0);
}

void tst_RenderScheduler::gammaOnlyChangesDoNotRerunTheEnhancer()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(makeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "count";
    params.exposureRatio = 8.0;
    QImage previous;
    for (const float gamma : {2.2f, 1.0f, 3.5f, 2.2f}) {
        params.gamma = gamma;
        scheduler.requestRender(params);
        QVERIFY(finished.wait(5000));
        const auto out = finished.last().at(1).value<ui::RenderOutput>();
        QVERIFY(out.ok());
        QVERIFY(out.display != previous);   // the picture did change with gamma
        previous = out.display;
    }
    QCOMPARE(f.counting->calls(), 1);
    params.exposureRatio = 9.0;   // a gain change must re-run it
    scheduler.requestRender(params);
    QVERIFY(finished.wait(5000));
    QCOMPARE(f.counting->calls(), 2);
}

void tst_RenderScheduler::methodSwitchRunsTheOtherMethod()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(makeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.exposureRatio = 8.0;
    params.method = "count";
    scheduler.requestRender(params);
    QVERIFY(finished.wait(5000));
    const QImage counted = finished.last().at(1).value<ui::RenderOutput>().display;
    params.method = "he";
    scheduler.requestRender(params);
    QVERIFY(finished.wait(5000));
    const auto he = finished.last().at(1).value<ui::RenderOutput>();
    QVERIFY(he.ok());
    QCOMPARE(he.params.method, std::string("he"));
    QVERIFY(he.display != counted);
    QCOMPARE(f.counting->calls(), 1);
}

void tst_RenderScheduler::dragShowsInterimResults()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(makeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "slow";
    params.exposureRatio = 2.0;
    const quint64 first = scheduler.requestRender(params);
    params.exposureRatio = 3.0;   // arrives while the first still runs
    const quint64 second = scheduler.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(!scheduler.isBusy(), 10000);
    // The running job was not thrown away: both pictures were shown, in order.
    QCOMPARE(finished.count(), 2);
    QCOMPARE(finished.at(0).at(0).toULongLong(), first);
    QCOMPARE(finished.at(1).at(0).toULongLong(), second);
    QVERIFY(finished.at(0).at(1).value<ui::RenderOutput>().ok());
    QCOMPARE(finished.at(1).at(1).value<ui::RenderOutput>().gain, 3.0);
}

void tst_RenderScheduler::methodSwitchCancelsTheRunningJob()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(makeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "slow";
    params.exposureRatio = 2.0;
    scheduler.requestRender(params);
    QVERIFY(scheduler.isBusy());   // the 30 ms job is under way on the pool
    params.method = "count";
    const quint64 wanted = scheduler.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(!scheduler.isBusy(), 10000);
    QCOMPARE(finished.count(), 1);   // the slow method's result was never shown
    QCOMPARE(finished.at(0).at(0).toULongLong(), wanted);
}

void tst_RenderScheduler::networkMethodsRunOnTheInferenceThread()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    QVERIFY(scheduler.isNetworkMethod("net"));
    QVERIFY(!scheduler.isNetworkMethod("he"));
    scheduler.setSource(makeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "net";
    params.exposureRatio = 2.0;
    for (const float gamma : {2.2f, 3.0f}) {
        params.gamma = gamma;
        scheduler.requestRender(params);
        QVERIFY(finished.wait(5000));
        QVERIFY(finished.last().at(1).value<ui::RenderOutput>().ok());
    }
    QCOMPARE(f.network->calls(), 1);   // the worker's own Pipeline cached the network's output
}

void tst_RenderScheduler::schedulersShareOneInferenceThread()
{
    // Three schedulers (preview, detail, a compare pane) of one registry: one inference thread,
    // network jobs run there one at a time, and each scheduler gets its own results only.
    auto f = makeFixture();
    {
        ui::RenderScheduler a(f.registry);
        ui::RenderScheduler b(f.registry);
        ui::RenderScheduler c(f.registry);
        QCOMPARE(&a.inference(), &b.inference());
        QCOMPARE(&b.inference(), &c.inference());
        QVERIFY(a.inference().thread() != QThread::currentThread());
        const int submittedBefore = a.inference().jobsSubmitted();
        ui::RenderScheduler* schedulers[] = {&a, &b, &c};
        std::vector<std::unique_ptr<QSignalSpy>> spies;
        std::vector<quint64> ids;
        for (int i = 0; i < 3; ++i) {
            schedulers[i]->setSource(makeSource("photo-" + std::to_string(i)));
            spies.push_back(std::make_unique<QSignalSpy>(schedulers[i], &ui::RenderScheduler::renderFinished));
            core::ProcessParams params;
            params.method = "net";
            params.exposureRatio = 2.0 + i;
            ids.push_back(schedulers[i]->requestRender(params));
        }
        for (int i = 0; i < 3; ++i) {
            QVERIFY(spies[i]->count() == 1 || spies[i]->wait(5000));
            QCOMPARE(spies[i]->count(), 1);
            const auto out = spies[i]->at(0).at(1).value<ui::RenderOutput>();
            QCOMPARE(out.requestId, ids[i]);
            QCOMPARE(out.gain, 2.0 + i);
        }
        QCOMPARE(a.inference().jobsSubmitted() - submittedBefore, 3);
        QCOMPARE(f.network->calls(), 3);
    }
    // The last scheduler gone, the service (and its thread) is gone; a new one starts afresh.
    ui::RenderScheduler again(f.registry);
    QCOMPARE(again.inference().jobsSubmitted(), 0);
}

void tst_RenderScheduler::resultsSayWhereTheNetworkRan()
{
    // A network reports its device and precision (decided when it loads) with each result, for
    // the status bar; classical methods report nothing.
    class PlacedEnhancer : public uitest::CountingEnhancer {
    public:
        PlacedEnhancer() : CountingEnhancer("placed", 0, core::InputKind::SrgbDisplay) {}
        std::string runsOn() const override { return "CPU (2 threads, bf16)"; }
    };
    auto f = makeFixture();
    f.registry->add(std::make_shared<PlacedEnhancer>());
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(makeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "placed";
    scheduler.requestRender(params);
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.last().at(1).value<ui::RenderOutput>().runsOn, QStringLiteral("CPU (2 threads, bf16)"));
    params.method = "he";
    scheduler.requestRender(params);
    QVERIFY(finished.wait(5000));
    QVERIFY(finished.last().at(1).value<ui::RenderOutput>().runsOn.isEmpty());
}

void tst_RenderScheduler::failuresArriveAsErrors()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(makeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "no-such-method";
    scheduler.requestRender(params);
    QVERIFY(finished.wait(5000));
    const auto out = finished.last().at(1).value<ui::RenderOutput>();
    QVERIFY(out.error.has_value());
    QCOMPARE(out.error->code, core::ErrorCode::NotFound);
    QVERIFY(QString::fromStdString(out.error->message).contains("no-such-method"));
}

void tst_RenderScheduler::newSourceDropsOldResults()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(makeSource("first"));
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "slow";
    scheduler.requestRender(params);
    scheduler.setSource(makeSource("second"));
    QTRY_VERIFY_WITH_TIMEOUT(!scheduler.isBusy(), 5000);
    QTest::qWait(50);
    QCOMPARE(finished.count(), 0);
}

namespace {

// A proxy large enough for drafts: more than twice RenderScheduler::kDraftPixels.
ui::PreviewSource largeSource()
{
    return ui::PreviewSource::fromDecoded(uitest::makeDarkImage(1000, 700), "large");
}

ui::RenderOutput outputAt(const QSignalSpy& spy, int i)
{
    return spy.at(i).at(1).value<ui::RenderOutput>();
}

}  // namespace

void tst_RenderScheduler::networksDraftThenRefine()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(largeSource());
    QVERIFY(!scheduler.draftSource().isNull());
    const long long draftPixels = scheduler.draftSource().image->rgb.pixelCount();
    QVERIFY2(draftPixels <= ui::RenderScheduler::kDraftPixels && draftPixels > ui::RenderScheduler::kDraftPixels / 2,
             qPrintable(QString::number(draftPixels)));
    QSignalSpy started(&scheduler, &ui::RenderScheduler::renderStarted);
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "net";
    params.exposureRatio = 4.0;
    const quint64 id = scheduler.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(!scheduler.isBusy(), 10000);
    // The draft first, at the draft's size, then the same request on the full proxy.
    QCOMPARE(finished.count(), 2);
    QCOMPARE(started.count(), 1);
    const auto draft = outputAt(finished, 0);
    const auto full = outputAt(finished, 1);
    QCOMPARE(draft.requestId, id);
    QCOMPARE(full.requestId, id);
    QVERIFY(draft.ok() && draft.draft);
    QVERIFY(full.ok() && !full.draft);
    QCOMPARE(draft.display.size(), QSize(scheduler.draftSource().image->rgb.width(),
                                         scheduler.draftSource().image->rgb.height()));
    QCOMPARE(full.display.size(), QSize(1000, 700));
    QCOMPARE(draft.gain, 4.0);
    QVERIFY(full.latencyMs >= draft.latencyMs);
    QCOMPARE(f.network->calls(), 2);
    // A gamma-only change is a cache hit on the full proxy: no draft, no settle wait, no network.
    params.gamma = 3.0f;
    const quint64 gammaId = scheduler.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 3 && !scheduler.isBusy(), 10000);
    QCOMPARE(outputAt(finished, 2).requestId, gammaId);
    QVERIFY(!outputAt(finished, 2).draft);
    QCOMPARE(outputAt(finished, 2).display.size(), QSize(1000, 700));
    QCOMPARE(f.network->calls(), 2);
    // Anything else that changes the network's output drafts again.
    params.exposureRatio = 5.0;
    scheduler.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 5 && !scheduler.isBusy(), 10000);
    QVERIFY(outputAt(finished, 3).draft && !outputAt(finished, 4).draft);
    QCOMPARE(f.network->calls(), 4);
    // A new photo forgets what was rendered: its first gamma change is not taken for a cache hit.
    scheduler.setSource(largeSource());
    params.gamma = 2.0f;
    scheduler.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 7 && !scheduler.isBusy(), 10000);
    QVERIFY(outputAt(finished, 5).draft);
}

void tst_RenderScheduler::dragStopsTheRefinementAndKeepsDrafting()
{
    auto f = makeFixture();
    auto slowNet = std::make_shared<uitest::CountingEnhancer>("slownet", 300, core::InputKind::SrgbDisplay);
    f.registry->add(slowNet);
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(largeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "slownet";
    params.exposureRatio = 2.0;
    const quint64 first = scheduler.requestRender(params);
    QVERIFY(finished.wait(5000));               // the first draft is shown...
    QVERIFY(outputAt(finished, 0).draft);
    QVERIFY(scheduler.isBusy());                // ...and its refinement waits for the hand to rest
    params.exposureRatio = 3.0;                 // the hand moves on
    const quint64 second = scheduler.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(!scheduler.isBusy(), 10000);
    // The first request's refinement was stopped, never shown; the second drafted and refined.
    QCOMPARE(finished.count(), 3);
    QCOMPARE(outputAt(finished, 0).requestId, first);
    QCOMPARE(outputAt(finished, 1).requestId, second);
    QVERIFY(outputAt(finished, 1).draft);
    QCOMPARE(outputAt(finished, 2).requestId, second);
    QVERIFY(!outputAt(finished, 2).draft);
    QCOMPARE(outputAt(finished, 2).gain, 3.0);
    // The move came while the first draft waited for the hand to rest: its refinement never ran.
    QCOMPARE(slowNet->calls(), 3);
}

void tst_RenderScheduler::aMoveStopsARunningRefinement()
{
    auto f = makeFixture();
    auto slowNet = std::make_shared<uitest::CountingEnhancer>("slownet", 400, core::InputKind::SrgbDisplay);
    f.registry->add(slowNet);
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setSource(largeSource());
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "slownet";
    params.exposureRatio = 2.0;
    const quint64 first = scheduler.requestRender(params);
    QVERIFY(finished.wait(5000));
    QTRY_VERIFY_WITH_TIMEOUT(slowNet->calls() == 2, 5000);   // the hand rested: refining
    params.exposureRatio = 3.0;
    const quint64 second = scheduler.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(!scheduler.isBusy(), 10000);
    QCOMPARE(finished.count(), 3);
    QCOMPARE(outputAt(finished, 0).requestId, first);
    QCOMPARE(outputAt(finished, 1).requestId, second);
    QVERIFY(outputAt(finished, 1).draft);
    QCOMPARE(outputAt(finished, 2).requestId, second);
    QVERIFY(!outputAt(finished, 2).draft);
    QCOMPARE(slowNet->calls(), 4);   // the first refinement started, was stopped, never shown
}

void tst_RenderScheduler::draftsCanBeTurnedOff()
{
    auto f = makeFixture();
    ui::RenderScheduler scheduler(f.registry);
    scheduler.setDraftsEnabled(false);
    scheduler.setSource(largeSource());
    QVERIFY(scheduler.draftSource().isNull());   // not even made
    QSignalSpy finished(&scheduler, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "net";
    scheduler.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(!scheduler.isBusy(), 10000);
    QCOMPARE(finished.count(), 1);
    QVERIFY(!outputAt(finished, 0).draft);
    QCOMPARE(outputAt(finished, 0).display.size(), QSize(1000, 700));
    QCOMPARE(f.network->calls(), 1);
}

void tst_RenderScheduler::smallProxiesAndFastMethodsDoNotDraft()
{
    auto f = makeFixture();
    ui::RenderScheduler small(f.registry);
    small.setSource(makeSource());
    QVERIFY(small.draftSource().isNull());
    ui::RenderScheduler large(f.registry);
    large.setSource(largeSource());
    QSignalSpy finished(&large, &ui::RenderScheduler::renderFinished);
    core::ProcessParams params;
    params.method = "count";
    params.noiseReduction = 0.0f;   // a classical method without noise reduction is fast: no draft
    large.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(!large.isBusy(), 10000);
    QCOMPARE(finished.count(), 1);
    QVERIFY(!outputAt(finished, 0).draft);
    params.noiseReduction = 1.0f;   // non-local means is not: draft, then the full proxy
    large.requestRender(params);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 3 && !large.isBusy(), 20000);
    QVERIFY(outputAt(finished, 1).draft);
    QVERIFY(!outputAt(finished, 2).draft);
    QCOMPARE(outputAt(finished, 2).display.size(), QSize(1000, 700));
}

void tst_RenderScheduler::refinementsWithoutNoiseReductionSettleSooner_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<bool>("takesAmplified");
    QTest::addColumn<float>("noiseReduction");
    QTest::addColumn<int>("settleMs");
    const int slow = ui::RenderScheduler::kSettleMs;
    const int quick = ui::RenderScheduler::kQuickSettleMs;
    // Non-local means runs in one piece before these: wait longer for the hand to rest.
    QTest::newRow("linear method, noise reduction") << "count" << false << 1.0f << slow;
    QTest::newRow("network on the engine's picture, noise reduction") << "net" << true << 1.0f << slow;
    // Nothing but a network's tiles, each checking the stop flag.
    QTest::newRow("linear method, no noise reduction") << "count" << false << 0.0f << quick;
    QTest::newRow("network, its own denoising") << "net" << false << 1.0f << quick;
    QTest::newRow("network on the engine's picture, no noise reduction") << "net" << true << 0.0f << quick;
    QTest::newRow("unknown method") << "nope" << false << 1.0f << quick;
}

void tst_RenderScheduler::refinementsWithoutNoiseReductionSettleSooner()
{
    QFETCH(QString, method);
    QFETCH(bool, takesAmplified);
    QFETCH(float, noiseReduction);
    QFETCH(int, settleMs);
    QVERIFY(ui::RenderScheduler::kQuickSettleMs < ui::RenderScheduler::kSettleMs);
    auto f = makeFixture();
    f.network->setTakesAmplifiedImage(takesAmplified);
    ui::RenderScheduler scheduler(f.registry);
    core::ProcessParams params;
    params.method = method.toStdString();
    params.noiseReduction = noiseReduction;
    QCOMPARE(scheduler.settleMsFor(params), settleMs);
}

QTEST_MAIN(tst_RenderScheduler)
#include "tst_RenderScheduler.moc"
