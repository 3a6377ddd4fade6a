// BatchRun: one file loaded, processed and written, every failure a per-file result (never an
// exception out of a worker), and the batch loop's counts, reports and stop.
#include <QtTest>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <new>
#include <set>
#include <stdexcept>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/batch/BatchRun.h"

using namespace nocturne::core;
namespace fs = std::filesystem;

namespace {

// Fails the way libraries do, by throwing.
class ThrowingEnhancer final : public Enhancer {
public:
    enum class Throws { BadAlloc, OpenCv, Runtime };
    ThrowingEnhancer(std::string id, Throws what) : m_what(what)
    {
        m_info.id = std::move(id);
        m_info.displayName = m_info.id;
        m_info.inputKind = InputKind::LinearRgb;
    }
    const EnhancerInfo& info() const override { return m_info; }
    Result<EnhanceOutput> enhance(const EnhanceInput&, const RunContext&) const override
    {
        ++runs;
        switch (m_what) {
        case Throws::BadAlloc: throw std::bad_alloc();
        case Throws::OpenCv: CV_Error(cv::Error::StsNoMem, "failed to allocate");
        case Throws::Runtime: throw std::runtime_error("boom");
        }
        return makeError(ErrorCode::Internal, "unreachable");
    }
    mutable std::atomic<int> runs{0};

private:
    EnhancerInfo m_info;
    Throws m_what;
};

std::string writeDarkPng(const fs::path& path, int value = 20)
{
    cv::Mat bgr(24, 32, CV_8UC3, cv::Scalar::all(value));
    cv::randu(bgr, cv::Scalar::all(0), cv::Scalar::all(value * 2));
    cv::imwrite(path.string(), bgr);
    return path.string();
}

BatchItem itemFor(const std::string& input, const fs::path& output)
{
    BatchItem item;
    item.input = input;
    item.output = output.string();
    return item;
}

BatchSettings pngSettings(const std::string& method = "none")
{
    BatchSettings s;
    s.params.method = method;
    s.exportOptions.format = ExportFormat::Png;
    return s;
}

}  // namespace

class tst_BatchRun : public QObject {
    Q_OBJECT
private slots:
    void init();
    void writesAGoodFile();
    void libraryExceptionsBecomeThisFilesFailure_data();
    void libraryExceptionsBecomeThisFilesFailure();
    void plannedSkipsAndFailuresPassThrough();
    void dngOfAJpegIsRefusedBeforeProcessing();
    void batchCountsAndReportsEveryFileOnce();
    void stopEndsTheBatchAndCountsTheRest();

private:
    QTemporaryDir m_dir;
    fs::path m_root;
    std::shared_ptr<EnhancerRegistry> m_registry;
};

void tst_BatchRun::init()
{
    m_root = fs::path(m_dir.path().toStdString()) / QTest::currentTestFunction();
    fs::create_directories(m_root);
    m_registry = std::make_shared<EnhancerRegistry>(EnhancerRegistry::withClassicalMethods());
    m_registry->add(std::make_shared<ThrowingEnhancer>("oom", ThrowingEnhancer::Throws::BadAlloc));
    m_registry->add(std::make_shared<ThrowingEnhancer>("cvfail", ThrowingEnhancer::Throws::OpenCv));
    m_registry->add(std::make_shared<ThrowingEnhancer>("boom", ThrowingEnhancer::Throws::Runtime));
}

void tst_BatchRun::writesAGoodFile()
{
    const std::string input = writeDarkPng(m_root / "dark.png");
    Pipeline pipeline(m_registry);
    std::vector<double> progress;
    const RunContext ctx([&progress](double f, std::string_view) { progress.push_back(f); });
    BatchSettings settings = pngSettings("auto");
    const FileResult r = BatchRun::processFile(itemFor(input, m_root / "out.png"), settings, pipeline, ctx);
    QCOMPARE(int(r.outcome), int(FileResult::Outcome::Written));
    QCOMPARE(r.method, std::string("none"));   // "auto" resolved for a PNG
    QVERIFY(r.gain > 1.0);
    QVERIFY(!cv::imread((m_root / "out.png").string()).empty());
    QVERIFY(!progress.empty() && progress.back() == 1.0);
}

void tst_BatchRun::libraryExceptionsBecomeThisFilesFailure_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("out of memory") << "oom" << "not enough memory";
    QTest::newRow("OpenCV error") << "cvfail" << "image processing failed";
    QTest::newRow("any other exception") << "boom" << "internal error: boom";
}

void tst_BatchRun::libraryExceptionsBecomeThisFilesFailure()
{
    QFETCH(QString, method);
    QFETCH(QString, mentions);
    const std::string input = writeDarkPng(m_root / "dark.png");
    Pipeline pipeline(m_registry);
    const FileResult r = BatchRun::processFile(itemFor(input, m_root / "out.png"), pngSettings(method.toStdString()),
                                               pipeline, RunContext());
    QCOMPARE(int(r.outcome), int(FileResult::Outcome::Failed));
    const QString message = QString::fromStdString(r.message);
    QVERIFY2(message.contains(QStringLiteral("dark.png")) && message.contains(mentions), qPrintable(message));
    QVERIFY(!fs::exists(m_root / "out.png"));
}

void tst_BatchRun::plannedSkipsAndFailuresPassThrough()
{
    Pipeline pipeline(m_registry);
    BatchItem skip;
    skip.input = "a.jpg";
    skip.plan = BatchItem::Plan::Skip;
    skip.note = "skipped, out/a.jpg exists";
    BatchItem fail;
    fail.input = "b.jpg";
    fail.plan = BatchItem::Plan::Fail;
    fail.note = "would overwrite the input";
    const FileResult skipped = BatchRun::processFile(skip, pngSettings(), pipeline, RunContext());
    const FileResult failed = BatchRun::processFile(fail, pngSettings(), pipeline, RunContext());
    QCOMPARE(int(skipped.outcome), int(FileResult::Outcome::Skipped));
    QCOMPARE(skipped.message, skip.note);
    QCOMPARE(int(failed.outcome), int(FileResult::Outcome::Failed));
    QCOMPARE(failed.message, std::string("b.jpg: would overwrite the input"));
}

void tst_BatchRun::dngOfAJpegIsRefusedBeforeProcessing()
{
    const std::string input = writeDarkPng(m_root / "phone.png");
    Pipeline pipeline(m_registry);
    BatchSettings settings = pngSettings("oom");   // would throw if it ran
    settings.exportOptions.format = ExportFormat::Dng;
    const FileResult r = BatchRun::processFile(itemFor(input, m_root / "phone.dng"), settings, pipeline, RunContext());
    QCOMPARE(int(r.outcome), int(FileResult::Outcome::Failed));
    QVERIFY2(QString::fromStdString(r.message).contains("phone.png"), r.message.c_str());
    const auto* oom = dynamic_cast<const ThrowingEnhancer*>(m_registry->find("oom").get());
    QCOMPARE(oom->runs.load(), 0);
}

void tst_BatchRun::batchCountsAndReportsEveryFileOnce()
{
    std::vector<BatchItem> items;
    for (int i = 0; i < 6; ++i)
        items.push_back(itemFor(writeDarkPng(m_root / ("in" + std::to_string(i) + ".png")),
                                m_root / ("out" + std::to_string(i) + ".png")));
    std::ofstream(m_root / "in2.png", std::ios::trunc) << "not a PNG";   // corrupt
    BatchItem skip = itemFor((m_root / "in0.png").string(), m_root / "x.png");
    skip.plan = BatchItem::Plan::Skip;
    items.push_back(skip);

    std::atomic<int> inside{0};
    bool overlapped = false;
    std::multiset<std::size_t> started;
    std::multiset<std::size_t> finished;
    BatchObserver observer;
    observer.fileStarted = [&](std::size_t i, const BatchItem&) {
        overlapped |= inside.fetch_add(1) != 0;
        started.insert(i);
        inside.fetch_sub(1);
    };
    observer.fileFinished = [&](std::size_t i, const BatchItem&, const FileResult&) {
        overlapped |= inside.fetch_add(1) != 0;
        finished.insert(i);
        inside.fetch_sub(1);
    };
    const BatchCounts counts = BatchRun::run(items, pngSettings(), m_registry, 2, RunContext(), observer);
    QCOMPARE(counts.written, 5);
    QCOMPARE(counts.failed, 1);
    QCOMPARE(counts.skipped, 1);
    QCOMPARE(counts.cancelled, 0);
    QVERIFY(!overlapped);   // the callbacks never run concurrently
    QCOMPARE(finished.size(), items.size());
    QCOMPARE(std::set<std::size_t>(finished.begin(), finished.end()).size(), items.size());
    QCOMPARE(started.size(), items.size());
    QVERIFY(!fs::exists(m_root / "out2.png"));
}

void tst_BatchRun::stopEndsTheBatchAndCountsTheRest()
{
    std::vector<BatchItem> items;
    for (int i = 0; i < 5; ++i)
        items.push_back(itemFor(writeDarkPng(m_root / ("in" + std::to_string(i) + ".png")),
                                m_root / ("out" + std::to_string(i) + ".png")));
    const RunContext ctx;
    int reported = 0;
    BatchObserver observer;
    observer.fileFinished = [&](std::size_t, const BatchItem&, const FileResult&) {
        ++reported;
        ctx.requestStop();
    };
    const BatchCounts counts = BatchRun::run(items, pngSettings(), m_registry, 1, ctx, observer);
    QCOMPARE(reported, 1);
    QCOMPARE(counts.written, 1);
    QCOMPARE(counts.cancelled, 4);
    QCOMPARE(counts.written + counts.failed + counts.skipped + counts.cancelled, 5);
}

QTEST_GUILESS_MAIN(tst_BatchRun)
#include "tst_BatchRun.moc"
