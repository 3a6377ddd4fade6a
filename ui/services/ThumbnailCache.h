#pragma once

#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QString>
#include <QThreadPool>

namespace nocturne::ui {

// Thumbnails for the editor's film strip. Each is decoded off the UI thread (a RAW's embedded
// preview when it has one, else a half-size decode), brightened as "amplify only" would show
// it (a dark RAW's own preview is nearly black, which tells a photographer nothing), and kept
// in memory and, when a folder is given, on disk, keyed by path, size and modification time,
// so reopening a folder shows its thumbnails at once.
// Thread: GUI thread; decoding runs on the cache's own single low-priority pool thread.
class ThumbnailCache : public QObject {
    Q_OBJECT
public:
    static constexpr int kEdge = 160;   // longest side, in pixels

    // `diskFolder` empty: memory only.
    explicit ThumbnailCache(QString diskFolder, QObject* parent = nullptr);
    ~ThumbnailCache() override;

    // The thumbnail when it is ready; otherwise a null image, and thumbnailReady or
    // thumbnailFailed follows for this path.
    QImage request(const QString& path);

    // The platform's cache folder for thumbnails (e.g. ~/.cache/Nocturne/Nocturne/thumbnails).
    static QString defaultFolder();

signals:
    void thumbnailReady(const QString& path, const QImage& image);
    void thumbnailFailed(const QString& path, const QString& message);

private:
    QString m_folder;
    QThreadPool m_pool;
    QHash<QString, QImage> m_memory;   // by the key below, so an edited file gets a new one
    QSet<QString> m_pending;
};

}  // namespace nocturne::ui
