#include "core/base/RunContext.h"

#include <algorithm>

namespace nocturne::core {

RunContext::RunContext() : m_stop(std::make_shared<std::atomic<bool>>(false)) {}

RunContext::RunContext(ProgressSink sink)
    : m_stop(std::make_shared<std::atomic<bool>>(false)), m_sink(std::move(sink))
{
}

void RunContext::progress(double fraction, std::string_view stage) const
{
    if (m_sink)
        m_sink(std::clamp(fraction, 0.0, 1.0), stage);
}

RunContext RunContext::subRange(double from, double to) const
{
    RunContext sub;
    sub.m_stop = m_stop;
    if (m_sink) {
        sub.m_sink = [parent = m_sink, from, to](double f, std::string_view stage) {
            parent(from + (to - from) * std::clamp(f, 0.0, 1.0), stage);
        };
    }
    return sub;
}

}  // namespace nocturne::core
