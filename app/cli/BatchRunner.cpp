#include "app/cli/BatchRunner.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <system_error>
#include <thread>
#include <utility>

#include "core/batch/BatchPlan.h"
#include "core/batch/BatchRun.h"

namespace nocturne::cli {

namespace fs = std::filesystem;

namespace {

std::string fileNameOf(const std::string& path)
{
    const std::string name = fs::path(path).filename().string();
    return name.empty() ? path : name;
}

std::string formatDouble(const char* format, double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
}

}  // namespace

BatchRunner::BatchRunner(CliOptions options, std::shared_ptr<const core::EnhancerRegistry> registry)
    : m_options(std::move(options)), m_registry(std::move(registry))
{
}

BatchSummary BatchRunner::run(const core::RunContext& ctx, std::ostream& out, std::ostream& err)
{
    BatchSummary summary;
    const auto files = core::BatchPlan::expandInputs(m_options.inputs, m_options.recursive);
    if (files.empty()) {
        err << "nocturne-cli: no supported photos found in the given inputs\n" << std::flush;
        summary.failed = 1;
        return summary;
    }

    std::error_code ec;
    fs::create_directories(m_options.outputDir, ec);
    if (ec || !fs::is_directory(m_options.outputDir)) {
        err << "nocturne-cli: " << m_options.outputDir << ": cannot create the output folder ("
            << (ec ? ec.message() : std::string("a file of that name exists")) << "); choose another -o\n"
            << std::flush;
        summary.failed = static_cast<int>(files.size());
        return summary;
    }

    core::OutputNaming naming;
    naming.folder = m_options.outputDir;
    naming.pattern = "{name}" + m_options.suffix;
    naming.method = m_options.params.method;
    naming.format = m_options.exportOptions.format;
    const auto items = core::BatchPlan::plan(files, naming, m_options.overwrite);
    const int total = static_cast<int>(items.size());
    int jobs = m_options.jobs > 0 ? m_options.jobs
                                  : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    jobs = std::min(jobs, total);
    if (m_options.verbose)
        err << "nocturne-cli: " << total << " file(s), method " << m_options.params.method << ", " << jobs
            << " job(s), output " << m_options.outputDir << "\n"
            << std::flush;

    int finished = 0;
    core::BatchObserver observer;
    observer.fileFinished = [&](std::size_t, const core::BatchItem& item, const core::FileResult& r) {
        using Outcome = core::FileResult::Outcome;
        const std::string counter = "[" + std::to_string(++finished) + "/" + std::to_string(total) + "] ";
        const std::string name = fileNameOf(item.input);
        switch (r.outcome) {
        case Outcome::Skipped:
            if (!m_options.quiet)
                err << counter << name << ": " << r.message << " (--overwrite rename|overwrite to write anyway)\n";
            break;
        case Outcome::Written:
            if (!m_options.quiet) {
                err << counter << name << " \u2192 " << item.output << " ("
                    << (r.gainFromAmplifier ? "gain " : "ratio ") << formatDouble("%.1f", r.gain) << ", "
                    << formatDouble("%.2f s", r.totalSeconds) << ")\n";
                if (m_options.verbose)
                    err << "        " << r.imageInfo << ", " << r.method << ", decode "
                        << formatDouble("%.2f s", r.decodeSeconds) << ", process "
                        << formatDouble("%.2f s", r.processSeconds) << ", write "
                        << formatDouble("%.2f s", r.totalSeconds - r.decodeSeconds - r.processSeconds) << "\n";
            }
            out << item.output << "\n" << std::flush;
            break;
        case Outcome::Cancelled:
            if (!m_options.quiet)
                err << counter << name << ": cancelled\n";
            break;
        case Outcome::Failed:
            err << counter << name << ": FAILED: " << r.message << "\n";
            break;
        }
        err << std::flush;
    };
    core::BatchSettings settings;
    settings.params = m_options.params;
    settings.decode = m_options.decodeOptions;
    settings.exportOptions = m_options.exportOptions;
    const core::BatchCounts counts = core::BatchRun::run(items, settings, m_registry, jobs, ctx, observer);

    summary.written = counts.written;
    summary.skipped = counts.skipped;
    summary.failed = counts.failed;
    summary.cancelled = counts.cancelled;
    if (!m_options.quiet || summary.failed > 0) {
        err << summary.written << " written, " << summary.skipped << " skipped, " << summary.failed << " failed";
        if (summary.cancelled > 0)
            err << ", " << summary.cancelled << " cancelled";
        err << "\n" << std::flush;
    }
    return summary;
}

}  // namespace nocturne::cli
