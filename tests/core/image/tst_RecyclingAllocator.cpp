#include <QtTest>

#include <cstdint>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image/RecyclingAllocator.h"

using namespace nocturne::core;

namespace {

constexpr std::size_t kMB = std::size_t{1} << 20;

cv::Mat frame(const RecyclingAllocator& allocator, int rows, int cols, int type = CV_32FC3)
{
    cv::Mat m;
    m.allocator = const_cast<RecyclingAllocator*>(&allocator);
    m.create(rows, cols, type);
    return m;
}

}  // namespace

class tst_RecyclingAllocator : public QObject {
    Q_OBJECT
private slots:
    void reusesAFreedBlockOfTheSameSize_data();
    void reusesAFreedBlockOfTheSameSize();
    void smallBuffersAreNotKept();
    void idleCapFreesTheOldestFirst();
    void releaseIdleFreesEverything();
    void aMissGivesBackTheOldestIdleBlocks();
    void frameSizedBlocksAreHugePageAligned();
    void opencvArithmeticIsCorrectThroughIt();
    void threadsShareItSafely();
};

void tst_RecyclingAllocator::reusesAFreedBlockOfTheSameSize_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("secondRows");
    QTest::addColumn<bool>("reused");
    QTest::newRow("same size") << 1000 << 1000 << true;
    // 12,000,000 and 12,012,000 bytes round to the same 64 KB grain.
    QTest::newRow("one row more") << 1000 << 1001 << true;
    QTest::newRow("half the size") << 1000 << 500 << false;
    QTest::newRow("frame, same size") << 2000 << 2000 << true;
    QTest::newRow("frame, twice the size") << 2000 << 4000 << false;
}

void tst_RecyclingAllocator::reusesAFreedBlockOfTheSameSize()
{
    QFETCH(int, rows);
    QFETCH(int, secondRows);
    QFETCH(bool, reused);
    const RecyclingAllocator allocator({kMB, 512 * kMB});
    cv::Mat a = frame(allocator, rows, 1000);
    const uchar* first = a.data;
    a.release();
    QCOMPARE(allocator.stats().idleBlocks, std::size_t{1});
    const cv::Mat b = frame(allocator, secondRows, 1000);
    if (reused)
        QCOMPARE(b.data, first);   // (a new block may land at the old address: only the stats tell)
    const auto stats = allocator.stats();
    QCOMPARE(stats.reused, std::size_t{reused ? 1u : 0u});
    QCOMPARE(stats.allocated, std::size_t{reused ? 1u : 2u});
    // A miss gives back the idle block it did not use: nothing is left idle either way.
    QCOMPARE(stats.idleBlocks, std::size_t{0});
}

void tst_RecyclingAllocator::smallBuffersAreNotKept()
{
    const RecyclingAllocator allocator({kMB, 512 * kMB});
    frame(allocator, 100, 100).release();   // 120 KB
    const auto stats = allocator.stats();
    QCOMPARE(stats.idleBlocks, std::size_t{0});
    QCOMPARE(stats.allocated + stats.reused, std::size_t{0});
}

void tst_RecyclingAllocator::idleCapFreesTheOldestFirst()
{
    // Three 12 MB frames under a 30 MB cap: the first one freed is given back.
    const RecyclingAllocator allocator({kMB, 30 * kMB});
    cv::Mat a = frame(allocator, 1000, 1000);
    cv::Mat b = frame(allocator, 1000, 1000);
    cv::Mat c = frame(allocator, 1000, 1000);
    a.release();
    b.release();
    c.release();
    auto stats = allocator.stats();
    QCOMPARE(stats.idleBlocks, std::size_t{2});
    QVERIFY(stats.idleBytes <= 30 * kMB);
    frame(allocator, 1000, 1000).release();
    QCOMPARE(allocator.stats().reused, std::size_t{1});
    QCOMPARE(allocator.stats().allocated, std::size_t{3});
}

void tst_RecyclingAllocator::releaseIdleFreesEverything()
{
    const RecyclingAllocator allocator({kMB, 512 * kMB});
    cv::Mat a = frame(allocator, 1000, 1000);
    cv::Mat b = frame(allocator, 2000, 2000);
    a.release();
    b.release();
    QCOMPARE(allocator.stats().idleBlocks, std::size_t{2});
    allocator.releaseIdle();
    QCOMPARE(allocator.stats().idleBlocks, std::size_t{0});
    QCOMPARE(allocator.stats().idleBytes, std::size_t{0});
    frame(allocator, 1000, 1000).release();
    QCOMPARE(allocator.stats().reused, std::size_t{0});
}

void tst_RecyclingAllocator::aMissGivesBackTheOldestIdleBlocks()
{
    const RecyclingAllocator allocator({kMB, 512 * kMB});
    cv::Mat older = frame(allocator, 1000, 1000);   // 12 MB
    cv::Mat newer = frame(allocator, 1000, 1000);
    const uchar* newerData = newer.data;
    older.release();
    newer.release();
    QCOMPARE(allocator.stats().idleBlocks, std::size_t{2});
    // 8 MB fits in no idle block: a new one, and the oldest 12 MB are given back for it.
    cv::Mat other = frame(allocator, 1000, 700);
    QCOMPARE(allocator.stats().idleBlocks, std::size_t{1});
    const cv::Mat again = frame(allocator, 1000, 1000);
    QCOMPARE(again.data, newerData);
    // A request larger than everything idle gives it all back.
    other.release();
    const cv::Mat big = frame(allocator, 2000, 2000);
    QCOMPARE(allocator.stats().idleBlocks, std::size_t{0});
    QCOMPARE(allocator.stats().reused, std::size_t{1});
}

void tst_RecyclingAllocator::frameSizedBlocksAreHugePageAligned()
{
    const RecyclingAllocator allocator({kMB, 512 * kMB});
    const cv::Mat big = frame(allocator, 2000, 2000);   // 48 MB
    QCOMPARE(reinterpret_cast<std::uintptr_t>(big.data) % (2 * kMB), std::uintptr_t{0});
    const cv::Mat mid = frame(allocator, 300, 1000);    // 3.6 MB: OpenCV's alignment is enough
    QCOMPARE(reinterpret_cast<std::uintptr_t>(mid.data) % 64, std::uintptr_t{0});
}

void tst_RecyclingAllocator::opencvArithmeticIsCorrectThroughIt()
{
    const RecyclingAllocator allocator({kMB, 512 * kMB});
    cv::MatAllocator* const previous = cv::Mat::getDefaultAllocator();
    cv::Mat::setDefaultAllocator(const_cast<RecyclingAllocator*>(&allocator));
    double sum = 0.0;
    for (int round = 0; round < 3; ++round) {
        // A reused block holds the previous round's values: every result must overwrite them.
        cv::Mat a(600, 700, CV_32FC3, cv::Scalar(0.25, 0.5, 1.0 + round));
        cv::Mat b(600, 700, CV_32FC3, cv::Scalar(0.5, 0.25, 2.0));
        cv::Mat c = a.mul(b) + a;
        sum = cv::sum(c)[2];
    }
    cv::Mat::setDefaultAllocator(previous);
    QCOMPARE(sum, 600.0 * 700.0 * (3.0 * 2.0 + 3.0));
    QVERIFY(allocator.stats().reused > 0);
}

void tst_RecyclingAllocator::threadsShareItSafely()
{
    const RecyclingAllocator allocator({kMB, 64 * kMB});
    constexpr int kRounds = 200;
    std::vector<std::thread> threads;
    std::vector<int> bad(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kRounds; ++i) {
                cv::Mat m = frame(allocator, 300 + 100 * (i % 3), 1000, CV_32FC1);   // 1.2-2 MB
                m.setTo(t + 1);
                if (cv::countNonZero(m != t + 1) != 0)
                    ++bad[t];
            }
        });
    }
    for (auto& th : threads)
        th.join();
    for (int t = 0; t < 4; ++t)
        QCOMPARE(bad[t], 0);
    const auto stats = allocator.stats();
    QCOMPARE(stats.reused + stats.allocated, std::size_t{4 * kRounds});
    QVERIFY(stats.idleBlocks <= 12);
}

QTEST_GUILESS_MAIN(tst_RecyclingAllocator)
#include "tst_RecyclingAllocator.moc"
