#include <QtTest>

#include <cmath>

#include <opencv2/core.hpp>

#include "core/enhance/EnhancerRegistry.h"

using namespace nocturne::core;

namespace {

class FakeEnhancer final : public Enhancer {
public:
    explicit FakeEnhancer(std::string id) { m_info.id = std::move(id); m_info.displayName = "Fake"; }
    const EnhancerInfo& info() const override { return m_info; }
    Result<EnhanceOutput> enhance(const EnhanceInput& input, const RunContext&) const override
    {
        return EnhanceOutput{input.source.rgb, cv::Mat()};
    }

private:
    EnhancerInfo m_info;
};

DecodedImage darkImage()
{
    cv::Mat m(48, 72, CV_32FC3);
    cv::randu(m, 0.0f, 0.02f);
    DecodedImage img;
    img.rgb = ImageBuffer(m);
    img.meta.sourcePath = "/photos/dark.dng";
    return img;
}

}  // namespace

class tst_EnhancerRegistry : public QObject {
    Q_OBJECT
private slots:
    void classicalIdsArePresent();
    void findReturnsNullForUnknownId();
    void addReplacesSameId();
    void infoIsFilledIn_data();
    void infoIsFilledIn();
    void cancelledBeforeStart_data();
    void cancelledBeforeStart();
    void outputMatchesInputSizeAndIsLinear_data();
    void outputMatchesInputSizeAndIsLinear();
    void emptySourceIsAnError_data();
    void emptySourceIsAnError();
    void noneIsAmplifiedAndClipped();
};

void tst_EnhancerRegistry::classicalIdsArePresent()
{
    const EnhancerRegistry registry = EnhancerRegistry::withClassicalMethods();
    QCOMPARE(registry.all().size(), size_t(4));
    const char* ids[] = {"none", "he", "dhe", "retinex"};
    for (size_t i = 0; i < 4; ++i) {
        QCOMPARE(registry.all()[i]->info().id, std::string(ids[i]));
        const auto found = registry.find(ids[i]);
        QVERIFY(found);
        QCOMPARE(found->info().id, std::string(ids[i]));
    }
}

void tst_EnhancerRegistry::findReturnsNullForUnknownId()
{
    const EnhancerRegistry registry = EnhancerRegistry::withClassicalMethods();
    QVERIFY(!registry.find("lamba-mitra"));
    QVERIFY(!registry.find(""));
    QVERIFY(!EnhancerRegistry().find("he"));
}

void tst_EnhancerRegistry::addReplacesSameId()
{
    EnhancerRegistry registry = EnhancerRegistry::withClassicalMethods();
    auto fake = std::make_shared<FakeEnhancer>("he");
    registry.add(fake);
    QCOMPARE(registry.all().size(), size_t(4));
    QCOMPARE(registry.find("he").get(), static_cast<const Enhancer*>(fake.get()));
    QCOMPARE(registry.all()[1].get(), static_cast<const Enhancer*>(fake.get()));   // same place

    registry.add(std::make_shared<FakeEnhancer>("sid"));
    QCOMPARE(registry.all().size(), size_t(5));
    QVERIFY(registry.find("sid"));
    registry.add(nullptr);
    QCOMPARE(registry.all().size(), size_t(5));
}

void tst_EnhancerRegistry::infoIsFilledIn_data()
{
    QTest::addColumn<QString>("id");
    for (const char* id : {"none", "he", "dhe", "retinex"})
        QTest::newRow(id) << QString(id);
}

void tst_EnhancerRegistry::infoIsFilledIn()
{
    QFETCH(QString, id);
    const auto e = EnhancerRegistry::withClassicalMethods().find(id.toStdString());
    QVERIFY(e);
    QVERIFY(!e->info().displayName.empty());
    QVERIFY(!e->info().description.empty());
    QVERIFY(!e->info().reference.empty());
    QVERIFY(e->info().inputKind == InputKind::LinearRgb);
    QVERIFY(!e->info().producesAttention);
    QVERIFY(e->supports(darkImage()).ok());
}

void tst_EnhancerRegistry::cancelledBeforeStart_data() { infoIsFilledIn_data(); }

void tst_EnhancerRegistry::cancelledBeforeStart()
{
    QFETCH(QString, id);
    const auto e = EnhancerRegistry::withClassicalMethods().find(id.toStdString());
    const DecodedImage img = darkImage();
    const RunContext ctx;
    ctx.requestStop();
    const Result<EnhanceOutput> out = e->enhance(EnhanceInput{img, 10.0f}, ctx);
    QVERIFY(!out.ok());
    QCOMPARE(out.error().code, ErrorCode::Cancelled);
}

void tst_EnhancerRegistry::outputMatchesInputSizeAndIsLinear_data() { infoIsFilledIn_data(); }

void tst_EnhancerRegistry::outputMatchesInputSizeAndIsLinear()
{
    QFETCH(QString, id);
    const auto e = EnhancerRegistry::withClassicalMethods().find(id.toStdString());
    const DecodedImage img = darkImage();
    double lastProgress = -1.0;
    bool monotonic = true;
    const RunContext ctx([&](double f, std::string_view) {
        monotonic = monotonic && f >= lastProgress;
        lastProgress = f;
    });
    const Result<EnhanceOutput> out = e->enhance(EnhanceInput{img, 20.0f}, ctx);
    QVERIFY2(out.ok(), out.ok() ? "" : out.error().describe().c_str());
    QCOMPARE(out->image.width(), img.rgb.width());
    QCOMPARE(out->image.height(), img.rgb.height());
    QCOMPARE(out->image.mat().type(), CV_32FC3);
    QCOMPARE(out->image.encoding(), ColorEncoding::Linear);
    double lo = 0.0;
    double hi = 0.0;
    cv::minMaxLoc(out->image.mat().reshape(1), &lo, &hi);
    QVERIFY(lo >= 0.0 && hi <= 1.0);
    QVERIFY(monotonic);
    QCOMPARE(lastProgress, 1.0);
    // The source is not modified.
    QVERIFY(cv::norm(img.rgb.mat().reshape(1), cv::NORM_INF) <= 0.02);
}

void tst_EnhancerRegistry::emptySourceIsAnError_data() { infoIsFilledIn_data(); }

void tst_EnhancerRegistry::emptySourceIsAnError()
{
    QFETCH(QString, id);
    const auto e = EnhancerRegistry::withClassicalMethods().find(id.toStdString());
    DecodedImage img;
    img.meta.sourcePath = "/photos/broken.nef";
    const Result<EnhanceOutput> out = e->enhance(EnhanceInput{img, 1.0f}, RunContext());
    QVERIFY(!out.ok());
    QCOMPARE(out.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(out.error().context, std::string("/photos/broken.nef"));
}

void tst_EnhancerRegistry::noneIsAmplifiedAndClipped()
{
    const auto e = EnhancerRegistry::withClassicalMethods().find("none");
    DecodedImage img;
    img.rgb = ImageBuffer(cv::Mat(2, 2, CV_32FC3, cv::Scalar(0.001f, 0.01f, 0.2f)));
    const Result<EnhanceOutput> out = e->enhance(EnhanceInput{img, 10.0f}, RunContext());
    QVERIFY(out.ok());
    const cv::Vec3f px = out->image.mat().at<cv::Vec3f>(1, 0);
    QVERIFY(std::abs(px[0] - 0.01f) < 1e-7f);
    QVERIFY(std::abs(px[1] - 0.1f) < 1e-7f);
    QCOMPARE(px[2], 1.0f);
}

QTEST_GUILESS_MAIN(tst_EnhancerRegistry)
#include "tst_EnhancerRegistry.moc"
