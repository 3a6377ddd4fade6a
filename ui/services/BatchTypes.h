#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include "core/io/ImageWriter.h"
#include "core/pipeline/Pipeline.h"

namespace nocturne::ui {

// What to do when an output file already exists. The source is never overwritten, whatever
// the policy: an output that would land on its own source is renamed.
enum class CollisionPolicy { Skip, Rename, Overwrite };

struct BatchSettings {
    QStringList inputs;                          // files; folders are expanded by expandInputs()
    QString outputDir;
    QString namePattern = QStringLiteral("{name}_nocturne");   // {name} {method} {index}
    // Single-file export: the exact destination (outputDir and namePattern are ignored).
    QString explicitDestination;
    core::ProcessParams params;
    core::ExportOptions exportOptions;
    CollisionPolicy collision = CollisionPolicy::Rename;
};

// One step of a batch, reported from the worker through a QPromise.
struct BatchEvent {
    enum class Kind { FileStarted, FileProgress, FileWritten, FileSkipped, FileFailed, FileCancelled };
    Kind kind = Kind::FileStarted;
    int index = 0;
    int total = 0;
    QString source;
    QString destination;
    QString message;           // failures: what went wrong and what to do
    double fraction = 0.0;     // FileProgress: progress of this file
};

struct BatchFailure {
    QString source;
    QString message;
};

struct BatchSummary {
    int total = 0;
    int written = 0;
    int skipped = 0;
    bool cancelled = false;
    QString fatalError;        // the batch could not start (e.g. output folder not writable)
    QList<BatchFailure> failures;
    QStringList outputs;
    QString outputDir;
    double seconds = 0.0;
};

// File naming and input expansion for batches.
// Thread: pure functions (filesystem reads only); any thread.
class BatchNaming {
public:
    // Files stay (in order, duplicates dropped); folders contribute their supported photos,
    // sorted by name; `recursive` descends into sub-folders.
    static QStringList expandInputs(const QStringList& filesOrFolders, bool recursive = false);
    // `pattern` with {name} (source base name), {method}, {index} (1-based) filled in, plus
    // the format's extension; characters not allowed in file names become '_'.
    static QString outputFileName(const QString& pattern, const QString& source, const QString& method,
                                  int index, core::ExportFormat format);
    // The path to write, or an empty string to skip, following `policy`.
    static QString resolveCollision(const QString& candidate, const QString& source, CollisionPolicy policy);
};

}  // namespace nocturne::ui

Q_DECLARE_METATYPE(nocturne::ui::BatchEvent)
Q_DECLARE_METATYPE(nocturne::ui::BatchSummary)
