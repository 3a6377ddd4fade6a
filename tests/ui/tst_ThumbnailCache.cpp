// ThumbnailCache: film-strip thumbnails from RAW previews or half-size decodes, off the UI
// thread, brightened, cached in memory and on disk, with per-file errors.
#include <atomic>

#include <QDir>
#include <QFile>
#include <QSemaphore>
#include <QThread>
#include <QTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/core.hpp>

#include "tests/support/DngWriter.h"
#include "tests/ui/UiTestSupport.h"
#include "ui/services/ThumbnailCache.h"

using namespace nocturne;
namespace ts = nocturne::testsupport;

class tst_ThumbnailCache : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void rawPreviewIsUsedAndTurnedUpright_data();
    void rawPreviewIsUsedAndTurnedUpright();
    void rawWithoutPreviewAndRasterFilesAreDecodedSmall_data();
    void rawWithoutPreviewAndRasterFilesAreDecodedSmall();
    void badFilesFailWithTheirNameAndReason_data();
    void badFilesFailWithTheirNameAndReason();
    void diskCacheServesASecondSessionAndFollowsEdits();
    void decodingNeverHoldsTheCallersThread();

private:
    QImage waitFor(ui::ThumbnailCache& cache, const QString& path);
    QString writeDng(const char* name, int orientation, bool withPreview);
    QTemporaryDir m_dir;
};

namespace {

// Left half red, right half blue: which way the preview was turned is visible.
cv::Mat splitPreview(int width, int height)
{
    cv::Mat rgb(height, width, CV_8UC3, cv::Scalar(200, 30, 30));
    rgb(cv::Rect(width / 2, 0, width - width / 2, height)).setTo(cv::Scalar(30, 30, 200));
    return rgb;
}

}  // namespace

void tst_ThumbnailCache::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

QString tst_ThumbnailCache::writeDng(const char* name, int orientation, bool withPreview)
{
    ts::DngSpec spec;
    spec.mosaic = ts::makeSceneMosaic(640, 480, core::CfaPattern::RGGB, spec.blackLevel, spec.whiteLevel, 0.02, 5);
    spec.orientation = orientation;
    if (withPreview)
        spec.preview = splitPreview(320, 240);
    const QString path = m_dir.filePath(QString::fromUtf8(name));
    const std::string error = ts::writeDng(path.toStdString(), spec);
    return error.empty() ? path : QString();
}

QImage tst_ThumbnailCache::waitFor(ui::ThumbnailCache& cache, const QString& path)
{
    QSignalSpy ready(&cache, &ui::ThumbnailCache::thumbnailReady);
    const QImage immediate = cache.request(path);
    if (!immediate.isNull())
        return immediate;
    if (!ready.wait(20000))
        return {};
    return ready.first().at(1).value<QImage>();
}

void tst_ThumbnailCache::rawPreviewIsUsedAndTurnedUpright_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("redOnTop");   // else red on the left
    QTest::newRow("upright") << 1 << QSize(160, 120) << false;
    QTest::newRow("rotated 90 CW") << 6 << QSize(120, 160) << true;
}

void tst_ThumbnailCache::rawPreviewIsUsedAndTurnedUpright()
{
    QFETCH(int, orientation);
    QFETCH(QSize, size);
    QFETCH(bool, redOnTop);
    const QString dng = writeDng(orientation == 1 ? "preview.dng" : "preview-rotated.dng", orientation, true);
    QVERIFY(!dng.isEmpty());
    ui::ThumbnailCache cache(QString{});
    const QImage thumb = waitFor(cache, dng);
    QVERIFY(!thumb.isNull());
    QCOMPARE(thumb.size(), size);
    // The preview's colours, not the grey-ish synthetic scene of the raw data.
    const QColor first = thumb.pixelColor(8, 8);
    const QColor other = redOnTop ? thumb.pixelColor(8, thumb.height() - 8) : thumb.pixelColor(thumb.width() - 8, 8);
    QVERIFY2(first.red() > 2 * first.blue(), qPrintable(first.name()));
    QVERIFY2(other.blue() > 2 * other.red(), qPrintable(other.name()));
}

void tst_ThumbnailCache::rawWithoutPreviewAndRasterFilesAreDecodedSmall_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QSize>("size");
    QTest::newRow("dng without preview") << "dng" << QSize(160, 120);
    QTest::newRow("dark png") << "png" << QSize(160, 90);
    QTest::newRow("small png is not enlarged") << "tiny" << QSize(40, 30);
}

void tst_ThumbnailCache::rawWithoutPreviewAndRasterFilesAreDecodedSmall()
{
    QFETCH(QString, kind);
    QFETCH(QSize, size);
    QString path;
    int sourceLevel = 0;
    if (kind == QLatin1String("dng")) {
        path = writeDng("plain.dng", 1, false);
    } else {
        path = m_dir.filePath(kind + QStringLiteral(".png"));
        sourceLevel = 25;
        QVERIFY(kind == QLatin1String("tiny") ? uitest::writeDarkPng(path, 40, 30, sourceLevel)
                                              : uitest::writeDarkPng(path, 640, 360, sourceLevel));
    }
    QVERIFY(!path.isEmpty());
    ui::ThumbnailCache cache(QString{});
    const QImage thumb = waitFor(cache, path);
    QVERIFY(!thumb.isNull());
    QCOMPARE(thumb.size(), size);
    if (sourceLevel > 0) {
        // Brightened as "amplify only" shows it: a dark photo's thumbnail is not black.
        double sum = 0;
        for (int y = 0; y < thumb.height(); ++y)
            for (int x = 0; x < thumb.width(); ++x)
                sum += qGray(thumb.pixel(x, y));
        QVERIFY2(sum / (thumb.width() * thumb.height()) > 2.0 * sourceLevel, "thumbnail not brightened");
    }
}

void tst_ThumbnailCache::badFilesFailWithTheirNameAndReason_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("reason");
    QTest::newRow("zero bytes") << QByteArray() << "empty.nef" << "empty";
    QTest::newRow("random bytes named as RAW") << QByteArray(4096, 'x') << "noise.dng" << "not";
    QTest::newRow("truncated PNG") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << "cut.png" << "PNG";
}

void tst_ThumbnailCache::badFilesFailWithTheirNameAndReason()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, name);
    QFETCH(QString, reason);
    const QString path = m_dir.filePath(name);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    ui::ThumbnailCache cache(QString{});
    QSignalSpy failed(&cache, &ui::ThumbnailCache::thumbnailFailed);
    QVERIFY(cache.request(path).isNull());
    QVERIFY(failed.wait(20000));
    QCOMPARE(failed.first().at(0).toString(), path);
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.contains(name) && message.contains(reason, Qt::CaseInsensitive), qPrintable(message));
}

void tst_ThumbnailCache::diskCacheServesASecondSessionAndFollowsEdits()
{
    QTemporaryDir cacheDir;
    QVERIFY(cacheDir.isValid());
    const QString folder = cacheDir.filePath(QStringLiteral("thumbs"));
    const QString png = m_dir.filePath(QStringLiteral("cached.png"));
    QVERIFY(uitest::writeDarkPng(png, 320, 200, 30));
    QImage first;
    {
        ui::ThumbnailCache cache(folder);
        first = waitFor(cache, png);
        QVERIFY(!first.isNull());
        // Asked again in the same session: from memory, at once.
        QCOMPARE(cache.request(png), first);
    }
    QCOMPARE(QDir(folder).entryList(QDir::Files).size(), 1);

    // A later session reads the stored thumbnail: same pixels, no new file.
    ui::ThumbnailCache again(folder);
    QCOMPARE(waitFor(again, png), first);
    QCOMPARE(QDir(folder).entryList(QDir::Files).size(), 1);

    // The photo is replaced under the same name: a new thumbnail, not the stale one.
    QVERIFY(uitest::writeDarkPng(png, 200, 320, 30));
    const QImage edited = waitFor(again, png);
    QCOMPARE(edited.size(), QSize(100, 160));
    QCOMPARE(QDir(folder).entryList(QDir::Files).size(), 2);
}

void tst_ThumbnailCache::decodingNeverHoldsTheCallersThread()
{
    // A decoder that does not finish until the test lets it: were decoding done on the
    // caller's thread, request() could not return while it waits, and the test would fail
    // (after the decoder gives up) instead of passing.
    QSemaphore started;
    QSemaphore release;
    std::atomic<QThread*> decodedOn{nullptr};
    std::atomic<int> decodes{0};
    const QImage made = [] {
        QImage image(16, 12, QImage::Format_RGB888);
        image.fill(QColor(90, 60, 30));
        return image;
    }();
    ui::ThumbnailCache cache({}, nullptr, [&](const QString&, QString* error) {
        decodedOn = QThread::currentThread();
        ++decodes;
        started.release();
        if (!release.tryAcquire(1, 30000)) {
            *error = QStringLiteral("the test never released the decoder");
            return QImage();
        }
        return made;
    });
    QSignalSpy ready(&cache, &ui::ThumbnailCache::thumbnailReady);
    QSignalSpy failed(&cache, &ui::ThumbnailCache::thumbnailFailed);
    const QString path = m_dir.filePath(QStringLiteral("held.png"));

    QVERIFY(cache.request(path).isNull());
    QVERIFY(started.tryAcquire(1, 20000));   // the decoder is running, and holding
    QVERIFY(decodedOn.load() != QThread::currentThread());
    // The caller's event loop keeps turning while the decoder holds its thread.
    bool ticked = false;
    QTimer::singleShot(0, this, [&] { ticked = true; });
    QTRY_VERIFY_WITH_TIMEOUT(ticked, 5000);
    // Asking again while it is pending starts no second decode.
    QVERIFY(cache.request(path).isNull());
    QCOMPARE(ready.count(), 0);

    release.release();
    QVERIFY(ready.wait(20000));
    QCOMPARE(failed.count(), 0);
    QCOMPARE(ready.first().at(0).toString(), path);
    QCOMPARE(ready.first().at(1).value<QImage>(), made);
    QCOMPARE(cache.request(path), made);   // from memory, at once
    QCOMPARE(decodes.load(), 1);
}

QTEST_MAIN(tst_ThumbnailCache)
#include "tst_ThumbnailCache.moc"
