#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/RunContext.h"
#include "core/batch/BatchPlan.h"
#include "core/enhance/EnhancerRegistry.h"
#include "core/io/DecodeOptions.h"
#include "core/io/ImageWriter.h"
#include "core/pipeline/Pipeline.h"

namespace nocturne::core {

// Everything a batch applies to each file.
struct BatchSettings {
    ProcessParams params;        // method "auto": each file's kind decides (MethodDefaults)
    DecodeOptions decode;
    ExportOptions exportOptions;
};

// How one file of a batch ended.
struct FileResult {
    enum class Outcome { Written, Skipped, Failed, Cancelled };
    Outcome outcome = Outcome::Failed;
    std::string message;   // Failed: names the file, says what went wrong and what to do; Skipped: why
    std::string method;    // the method that ran ("auto" resolved)
    double gain = 1.0;
    bool gainFromAmplifier = true;
    double decodeSeconds = 0.0;
    double processSeconds = 0.0;
    double totalSeconds = 0.0;
    std::string imageInfo; // "JPEG 4000x3000 (half size)"
};

struct BatchCounts {
    int written = 0;
    int skipped = 0;
    int failed = 0;
    int cancelled = 0;   // stopped in flight, or never started because of the stop
};

// Called from the worker threads, one call at a time (the runner serialises them), so the
// callbacks need no lock of their own. `index` is the item's position in the plan.
struct BatchObserver {
    std::function<void(std::size_t index, const BatchItem& item)> fileStarted;
    std::function<void(std::size_t index, const BatchItem& item, const FileResult& result)> fileFinished;
};

// The one batch engine of the CLI and the editor.
// Thread: stateless; run() starts and joins its own worker threads.
class BatchRun {
public:
    // Load -> process -> write one planned file. Never throws: whatever fails (including an
    // exception from a library) becomes this file's Failed result, and a stop request on `ctx`
    // becomes Cancelled. Progress: 0.1 after decoding, then the pipeline's, 1.0 once written.
    static FileResult processFile(const BatchItem& item, const BatchSettings& settings, Pipeline& pipeline,
                                  const RunContext& ctx);

    // Runs the plan on `jobs` threads (at least 1, at most one per file), each with its own
    // Pipeline; a failing file never stops the batch, a stop request does (files in flight end
    // as Cancelled, files not started are counted as cancelled and not reported).
    static BatchCounts run(const std::vector<BatchItem>& items, const BatchSettings& settings,
                           std::shared_ptr<const EnhancerRegistry> registry, int jobs, const RunContext& ctx,
                           const BatchObserver& observer);
};

}  // namespace nocturne::core
