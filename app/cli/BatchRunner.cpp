#include "app/cli/BatchRunner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

#include "core/io/ImageLoader.h"
#include "core/io/ImageWriter.h"
#include "core/pipeline/MethodDefaults.h"
#include "core/pipeline/Pipeline.h"

namespace nocturne::cli {

namespace fs = std::filesystem;

namespace {

// A key under which two spellings of the same file compare equal ("out/../a.jpg", "./a.jpg").
std::string pathKey(const fs::path& path)
{
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec) {
        ec.clear();
        canonical = fs::absolute(path, ec).lexically_normal();
    }
    return canonical.string();
}

bool isHidden(const fs::path& path)
{
    const std::string name = path.filename().string();
    return !name.empty() && name.front() == '.';
}

void scanFolder(const fs::path& folder, bool recursive, std::vector<std::string>& files)
{
    std::error_code ec;
    const auto options = fs::directory_options::skip_permission_denied;
    auto consider = [&files](const fs::directory_entry& entry) {
        std::error_code typeEc;
        if (entry.is_regular_file(typeEc) && !isHidden(entry.path())
            && core::ImageLoader::hasSupportedExtension(entry.path().string()))
            files.push_back(entry.path().string());
    };
    if (recursive) {
        for (auto it = fs::recursive_directory_iterator(folder, options, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            // Hidden folders (.git, .thumbnails, ...) hold no photos the user meant.
            if (it->is_directory() && isHidden(it->path())) {
                it.disable_recursion_pending();
                continue;
            }
            consider(*it);
        }
    } else {
        for (auto it = fs::directory_iterator(folder, options, ec);
             !ec && it != fs::directory_iterator(); it.increment(ec))
            consider(*it);
    }
}

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

std::vector<std::string> BatchRunner::expandInputs(const std::vector<std::string>& inputs,
                                                   bool recursive)
{
    std::vector<std::string> files;
    for (const auto& input : inputs) {
        std::error_code ec;
        if (fs::is_directory(input, ec))
            scanFolder(input, recursive, files);
        else
            files.push_back(input);   // missing or odd files get the loader's own error
    }
    std::sort(files.begin(), files.end());
    std::set<std::string> seen;
    std::vector<std::string> unique;
    for (auto& file : files)
        if (seen.insert(pathKey(file)).second)
            unique.push_back(std::move(file));
    return unique;
}

std::string BatchRunner::outputFileName(const std::string& input, const std::string& suffix,
                                        core::ExportFormat format, int n)
{
    std::string name = fs::path(input).stem().string() + suffix;
    if (n > 0)
        name += "-" + std::to_string(n);
    return name + "." + core::extensionFor(format);
}

std::vector<BatchItem> BatchRunner::plan(const std::vector<std::string>& files) const
{
    std::set<std::string> inputKeys;
    for (const auto& file : files)
        inputKeys.insert(pathKey(file));

    std::set<std::string> claimed;
    std::vector<BatchItem> items;
    items.reserve(files.size());
    const fs::path outDir(m_options.outputDir);
    const auto format = m_options.exportOptions.format;

    for (const auto& file : files) {
        BatchItem item;
        item.input = file;
        const fs::path base = outDir / outputFileName(file, m_options.suffix, format);
        const std::string baseKey = pathKey(base);
        std::error_code ec;
        const bool sameFile = baseKey == pathKey(file)
                              || (fs::exists(base, ec) && fs::equivalent(base, file, ec));
        if (sameFile) {
            item.plan = BatchItem::Plan::Fail;
            item.note = "the output " + base.string()
                        + " would overwrite the input; choose another -o folder, a --suffix or"
                          " a --format";
            items.push_back(std::move(item));
            continue;
        }

        const bool existsOnDisk = fs::exists(base, ec);
        const bool isInput = inputKeys.count(baseKey) > 0;
        const bool claimedHere = claimed.count(baseKey) > 0;
        fs::path chosen = base;
        if (isInput && m_options.overwrite != OverwritePolicy::Rename) {
            item.plan = BatchItem::Plan::Fail;
            item.note = "the output " + base.string()
                        + " is another input of this batch and is never overwritten; choose"
                          " another -o folder or a --suffix";
            items.push_back(std::move(item));
            continue;
        }
        if (m_options.overwrite == OverwritePolicy::Skip && existsOnDisk && !claimedHere) {
            item.plan = BatchItem::Plan::Skip;
            item.output = base.string();
            item.note = "skipped, " + base.string() + " exists (--overwrite rename|overwrite to"
                        " write anyway)";
            items.push_back(std::move(item));
            continue;
        }
        // Rename on any conflict; and a name an earlier file of this batch already took is
        // renamed under every policy, so a batch never overwrites its own results.
        const bool mustRename = claimedHere
                                || (m_options.overwrite == OverwritePolicy::Rename
                                    && (existsOnDisk || isInput));
        for (int n = 1; mustRename; ++n) {
            chosen = outDir / outputFileName(file, m_options.suffix, format, n);
            const std::string key = pathKey(chosen);
            if (!fs::exists(chosen, ec) && claimed.count(key) == 0 && inputKeys.count(key) == 0)
                break;
        }
        claimed.insert(pathKey(chosen));
        item.output = chosen.string();
        items.push_back(std::move(item));
    }
    return items;
}

BatchRunner::ItemResult BatchRunner::processOne(const BatchItem& item, const core::RunContext& ctx,
                                                core::Pipeline& pipeline) const
{
    using Clock = std::chrono::steady_clock;
    ItemResult result;
    const auto start = Clock::now();
    auto seconds = [&start] {
        return std::chrono::duration<double>(Clock::now() - start).count();
    };

    // A worker must not die on one file: anything thrown is reported as this file's failure.
    try {
        auto loaded = core::ImageLoader::load(item.input, m_options.decodeOptions);
        if (!loaded) {
            result.error = loaded.error().describe();
            return result;
        }
        const double decodeSeconds = seconds();
        // Said before processing, so a mixed folder does not spend a network run on a JPEG.
        if (auto source = core::ImageWriter::checkSource(m_options.exportOptions, loaded->meta); !source) {
            result.error = core::Error{source.error().code, source.error().message, item.input}.describe();
            return result;
        }
        if (ctx.stopRequested()) {
            result.outcome = ItemResult::Outcome::Cancelled;
            return result;
        }

        core::ProcessParams params = m_options.params;
        if (params.method == core::kAutoMethod)
            params.method = core::defaultMethodFor(core::sourceKindOf(loaded->meta), *m_registry);
        auto processed = pipeline.process(*loaded, params, ctx);
        if (!processed) {
            if (processed.error().code == core::ErrorCode::Cancelled)
                result.outcome = ItemResult::Outcome::Cancelled;
            else
                result.error = processed.error().describe();
            return result;
        }
        const double processSeconds = seconds() - decodeSeconds;
        if (ctx.stopRequested()) {
            result.outcome = ItemResult::Outcome::Cancelled;
            return result;
        }

        const auto& image = core::takesLinearImage(m_options.exportOptions) ? processed->linear
                                                                                  : processed->display;
        auto written = core::ImageWriter::write(image, item.output,
                                                m_options.exportOptions, loaded->meta);
        if (!written) {
            result.error = written.error().describe();
            return result;
        }
        result.outcome = ItemResult::Outcome::Written;
        result.gain = processed->gain;
        result.gainFromAmplifier = processed->gainFromAmplifier;
        result.seconds = seconds();
        const auto& meta = loaded->meta;
        result.detail = meta.format + " " + std::to_string(loaded->rgb.width()) + "x"
                        + std::to_string(loaded->rgb.height())
                        + (loaded->halfSize ? " (half size)" : "") + ", decode "
                        + formatDouble("%.2f s", decodeSeconds) + ", process "
                        + formatDouble("%.2f s", processSeconds) + ", write "
                        + formatDouble("%.2f s", result.seconds - decodeSeconds - processSeconds);
    } catch (const std::bad_alloc&) {
        result.outcome = ItemResult::Outcome::Failed;
        result.error = item.input + ": out of memory; try --half or fewer --jobs";
    } catch (const std::exception& e) {
        result.outcome = ItemResult::Outcome::Failed;
        result.error = item.input + ": internal error: " + e.what();
    }
    return result;
}

BatchSummary BatchRunner::run(const core::RunContext& ctx, std::ostream& out, std::ostream& err)
{
    BatchSummary summary;
    const auto files = expandInputs(m_options.inputs, m_options.recursive);
    if (files.empty()) {
        err << "nocturne-cli: no supported photos found in the given inputs\n" << std::flush;
        summary.failed = 1;
        return summary;
    }

    std::error_code ec;
    fs::create_directories(m_options.outputDir, ec);
    if (ec || !fs::is_directory(m_options.outputDir)) {
        err << "nocturne-cli: " << m_options.outputDir << ": cannot create the output folder ("
            << (ec ? ec.message() : std::string("a file of that name exists"))
            << "); choose another -o\n"
            << std::flush;
        summary.failed = static_cast<int>(files.size());
        return summary;
    }

    const auto items = plan(files);
    const int total = static_cast<int>(items.size());
    int jobs = m_options.jobs > 0 ? m_options.jobs
                                  : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    jobs = std::min(jobs, total);
    if (m_options.verbose)
        err << "nocturne-cli: " << total << " file(s), method " << m_options.params.method
            << ", " << jobs << " job(s), output " << m_options.outputDir << "\n" << std::flush;

    std::mutex outputMutex;   // one whole line at a time on stdout and stderr
    int finished = 0;
    auto report = [this, &outputMutex, &finished, &total, &summary, &out,
                   &err](const BatchItem& item, const ItemResult* result) {
        std::lock_guard lock(outputMutex);
        const std::string counter = "[" + std::to_string(++finished) + "/" + std::to_string(total) + "] ";
        const std::string name = fileNameOf(item.input);
        if (result == nullptr && item.plan == BatchItem::Plan::Skip) {
            ++summary.skipped;
            if (!m_options.quiet)
                err << counter << name << ": " << item.note << "\n";
        } else if (result == nullptr) {
            ++summary.failed;
            err << counter << name << ": FAILED: " << item.input << ": " << item.note << "\n";
        } else if (result->outcome == ItemResult::Outcome::Written) {
            ++summary.written;
            if (!m_options.quiet) {
                err << counter << name << " \u2192 " << item.output << " ("
                    << (result->gainFromAmplifier ? "gain " : "ratio ")
                    << formatDouble("%.1f", result->gain) << ", "
                    << formatDouble("%.2f s", result->seconds) << ")\n";
                if (m_options.verbose)
                    err << "        " << result->detail << "\n";
            }
            out << item.output << "\n" << std::flush;
        } else if (result->outcome == ItemResult::Outcome::Cancelled) {
            ++summary.cancelled;
            if (!m_options.quiet)
                err << counter << name << ": cancelled\n";
        } else {
            ++summary.failed;
            err << counter << name << ": FAILED: " << result->error << "\n";
        }
        err << std::flush;
    };

    // The workers are joined before this function returns, so they may borrow these locals.
    std::atomic<size_t> next{0};
    auto worker = [this, &items, &next, &ctx, &report] {
        core::Pipeline pipeline(m_registry);
        for (;;) {
            const size_t index = next.fetch_add(1);
            if (index >= items.size() || ctx.stopRequested())
                return;
            const BatchItem& item = items[index];
            if (item.plan != BatchItem::Plan::Process) {
                report(item, nullptr);
                continue;
            }
            const ItemResult result = processOne(item, ctx, pipeline);
            report(item, &result);
        }
    };
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < jobs; ++i)
            threads.emplace_back(worker);
    }

    const int notStarted = total - finished;
    summary.cancelled += notStarted;
    if (!m_options.quiet || summary.failed > 0) {
        err << summary.written << " written, " << summary.skipped << " skipped, "
            << summary.failed << " failed";
        if (summary.cancelled > 0)
            err << ", " << summary.cancelled << " cancelled";
        err << "\n" << std::flush;
    }
    return summary;
}

}  // namespace nocturne::cli
