#include "core/inference/TorchCpuPool.h"

#include <mutex>
#include <new>
#include <unordered_map>

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <opencv2/core.hpp>

#include "core/image/RecyclingAllocator.h"

namespace nocturne::core {

namespace {

// LibTorch also frees through raw_deleter() with nothing but the pointer (oneDNN's scratch
// memory, for one), so block sizes are kept here rather than in a DataPtr context.
class PooledTorchAllocator final : public c10::Allocator {
public:
    PooledTorchAllocator(const RecyclingAllocator& pool, c10::Allocator& fallback)
        : m_pool(pool), m_fallback(fallback), m_fallbackDeleter(fallback.raw_deleter())
    {
    }

    c10::DataPtr allocate(std::size_t n) const override
    {
        if (n < m_pool.limits().minBlock)
            return m_fallback.allocate(n);
        const std::size_t bytes = m_pool.blockBytes(n);
        void* data = nullptr;
        try {
            data = m_pool.acquire(bytes);
        } catch (const cv::Exception&) {
            throw std::bad_alloc();   // what the engine reports as out of memory
        }
        {
            const std::lock_guard lock(m_mutex);
            m_sizes.emplace(data, bytes);
        }
        return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
    }

    c10::DeleterFnPtr raw_deleter() const override { return &release; }

    static const PooledTorchAllocator* instance;

private:
    static void release(void* data) { instance->free(data); }

    void free(void* data) const
    {
        std::size_t bytes = 0;
        {
            const std::lock_guard lock(m_mutex);
            if (const auto it = m_sizes.find(data); it != m_sizes.end()) {
                bytes = it->second;
                m_sizes.erase(it);
            }
        }
        if (bytes > 0)
            m_pool.recycle(data, bytes);
        else
            m_fallbackDeleter(data);   // a small block from LibTorch's own allocator
    }

    const RecyclingAllocator& m_pool;
    c10::Allocator& m_fallback;
    c10::DeleterFnPtr m_fallbackDeleter;
    mutable std::mutex m_mutex;
    mutable std::unordered_map<void*, std::size_t> m_sizes;
};

const PooledTorchAllocator* PooledTorchAllocator::instance = nullptr;

}  // namespace

void useRecyclingAllocatorForTorch()
{
    static std::once_flag once;
    std::call_once(once, [] {
        const RecyclingAllocator* pool = RecyclingAllocator::installed();
        c10::Allocator* fallback = c10::GetCPUAllocator();
        if (!pool || !fallback || !fallback->raw_deleter())
            return;   // without the default's deleter its small blocks could not be freed
        // Never destroyed: tensors may be freed during static destruction.
        auto* allocator = new PooledTorchAllocator(*pool, *fallback);
        PooledTorchAllocator::instance = allocator;
        c10::SetCPUAllocator(allocator, /*priority=*/1);   // above the default's 0
    });
}

}  // namespace nocturne::core
