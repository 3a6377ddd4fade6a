#include "core/batch/BatchRun.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <new>
#include <thread>

#include <opencv2/core.hpp>

#include "core/io/ImageLoader.h"
#include "core/pipeline/MethodDefaults.h"

namespace nocturne::core {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

FileResult failed(const Error& error)
{
    FileResult r;
    r.outcome = FileResult::Outcome::Failed;
    r.message = error.describe();
    return r;
}

FileResult cancelled()
{
    FileResult r;
    r.outcome = FileResult::Outcome::Cancelled;
    return r;
}

FileResult processPlanned(const BatchItem& item, const BatchSettings& settings, Pipeline& pipeline,
                          const RunContext& ctx)
{
    const auto start = Clock::now();
    auto loaded = ImageLoader::load(item.input, settings.decode);
    if (!loaded)
        return failed(loaded.error());
    const double decodeSeconds = secondsSince(start);
    // Said before processing, so a mixed folder does not spend a network run on a JPEG.
    if (auto source = ImageWriter::checkSource(settings.exportOptions, loaded->meta); !source)
        return failed(Error{source.error().code, source.error().message, item.input});
    if (ctx.stopRequested())
        return cancelled();
    ctx.progress(0.1, "decoded");

    ProcessParams params = settings.params;
    if (params.method == kAutoMethod)
        params.method = defaultMethodFor(sourceKindOf(loaded->meta), pipeline.registry());
    auto processed = pipeline.process(*loaded, params, ctx.subRange(0.1, 0.9));
    if (!processed)
        return processed.error().code == ErrorCode::Cancelled ? cancelled() : failed(processed.error());
    const double processSeconds = secondsSince(start) - decodeSeconds;
    if (ctx.stopRequested())
        return cancelled();

    const auto& image = takesLinearImage(settings.exportOptions) ? processed->linear : processed->display;
    if (auto written = ImageWriter::write(image, item.output, settings.exportOptions, loaded->meta); !written)
        return failed(written.error());
    ctx.progress(1.0, "written");

    FileResult r;
    r.outcome = FileResult::Outcome::Written;
    r.method = params.method;
    r.gain = processed->gain;
    r.gainFromAmplifier = processed->gainFromAmplifier;
    r.decodeSeconds = decodeSeconds;
    r.processSeconds = processSeconds;
    r.totalSeconds = secondsSince(start);
    r.imageInfo = loaded->meta.format + " " + std::to_string(loaded->rgb.width()) + "x"
                  + std::to_string(loaded->rgb.height()) + (loaded->halfSize ? " (half size)" : "");
    return r;
}

}  // namespace

FileResult BatchRun::processFile(const BatchItem& item, const BatchSettings& settings, Pipeline& pipeline,
                                 const RunContext& ctx)
{
    if (item.plan == BatchItem::Plan::Skip) {
        FileResult r;
        r.outcome = FileResult::Outcome::Skipped;
        r.message = item.note;
        return r;
    }
    if (item.plan == BatchItem::Plan::Fail)
        return failed(makeError(ErrorCode::InvalidArgument, item.note, item.input));
    // The one exception translation of every front end: a worker must not die on one file.
    try {
        return processPlanned(item, settings, pipeline, ctx);
    } catch (const std::bad_alloc&) {
        return failed(makeError(ErrorCode::OutOfMemory,
                                "not enough memory for this photo; process it alone (fewer parallel jobs, "
                                "other programs closed) or at half size",
                                item.input));
    } catch (const cv::Exception& e) {
        return failed(makeError(ErrorCode::Internal, std::string("image processing failed (") + e.what() + ")",
                                item.input));
    } catch (const std::exception& e) {
        return failed(makeError(ErrorCode::Internal, std::string("internal error: ") + e.what(), item.input));
    }
}

BatchCounts BatchRun::run(const std::vector<BatchItem>& items, const BatchSettings& settings,
                          std::shared_ptr<const EnhancerRegistry> registry, int jobs, const RunContext& ctx,
                          const BatchObserver& observer)
{
    BatchCounts counts;
    if (items.empty())
        return counts;
    jobs = std::clamp(jobs, 1, static_cast<int>(items.size()));
    std::mutex reportMutex;
    int reported = 0;
    auto finish = [&](std::size_t index, const FileResult& result) {
        std::lock_guard lock(reportMutex);
        ++reported;
        switch (result.outcome) {
        case FileResult::Outcome::Written: ++counts.written; break;
        case FileResult::Outcome::Skipped: ++counts.skipped; break;
        case FileResult::Outcome::Failed: ++counts.failed; break;
        case FileResult::Outcome::Cancelled: ++counts.cancelled; break;
        }
        if (observer.fileFinished)
            observer.fileFinished(index, items[index], result);
    };

    // The workers are joined before this function returns, so they may borrow these locals.
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        Pipeline pipeline(registry);
        for (;;) {
            const std::size_t index = next.fetch_add(1);
            if (index >= items.size() || ctx.stopRequested())
                return;
            if (observer.fileStarted) {
                std::lock_guard lock(reportMutex);
                observer.fileStarted(index, items[index]);
            }
            finish(index, processFile(items[index], settings, pipeline, ctx));
        }
    };
    {
        std::vector<std::jthread> threads;
        for (int i = 1; i < jobs; ++i)
            threads.emplace_back(worker);
        worker();   // the caller's thread is one of the workers
    }
    counts.cancelled += static_cast<int>(items.size()) - reported;
    return counts;
}

}  // namespace nocturne::core
