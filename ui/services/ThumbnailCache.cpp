#include "ui/services/ThumbnailCache.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QSaveFile>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

#include "core/io/ImageLoader.h"
#include "ui/services/Glimpse.h"
#include "ui/services/PreviewSource.h"

namespace nocturne::ui {

namespace {

struct Outcome {
    QImage image;
    QString error;
};

// Path, size and modification time: a file replaced under the same name gets a new thumbnail.
QString keyOf(const QString& path)
{
    const QFileInfo info(path);
    const QString identity = info.absoluteFilePath() + QLatin1Char('|') + QString::number(info.size())
                             + QLatin1Char('|') + QString::number(info.lastModified().toMSecsSinceEpoch())
                             + QLatin1Char('|') + QString::number(ThumbnailCache::kEdge);
    return QString::fromLatin1(QCryptographicHash::hash(identity.toUtf8(), QCryptographicHash::Sha1).toHex());
}

Outcome render(const ThumbnailCache::Decoder& decoder, const QString& path, const QString& diskFile)
{
    if (!diskFile.isEmpty()) {
        const QImage cached(diskFile);
        if (!cached.isNull())
            return {cached.convertToFormat(QImage::Format_RGB888), {}};   // as freshly made ones
    }
    Outcome outcome;
    outcome.image = decoder(path, &outcome.error);
    if (outcome.image.isNull()) {
        if (outcome.error.isEmpty())
            outcome.error = path + QStringLiteral(": no thumbnail could be made");
        return outcome;
    }
    if (!diskFile.isEmpty()) {
        // QSaveFile writes beside the target and renames: a killed editor leaves no half PNG.
        QSaveFile out(diskFile);
        if (out.open(QIODevice::WriteOnly) && outcome.image.save(&out, "PNG"))
            out.commit();
    }
    return outcome;
}

}  // namespace

ThumbnailCache::ThumbnailCache(QString diskFolder, QObject* parent, Decoder decoder)
    : QObject(parent), m_folder(std::move(diskFolder)), m_decoder(decoder ? std::move(decoder) : Decoder(&decodeThumbnail))
{
    m_pool.setMaxThreadCount(1);
    m_pool.setThreadPriority(QThread::LowPriority);   // the preview render comes first
    if (!m_folder.isEmpty() && !QDir().mkpath(m_folder))
        m_folder.clear();   // an unwritable cache folder only costs speed
}

ThumbnailCache::~ThumbnailCache()
{
    m_pool.clear();
    m_pool.waitForDone();
}

QImage ThumbnailCache::decodeThumbnail(const QString& path, QString* error)
{
    core::DecodeOptions options;
    options.maxPixels = PreviewSource::decodeLimit();
    auto small = core::ImageLoader::loadThumbnail(path.toStdString(), kEdge, options);
    if (!small) {
        if (error)
            *error = QString::fromStdString(small.error().describe());
        return {};
    }
    return amplifiedForDisplay(*small);
}

QString ThumbnailCache::defaultFolder()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    return base.isEmpty() ? QString() : QDir(base).filePath(QStringLiteral("thumbnails"));
}

QImage ThumbnailCache::request(const QString& path)
{
    const QString key = keyOf(path);
    if (const auto it = m_memory.constFind(key); it != m_memory.constEnd())
        return *it;
    if (m_pending.contains(key))
        return {};
    m_pending.insert(key);
    const QString diskFile = m_folder.isEmpty() ? QString() : QDir(m_folder).filePath(key + QStringLiteral(".png"));
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, path, key] {
        watcher->deleteLater();
        m_pending.remove(key);
        const Outcome outcome = watcher->result();
        if (outcome.image.isNull()) {
            emit thumbnailFailed(path, outcome.error);
            return;
        }
        m_memory.insert(key, outcome.image);
        emit thumbnailReady(path, outcome.image);
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [decoder = m_decoder, path, diskFile] { return render(decoder, path, diskFile); }));
    return {};
}

}  // namespace nocturne::ui
