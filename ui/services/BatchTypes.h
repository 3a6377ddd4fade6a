#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include "core/batch/BatchPlan.h"
#include "core/io/ImageWriter.h"
#include "core/pipeline/Pipeline.h"

namespace nocturne::ui {

struct BatchSettings {
    QStringList inputs;                          // files; folders are expanded by expandInputs()
    QString outputDir;
    QString namePattern = QStringLiteral("{name}_nocturne");   // {name} {method} {index}
    // Single-file export: the exact destination (outputDir and namePattern are ignored).
    QString explicitDestination;
    core::ProcessParams params;
    core::ExportOptions exportOptions;
    core::OverwritePolicy overwrite = core::OverwritePolicy::Rename;   // never the source, whatever it says
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

// core::BatchPlan::expandInputs for Qt callers (the dialog, the editor's Open Folder).
// Thread: any (file system reads only).
QStringList expandBatchInputs(const QStringList& filesOrFolders, bool recursive = false);

}  // namespace nocturne::ui

Q_DECLARE_METATYPE(nocturne::ui::BatchEvent)
Q_DECLARE_METATYPE(nocturne::ui::BatchSummary)
