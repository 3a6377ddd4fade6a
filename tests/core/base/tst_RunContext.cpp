#include <QtTest>

#include <string>
#include <thread>
#include <vector>

#include "core/base/RunContext.h"

using namespace nocturne::core;

class tst_RunContext : public QObject {
    Q_OBJECT
private slots:
    void stopIsSharedByCopiesAndSubRanges();
    void stopFromAnotherThread();
    void progressIsClampedAndMapped();
};

void tst_RunContext::stopIsSharedByCopiesAndSubRanges()
{
    RunContext ctx;
    const RunContext copy = ctx;
    const RunContext sub = ctx.subRange(0.2, 0.4);
    QVERIFY(!sub.stopRequested());
    copy.requestStop();
    QVERIFY(ctx.stopRequested());
    QVERIFY(sub.stopRequested());
}

void tst_RunContext::stopFromAnotherThread()
{
    RunContext ctx;
    std::thread t([c = ctx] { c.requestStop(); });
    t.join();
    QVERIFY(ctx.stopRequested());
}

void tst_RunContext::progressIsClampedAndMapped()
{
    std::vector<std::pair<double, std::string>> seen;
    RunContext ctx([&seen](double f, std::string_view stage) { seen.emplace_back(f, std::string(stage)); });
    ctx.progress(1.5, "over");
    ctx.subRange(0.5, 0.7).progress(0.5, "half of sub");
    ctx.subRange(0.5, 0.7).subRange(0.0, 0.5).progress(1.0, "nested");
    RunContext silent;
    silent.progress(0.3, "no sink");   // must not crash
    QCOMPARE(seen.size(), size_t{3});
    QCOMPARE(seen[0].first, 1.0);
    QVERIFY(std::abs(seen[1].first - 0.6) < 1e-12);
    QCOMPARE(QString::fromStdString(seen[1].second), QStringLiteral("half of sub"));
    QVERIFY(std::abs(seen[2].first - 0.6) < 1e-12);
}

QTEST_GUILESS_MAIN(tst_RunContext)
#include "tst_RunContext.moc"
