// LibTorch's large CPU tensors come from the process's RecyclingAllocator once it is installed
// (as the editor and the CLI do), and a network run through it computes the same output.
// Runs a shipped network (ba-gan, sRGB) in fp32, contiguous.
#include <QtTest>

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image/RecyclingAllocator.h"
#include "core/inference/TorchModel.h"

using namespace nocturne::core;

namespace {

const std::string kModel = std::string(NOCTURNE_SOURCE_MODEL_DIR) + "/ba-gan.pt";

// Planes made with OpenCV's standard allocator, so that only the network's own allocations
// reach the pool while it runs.
std::vector<cv::Mat> input()
{
    std::vector<cv::Mat> planes;
    cv::RNG rng(11);
    for (int c = 0; c < 3; ++c) {
        cv::Mat p;
        p.allocator = cv::Mat::getStdAllocator();
        p.create(384, 384, CV_32FC1);
        rng.fill(p, cv::RNG::UNIFORM, 0.0, 0.6);
        planes.push_back(p);
    }
    return planes;
}

EngineOptions fp32Contiguous()
{
    EngineOptions o;
    o.device = ComputeDevice::Cpu;
    o.threads = 2;
    o.cpuPrecision = CpuPrecision::Fp32;
    o.cpuLayout = CpuLayout::Contiguous;
    o.log = [](std::string_view) {};
    return o;
}

}  // namespace

class tst_TorchCpuPool : public QObject {
    Q_OBJECT
private slots:
    void networkTensorsComeFromThePool();
};

void tst_TorchCpuPool::networkTensorsComeFromThePool()
{
    if (getenv("NOCTURNE_ALLOCATOR"))
        QSKIP("NOCTURNE_ALLOCATOR is set: this test installs the pool itself");
    const RecyclingAllocator* pool = RecyclingAllocator::installDefault();
    QVERIFY(pool);
    TorchModel model(kModel, fp32Contiguous());
    QVERIFY(model.load().ok());
    const auto planes = input();
    const auto first = model.run(planes);
    QVERIFY(first.ok());
    const auto before = pool->stats();
    const auto second = model.run(planes);
    QVERIFY(second.ok());
    const auto after = pool->stats();
    // 384^2 activations of 32+ channels are megabytes each: the second pass takes its blocks
    // from the pool, far more than the three output planes OpenCV allocates.
    const std::size_t requests = (after.reused + after.allocated) - (before.reused + before.allocated);
    QVERIFY2(requests >= 10, qPrintable(QString::number(requests)));
    QVERIFY2(after.reused - before.reused >= 10, qPrintable(QString::number(after.reused - before.reused)));
    // Recycled blocks hold the previous pass's values: the result must not depend on them.
    QCOMPARE(first->image.size(), second->image.size());
    for (std::size_t c = 0; c < first->image.size(); ++c)
        QCOMPARE(cv::norm(first->image[c], second->image[c], cv::NORM_INF), 0.0);
}

QTEST_GUILESS_MAIN(tst_TorchCpuPool)
#include "tst_TorchCpuPool.moc"
