#pragma once

#include <optional>

#include <QImage>
#include <QMetaType>
#include <QString>

#include "core/pipeline/Pipeline.h"
#include "ui/services/Histogram.h"
#include "ui/services/PreviewSource.h"

namespace nocturne::ui {

// Everything the editor shows for one render request, prepared off the GUI thread so the GUI
// only paints. A value type: QImage and ImageBuffer share their pixels implicitly and nobody
// mutates them after render() returns.
struct RenderOutput {
    quint64 requestId = 0;
    bool cancelled = false;
    bool draft = false;                 // a network's quick low-resolution step; the full proxy follows
    std::optional<core::Error> error;   // set when processing failed
    QImage display;                     // the result at the requested gamma (RGB888)
    QImage before;                      // the unprocessed source at the same gamma
    QImage overlay;                     // colour-mapped attention / brightness-gain map
    bool overlayIsAttention = false;    // true: the method's own map; false: Eq. 4 gain map
    Histogram histogram;                // of `display`
    double gain = 1.0;
    bool gainFromAmplifier = true;
    double elapsedMs = 0.0;             // processing time in the worker
    double latencyMs = 0.0;             // request to result, set by the RenderScheduler
    QString runsOn;                     // the method's device and precision (networks), else empty
    core::ProcessParams params;
    core::ImageBuffer displayBuffer;    // float result, for metrics

    bool ok() const { return !cancelled && !error; }
};

// Runs one preview render: Pipeline::process plus the display conversions, overlay and
// histogram. Library exceptions (bad_alloc, cv::Exception) become errors here.
// Thread: runs on the caller's (worker) thread; `pipeline` must be owned by that worker.
class PreviewRenderer {
public:
    static RenderOutput render(core::Pipeline& pipeline, const PreviewSource& source,
                               const core::ProcessParams& params, const core::RunContext& ctx,
                               quint64 requestId);
};

}  // namespace nocturne::ui

Q_DECLARE_METATYPE(nocturne::ui::RenderOutput)
