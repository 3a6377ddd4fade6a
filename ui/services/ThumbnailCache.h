#pragma once

#include <functional>

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

    // Makes one thumbnail from a file: the image, or a null image and `*error` naming the file
    // and the reason. Called on the cache's pool thread, never on the caller's.
    using Decoder = std::function<QImage(const QString& path, QString* error)>;

    // `diskFolder` empty: memory only. `decoder` empty: decodeThumbnail (tests pass their own,
    // e.g. one that holds the pool thread to show the caller's thread never waits for it).
    explicit ThumbnailCache(QString diskFolder, QObject* parent = nullptr, Decoder decoder = {});
    ~ThumbnailCache() override;

    // The thumbnail when it is ready; otherwise a null image, and thumbnailReady or
    // thumbnailFailed follows for this path.
    QImage request(const QString& path);

    // The platform's cache folder for thumbnails (e.g. ~/.cache/Nocturne/Nocturne/thumbnails).
    static QString defaultFolder();

    // The editor's decoder: a RAW's embedded preview or a half-size decode, brightened as
    // "amplify only" would show it.
    static QImage decodeThumbnail(const QString& path, QString* error);

signals:
    void thumbnailReady(const QString& path, const QImage& image);
    void thumbnailFailed(const QString& path, const QString& message);

private:
    QString m_folder;
    Decoder m_decoder;
    QThreadPool m_pool;
    QHash<QString, QImage> m_memory;   // by the key below, so an edited file gets a new one
    QSet<QString> m_pending;
};

}  // namespace nocturne::ui
