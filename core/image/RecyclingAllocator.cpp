#include "core/image/RecyclingAllocator.h"

#include <algorithm>
#include <atomic>

#include <cstdlib>
#include <string>
#include <string_view>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include <opencv2/core.hpp>

namespace nocturne::core {

namespace {

// Sizes are rounded up to this grain so that frames a few rows apart (a rotated proxy, a
// rounding in a resize) share blocks; at most 64 KB of slack on blocks of at least 1 MB.
constexpr std::size_t kGrain = std::size_t{64} << 10;
// Frame-sized blocks are made of 2 MB pages where the kernel offers them (Linux transparent
// huge pages in "madvise" mode, Debian's default): a fresh 24 MB frame then costs 12 page
// faults instead of 5,856. On the development VM a 4 KB fault took about 17 us, so a frame kept
// by the stage cache cost 100 ms before its first pixel was written. At most 2 MB of slack
// on blocks of at least 16 MB (under 12.5 %).
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kHugeFrom = std::size_t{16} << 20;

void* allocateBlock(std::size_t bytes)
{
    const std::size_t alignment = bytes >= kHugeFrom ? kHugePage : 64;
    void* data = nullptr;
    if (posix_memalign(&data, alignment, bytes) != 0 || !data)
        CV_Error(cv::Error::StsNoMem, "failed to allocate " + std::to_string(bytes) + " bytes");
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= kHugeFrom)
        madvise(data, bytes, MADV_HUGEPAGE);   // advice only: 4 KB pages if it is refused
#endif
    return data;
}

std::atomic<RecyclingAllocator*> g_installed{nullptr};

std::size_t defaultIdleCap()
{
    std::size_t cap = std::size_t{1024} << 20;
#if defined(__unix__) || defined(__APPLE__)
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && pageSize > 0)
        cap = std::min(cap, static_cast<std::size_t>(pages) * static_cast<std::size_t>(pageSize) / 8);
#endif
    return cap;
}

}  // namespace

RecyclingAllocator::RecyclingAllocator(Limits limits) : m_limits(limits) {}

RecyclingAllocator::~RecyclingAllocator()
{
    releaseIdle();
}

std::size_t RecyclingAllocator::blockBytes(std::size_t requested) const
{
    if (requested < m_limits.minBlock)
        return requested;
    const std::size_t grain = requested >= kHugeFrom ? kHugePage : kGrain;
    return (requested + grain - 1) / grain * grain;
}

void RecyclingAllocator::evictOldestLocked(std::size_t keepBytes, std::list<Block>& evicted) const
{
    while (m_stats.idleBytes > keepBytes && !m_idle.empty()) {
        m_stats.idleBytes -= m_idle.back().bytes;
        evicted.splice(evicted.end(), m_idle, std::prev(m_idle.end()));
    }
}

void* RecyclingAllocator::acquire(std::size_t bytes) const
{
    if (bytes >= m_limits.minBlock) {
        std::list<Block> evicted;
        {
            const std::lock_guard lock(m_mutex);
            const auto it =
                std::find_if(m_idle.begin(), m_idle.end(), [bytes](const Block& b) { return b.bytes == bytes; });
            if (it != m_idle.end()) {
                void* data = it->data;
                m_stats.idleBytes -= it->bytes;
                ++m_stats.reused;
                m_idle.erase(it);
                return data;
            }
            ++m_stats.allocated;
            // A new block replaces at least as many idle bytes, oldest first: the process then
            // holds no more than its peak of live buffers plus one block, as with the system
            // allocator, instead of that peak plus everything idle (at 12 MP the CLI's peak
            // RSS was 0.3 GB above the system allocator's before this).
            evictOldestLocked(m_stats.idleBytes > bytes ? m_stats.idleBytes - bytes : 0, evicted);
        }
        for (const Block& b : evicted)
            std::free(b.data);
    }
    // Both throw cv::Exception when memory runs out, as OpenCV's own allocator does.
    return bytes >= m_limits.minBlock ? allocateBlock(bytes) : cv::fastMalloc(bytes);
}

void RecyclingAllocator::recycle(void* data, std::size_t bytes) const
{
    if (bytes < m_limits.minBlock) {
        cv::fastFree(data);
        return;
    }
    if (bytes > m_limits.maxIdleBytes) {
        std::free(data);
        return;
    }
    std::list<Block> evicted;
    {
        const std::lock_guard lock(m_mutex);
        m_idle.push_front(Block{bytes, data});
        m_stats.idleBytes += bytes;
        evictOldestLocked(m_limits.maxIdleBytes, evicted);
    }
    for (const Block& b : evicted)   // outside the lock: munmap can take a while
        std::free(b.data);
}

cv::UMatData* RecyclingAllocator::allocate(int dims, const int* sizes, int type, void* data0, size_t* step,
                                           cv::AccessFlag, cv::UMatUsageFlags) const
{
    // Rows are packed (no padding), as with OpenCV's standard allocator; a caller-given step
    // for user data is honoured.
    std::size_t total = CV_ELEM_SIZE(type);
    for (int i = dims - 1; i >= 0; --i) {
        if (step) {
            if (data0 && step[i] != cv::Mat::AUTO_STEP) {
                CV_Assert(total <= step[i]);
                total = step[i];
            } else {
                step[i] = total;
            }
        }
        total *= static_cast<std::size_t>(sizes[i]);
    }
    auto* u = new cv::UMatData(this);
    if (data0) {
        u->data = u->origdata = static_cast<uchar*>(data0);
        u->flags |= cv::UMatData::USER_ALLOCATED;
    } else {
        try {
            u->data = u->origdata = static_cast<uchar*>(acquire(blockBytes(total)));
        } catch (...) {
            delete u;
            throw;
        }
    }
    u->size = total;
    return u;
}

bool RecyclingAllocator::allocate(cv::UMatData* data, cv::AccessFlag, cv::UMatUsageFlags) const
{
    return data != nullptr;   // host memory only: nothing to map
}

void RecyclingAllocator::deallocate(cv::UMatData* u) const
{
    if (!u)
        return;
    CV_Assert(u->urefcount == 0 && u->refcount == 0);
    if (!(u->flags & cv::UMatData::USER_ALLOCATED) && u->origdata)
        recycle(u->origdata, blockBytes(u->size));
    u->origdata = nullptr;
    delete u;
}

void RecyclingAllocator::releaseIdle() const
{
    std::list<Block> idle;
    {
        const std::lock_guard lock(m_mutex);
        idle.swap(m_idle);
        m_stats.idleBytes = 0;
    }
    for (const Block& b : idle)
        std::free(b.data);
}

RecyclingAllocator::Stats RecyclingAllocator::stats() const
{
    const std::lock_guard lock(m_mutex);
    Stats stats = m_stats;
    stats.idleBlocks = m_idle.size();
    return stats;
}

RecyclingAllocator* RecyclingAllocator::installDefault()
{
    static RecyclingAllocator* const instance = []() -> RecyclingAllocator* {
        const char* choice = std::getenv("NOCTURNE_ALLOCATOR");
        if (choice && std::string_view(choice) == "system")
            return nullptr;
        auto* a = new RecyclingAllocator(Limits{std::size_t{1} << 20, defaultIdleCap()});
        cv::Mat::setDefaultAllocator(a);
        g_installed = a;
        return a;
    }();
    return instance;
}

RecyclingAllocator* RecyclingAllocator::installed()
{
    return g_installed.load();
}

}  // namespace nocturne::core
