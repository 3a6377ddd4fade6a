#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string_view>

namespace nocturne::core {

// Carried into every long-running job: a cancel flag the caller may set from any thread, and a
// progress sink the job calls from its own thread. Cheap to copy; copies share the stop flag.
// Thread: created anywhere; requestStop() from any thread; the rest from the job's thread.
class RunContext {
public:
    // fraction in [0, 1]; stage is a short label ("decode", "tile 3/12", ...).
    using ProgressSink = std::function<void(double fraction, std::string_view stage)>;

    RunContext();
    explicit RunContext(ProgressSink sink);

    void requestStop() const { m_stop->store(true, std::memory_order_relaxed); }
    bool stopRequested() const { return m_stop->load(std::memory_order_relaxed); }

    void progress(double fraction, std::string_view stage) const;

    // A context for one part of a job that maps its [0,1] progress into [from, to] of this one
    // and shares this one's stop flag.
    RunContext subRange(double from, double to) const;

private:
    std::shared_ptr<std::atomic<bool>> m_stop;
    ProgressSink m_sink;
};

}  // namespace nocturne::core
