#include <QtTest>

#include <QDir>
#include <QTemporaryDir>

#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "app/eval/PairSet.h"

using namespace nocturne;

class tst_PairSet : public QObject {
    Q_OBJECT
private slots:
    void findsPairsPerSetInOrder();
    void limitsPairsPerSet();
    void rejectsFoldersWithoutPairs_data();
    void rejectsFoldersWithoutPairs();
    void identicalImagesScorePerfectly();
    void brightnessRatioAndGtMean_data();
    void brightnessRatioAndGtMean();
    void countsOnlyNewlyClippedPixels();
    void referenceKeepsItsCodeValues();
};

namespace {

cv::Mat scene(float scale = 1.0f)
{
    cv::Mat m(40, 60, CV_32FC3);
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x)
            m.at<cv::Vec3f>(y, x) = cv::Vec3f(0.1f + 0.01f * x, 0.2f + 0.01f * y, 0.3f) * scale;
    return m;
}

void touchPng(const QString& path)
{
    QDir().mkpath(QFileInfo(path).path());
    cv::imwrite(path.toStdString(), cv::Mat(4, 4, CV_8UC3, cv::Scalar(10, 20, 30)));
}

}  // namespace

void tst_PairSet::findsPairsPerSetInOrder()
{
    QTemporaryDir dir;
    for (const char* set : {"b_set", "a_set"})
        for (const char* name : {"2.png", "10.png"}) {
            touchPng(dir.filePath(QString("%1/low/%2").arg(set, name)));
            touchPng(dir.filePath(QString("%1/high/%2").arg(set, name)));
        }
    touchPng(dir.filePath("a_set/low/orphan.png"));   // no reference: not a pair
    QDir().mkpath(dir.filePath("c_raw/low"));   // a RAW input with a PNG rendering as reference
    QFile raw(dir.filePath("c_raw/low/night.dng"));
    QVERIFY(raw.open(QIODevice::WriteOnly) && raw.write("raw") == 3);
    raw.close();
    touchPng(dir.filePath("c_raw/high/night.png"));
    auto pairs = eval::findPairs(dir.path().toStdString());
    QVERIFY(pairs.ok());
    QCOMPARE(pairs->size(), size_t(5));
    QCOMPARE(QString::fromStdString((*pairs)[0].set), QString("a_set"));
    QVERIFY(QString::fromStdString((*pairs)[4].high).endsWith("c_raw/high/night.png"));
    QCOMPARE(QString::fromStdString((*pairs)[0].name), QString("10.png"));
    QCOMPARE(QString::fromStdString((*pairs)[2].set), QString("b_set"));
    QVERIFY(QString::fromStdString((*pairs)[3].high).endsWith("b_set/high/2.png"));
}

void tst_PairSet::limitsPairsPerSet()
{
    QTemporaryDir dir;
    for (const char* set : {"x", "y"})
        for (const char* name : {"1.png", "2.png", "3.png"}) {
            touchPng(dir.filePath(QString("%1/low/%2").arg(set, name)));
            touchPng(dir.filePath(QString("%1/high/%2").arg(set, name)));
        }
    auto pairs = eval::findPairs(dir.path().toStdString(), 2);
    QVERIFY(pairs.ok());
    QCOMPARE(pairs->size(), size_t(4));
}

void tst_PairSet::rejectsFoldersWithoutPairs_data()
{
    QTest::addColumn<bool>("create");
    QTest::newRow("missing folder") << false;
    QTest::newRow("empty folder") << true;
}

void tst_PairSet::rejectsFoldersWithoutPairs()
{
    QFETCH(bool, create);
    QTemporaryDir dir;
    const QString root = dir.filePath("pairs");
    if (create)
        QDir().mkpath(root + "/s/low");
    auto pairs = eval::findPairs(root.toStdString());
    QVERIFY(!pairs.ok());
    QVERIFY(QString::fromStdString(pairs.error().describe()).contains(root));
}

void tst_PairSet::identicalImagesScorePerfectly()
{
    const cv::Mat ref = eval::quantise8(scene());
    auto s = eval::scorePair(ref, ref);
    QVERIFY(s.ok());
    QVERIFY(std::isinf(s->psnr));
    QVERIFY(std::abs(s->ssim - 1.0) < 1e-6);
    QCOMPARE(s->brightness, 1.0);
    QCOMPARE(s->newlyClipped, 0.0);
}

void tst_PairSet::brightnessRatioAndGtMean_data()
{
    QTest::addColumn<float>("scale");
    QTest::newRow("half as bright") << 0.5f;
    QTest::newRow("1.3x as bright") << 1.3f;
}

void tst_PairSet::brightnessRatioAndGtMean()
{
    QFETCH(float, scale);
    const cv::Mat ref = eval::quantise8(scene());
    auto s = eval::scorePair(scene(scale), ref);
    QVERIFY(s.ok());
    QVERIFY2(std::abs(s->brightness - scale) < 0.02, qPrintable(QString::number(s->brightness)));
    // Same picture at another brightness: plain PSNR is poor, GT-mean PSNR recovers it.
    QVERIFY(s->psnr < 25.0);
    QVERIFY2(s->psnrGtMean > 38.0, qPrintable(QString::number(s->psnrGtMean)));
}

void tst_PairSet::countsOnlyNewlyClippedPixels()
{
    cv::Mat ref = eval::quantise8(scene());
    cv::Mat out = ref.clone();
    out(cv::Rect(0, 0, 6, 10)).setTo(cv::Scalar::all(1.0));   // 60 pixels blown to white
    ref(cv::Rect(0, 0, 6, 5)).setTo(cv::Scalar::all(1.0));    // 30 of them white in the reference too
    auto s = eval::scorePair(out, ref);
    QVERIFY(s.ok());
    QCOMPARE(s->newlyClipped, 30.0 / (40 * 60));
}

void tst_PairSet::referenceKeepsItsCodeValues()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("ref.png");
    cv::Mat bgr(2, 2, CV_8UC3, cv::Scalar(30, 20, 10));   // B, G, R
    cv::imwrite(path.toStdString(), bgr);
    auto ref = eval::loadReference(path.toStdString());
    QVERIFY(ref.ok());
    const cv::Vec3f px = ref->at<cv::Vec3f>(0, 0);
    QCOMPARE(px[0], 10.0f / 255.0f);   // R first
    QCOMPARE(px[2], 30.0f / 255.0f);
    QVERIFY(!eval::loadReference(dir.filePath("missing.png").toStdString()).ok());
}

QTEST_GUILESS_MAIN(tst_PairSet)
#include "tst_PairSet.moc"
