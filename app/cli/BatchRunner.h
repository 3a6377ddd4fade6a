#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/CliOptions.h"
#include "core/enhance/EnhancerRegistry.h"
#include "core/base/RunContext.h"

namespace nocturne::cli {

// One input of the batch and what the planner decided for it.
struct BatchItem {
    enum class Plan { Process, Skip, Fail };
    std::string input;     // path of the photo, as typed or as found in a folder
    std::string output;    // planned destination (empty for Fail)
    Plan plan = Plan::Process;
    std::string note;      // why it is skipped or failed before processing
};

struct BatchSummary {
    int written = 0;
    int skipped = 0;
    int failed = 0;
    int cancelled = 0;
};

// Runs one nocturne-cli batch: expands the inputs, plans unique output names under the
// overwrite policy, then processes the files on `jobs` worker threads, each with its own
// Pipeline. Progress and failures go to `err` (one whole line at a time), written paths to
// `out`. A failing file never stops the batch; a stop request on the RunContext does (files in
// flight end as Cancelled, not yet started ones are not started).
// Thread: construct and run() on one thread; run() starts and joins its own workers.
class BatchRunner {
public:
    BatchRunner(CliOptions options, std::shared_ptr<const core::EnhancerRegistry> registry);

    // Files named explicitly are always kept (so an odd extension gets a real decoder error);
    // folders contribute their files with a supported extension (hidden files excluded),
    // descending when `recursive`. The result is sorted and free of duplicates.
    static std::vector<std::string> expandInputs(const std::vector<std::string>& inputs,
                                                 bool recursive);

    // "<stem><suffix>.<ext>", or "<stem><suffix>-<n>.<ext>" for n > 0.
    static std::string outputFileName(const std::string& input, const std::string& suffix,
                                      core::ExportFormat format, int n = 0);

    // Decides each file's destination in `outputDir`, in order, so names within the batch are
    // unique and no destination is ever one of the inputs.
    std::vector<BatchItem> plan(const std::vector<std::string>& files) const;

    BatchSummary run(const core::RunContext& ctx, std::ostream& out, std::ostream& err);

private:
    struct ItemResult {
        enum class Outcome { Written, Failed, Cancelled } outcome = Outcome::Failed;
        double gain = 1.0;
        bool gainFromAmplifier = true;
        double seconds = 0.0;
        std::string error;     // Error::describe() for Failed
        std::string detail;    // --verbose extras
    };
    ItemResult processOne(const BatchItem& item, const core::RunContext& ctx,
                          core::Pipeline& pipeline) const;

    CliOptions m_options;
    std::shared_ptr<const core::EnhancerRegistry> m_registry;
};

}  // namespace nocturne::cli
