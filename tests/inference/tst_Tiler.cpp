#include <QtTest>

#include <opencv2/core.hpp>

#include "core/inference/Tiler.h"

using namespace nocturne::core;

namespace {

// Sum of all tiles' blend weights at every pixel.
cv::Mat weightSum(const Tiler& tiler)
{
    cv::Mat sum = cv::Mat::zeros(tiler.settings().imageSize, CV_32FC1);
    for (const Tile& t : tiler.tiles()) {
        cv::Mat dst = sum(t.output);
        dst += t.weights();
    }
    return sum;
}

}  // namespace

class tst_Tiler : public QObject {
    Q_OBJECT
private slots:
    void layout_data();
    void layout();
    void singleTileIsWholeImage();
    void weightsAreOneInsideCoresAwayFromSeams();
    void blendOfConsistentTilesIsExact();
    void budgetSizing();
    void cropMirroredKeepsBayerParity();
};

void tst_Tiler::layout_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("tileSize");
    QTest::addColumn<int>("overlap");
    QTest::addColumn<int>("multiple");
    QTest::addColumn<int>("align");
    QTest::newRow("odd image, mosaic parity") << 301 << 199 << 64 << 16 << 4 << 2;
    QTest::newRow("lamba grid 32") << 1000 << 700 << 256 << 64 << 32 << 32;
    QTest::newRow("no overlap") << 128 << 96 << 32 << 0 << 1 << 1;
    QTest::newRow("tiny image") << 7 << 5 << 64 << 16 << 8 << 2;
    QTest::newRow("one row of tiles") << 500 << 40 << 100 << 8 << 8 << 8;
    QTest::newRow("tile smaller than overlap") << 200 << 200 << 10 << 16 << 4 << 2;
}

void tst_Tiler::layout()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, tileSize);
    QFETCH(int, overlap);
    QFETCH(int, multiple);
    QFETCH(int, align);
    const Tiler tiler(TilerSettings{cv::Size(width, height), tileSize, overlap, multiple, align});
    const cv::Rect image(0, 0, width, height);
    QVERIFY(!tiler.tiles().empty());
    QCOMPARE(static_cast<int>(tiler.tiles().size()), tiler.columns() * tiler.rows());

    cv::Mat coverage = cv::Mat::zeros(height, width, CV_32SC1);
    const int ov = tiler.settings().overlap;
    for (const Tile& t : tiler.tiles()) {
        // Cores partition the image; origins keep the alignment (CFA parity, net grid).
        QVERIFY((t.core & image) == t.core);
        coverage(t.core) += 1;
        QCOMPARE(t.core.x % align, 0);
        QCOMPARE(t.core.y % align, 0);
        QCOMPARE(t.input.x % align, 0);
        QCOMPARE(t.input.y % align, 0);
        QVERIFY(t.input.x >= 0 && t.input.y >= 0);
        // Inputs are multiples of the size multiple and contain the output, which contains the core.
        QCOMPARE(t.input.width % multiple, 0);
        QCOMPARE(t.input.height % multiple, 0);
        QVERIFY((t.output & t.core) == t.core);
        QVERIFY((t.input & t.output) == t.output);
        QVERIFY((t.output & image) == t.output);
        // Interior sides read `overlap` of real neighbouring pixels beyond the core.
        if (t.core.x > 0)
            QCOMPARE(t.input.x, t.core.x - ov);
        if (t.core.br().x < width)
            QVERIFY(t.input.br().x >= t.core.br().x + ov);
        if (t.core.y > 0)
            QCOMPARE(t.input.y, t.core.y - ov);
        QCOMPARE(static_cast<int>(t.weightX.size()), t.output.width);
        QCOMPARE(static_cast<int>(t.weightY.size()), t.output.height);
    }
    QCOMPARE(cv::countNonZero(coverage != 1), 0);

    double minVal = 0.0, maxVal = 0.0;
    cv::minMaxLoc(weightSum(tiler), &minVal, &maxVal);
    QVERIFY2(std::abs(minVal - 1.0) < 1e-6 && std::abs(maxVal - 1.0) < 1e-6,
             qPrintable(QString("weight sum in [%1, %2]").arg(minVal).arg(maxVal)));
}

void tst_Tiler::singleTileIsWholeImage()
{
    const Tiler tiler(TilerSettings{cv::Size(90, 61), 512, 32, 8, 2});
    QCOMPARE(tiler.tiles().size(), std::size_t{1});
    const Tile& t = tiler.tiles().front();
    QCOMPARE(t.core, cv::Rect(0, 0, 90, 61));
    QCOMPARE(t.output, t.core);
    QCOMPARE(t.input, cv::Rect(0, 0, 96, 64));   // right/bottom padding only, like the whole image
    QCOMPARE(cv::countNonZero(t.weights() != 1.0f), 0);
}

void tst_Tiler::weightsAreOneInsideCoresAwayFromSeams()
{
    const Tiler tiler(TilerSettings{cv::Size(256, 256), 64, 16, 1, 8});
    QCOMPARE(tiler.columns(), 4);
    const int r = tiler.rampRadius();
    QCOMPARE(r, 8);
    for (const Tile& t : tiler.tiles()) {
        const cv::Mat w = t.weights();
        const cv::Rect inner(t.core.x + (t.core.x > 0 ? r : 0), t.core.y + (t.core.y > 0 ? r : 0),
                             t.core.width - (t.core.x > 0 ? r : 0) - (t.core.br().x < 256 ? r : 0),
                             t.core.height - (t.core.y > 0 ? r : 0) - (t.core.br().y < 256 ? r : 0));
        QCOMPARE(cv::countNonZero(w(inner - t.output.tl()) != 1.0f), 0);
        // Weights fade smoothly: no jump larger than a raised-cosine step over 2r pixels.
        for (std::size_t i = 1; i < t.weightX.size(); ++i)
            QVERIFY(std::abs(t.weightX[i] - t.weightX[i - 1]) < 0.11f);
    }
}

void tst_Tiler::blendOfConsistentTilesIsExact()
{
    // If every tile returns the same picture (what a network with a small receptive field does
    // away from tile borders), the blend reproduces it.
    cv::Mat picture(150, 230, CV_32FC1);
    cv::randu(picture, 0.0f, 1.0f);
    const Tiler tiler(TilerSettings{picture.size(), 48, 16, 4, 2});
    QVERIFY(tiler.tiles().size() > 6);
    cv::Mat blended = cv::Mat::zeros(picture.size(), CV_32FC1);
    for (const Tile& t : tiler.tiles()) {
        const cv::Mat tileOut = Tiler::cropMirrored(picture, t.input);
        const cv::Rect local(t.output.tl() - t.input.tl(), t.output.size());
        cv::Mat dst = blended(t.output);
        dst += tileOut(local).mul(t.weights());
    }
    QVERIFY(cv::norm(blended, picture, cv::NORM_INF) < 1e-5);
}

void tst_Tiler::budgetSizing()
{
    const cv::Size image(4000, 3000);
    // Fits at once: one tile.
    const int whole = Tiler::tileSizeForBudget(image, 10.0, std::size_t{1} << 30, 64, 32, 32);
    QVERIFY(whole >= 4000);
    QCOMPARE(Tiler(TilerSettings{image, whole, 64, 32, 32}).tiles().size(), std::size_t{1});
    // 1 KiB per pixel in 256 MiB: a padded tile input must stay within the budget.
    const std::size_t budget = std::size_t{256} << 20;
    const int edge = Tiler::tileSizeForBudget(image, 1024.0, budget, 64, 32, 32);
    QCOMPARE(edge % 32, 0);
    const Tiler tiler(TilerSettings{image, edge, 64, 32, 32});
    QVERIFY(tiler.tiles().size() > 1);
    for (const Tile& t : tiler.tiles())
        QVERIFY(static_cast<double>(t.input.area()) * 1024.0 <= static_cast<double>(budget) * 1.05);
    // Never below the minimum that keeps seams blendable.
    QCOMPARE(Tiler::tileSizeForBudget(image, 1e6, 1000, 16, 4, 2), 2 * 16 + 2 * 2);
}

void tst_Tiler::cropMirroredKeepsBayerParity()
{
    // A mosaic whose value encodes the CFA colour (row parity * 2 + column parity).
    cv::Mat mosaic(10, 12, CV_32FC1);
    for (int y = 0; y < mosaic.rows; ++y)
        for (int x = 0; x < mosaic.cols; ++x)
            mosaic.at<float>(y, x) = static_cast<float>((y & 1) * 2 + (x & 1));
    const cv::Mat crop = Tiler::cropMirrored(mosaic, cv::Rect(6, 4, 12, 10));   // past right and bottom
    QCOMPARE(crop.size(), cv::Size(12, 10));
    for (int y = 0; y < crop.rows; ++y)
        for (int x = 0; x < crop.cols; ++x)
            QCOMPARE(crop.at<float>(y, x), static_cast<float>((y & 1) * 2 + (x & 1)));
    // Inside the image it is a plain copy.
    const cv::Mat inside = Tiler::cropMirrored(mosaic, cv::Rect(2, 2, 4, 4));
    QCOMPARE(cv::norm(inside, mosaic(cv::Rect(2, 2, 4, 4)), cv::NORM_INF), 0.0);
}

QTEST_GUILESS_MAIN(tst_Tiler)
#include "tst_Tiler.moc"
