#pragma once

#include <iosfwd>
#include <memory>

#include "app/cli/CliOptions.h"
#include "core/base/RunContext.h"
#include "core/enhance/EnhancerRegistry.h"

namespace nocturne::cli {

struct BatchSummary {
    int written = 0;
    int skipped = 0;
    int failed = 0;
    int cancelled = 0;
};

// The command line's driver of core's batch engine (core/batch): expands the inputs, creates
// the output folder, plans the names ("<stem><suffix>.<ext>", --overwrite), runs the files on
// `jobs` threads and reports. Progress and failures go to `err` (one whole line at a time),
// written paths to `out`.
// Thread: construct and run() on one thread; core::BatchRun starts and joins the workers.
class BatchRunner {
public:
    BatchRunner(CliOptions options, std::shared_ptr<const core::EnhancerRegistry> registry);

    BatchSummary run(const core::RunContext& ctx, std::ostream& out, std::ostream& err);

private:
    CliOptions m_options;
    std::shared_ptr<const core::EnhancerRegistry> m_registry;
};

}  // namespace nocturne::cli
