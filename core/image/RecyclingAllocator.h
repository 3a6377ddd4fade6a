#pragma once

#include <cstddef>
#include <list>
#include <mutex>

#include <opencv2/core/mat.hpp>

namespace nocturne::core {

// An OpenCV allocator that keeps recently freed large buffers and hands them out again for
// requests of the same size. A preview render allocates the same dozen frame-sized buffers on
// every slider move; fresh ones come from mmap and every 4 KB page faults on first touch. On the
// development VM a fault cost about 17 us, which made page faults a third of a 12 MP RAW's
// full-proxy render with lamba-mitra. glibc cannot be told to keep blocks above 32 MB, and
// frame buffers of 12-24 MP are larger than that, so the reuse has to happen here. Blocks of
// 16 MB and more are also asked for 2 MB pages (see allocateBlock), for the frames that must be
// fresh: those the stage cache keeps.
//
// Blocks under `minBlock` go straight to OpenCV's own allocation (the heap serves those well).
// Idle blocks are freed oldest first beyond `maxIdleBytes`, and when a request finds no idle
// block of its size (at least as many idle bytes as the new block), so that the process holds
// about its peak of live buffers, as with the system allocator; all of them by releaseIdle()
// (the editor calls it when renders have rested). Thread-safe.
class RecyclingAllocator final : public cv::MatAllocator {
public:
    struct Limits {
        std::size_t minBlock = std::size_t{1} << 20;
        std::size_t maxIdleBytes = std::size_t{512} << 20;
    };
    struct Stats {
        std::size_t idleBytes = 0;
        std::size_t idleBlocks = 0;
        std::size_t reused = 0;      // large requests served from an idle block
        std::size_t allocated = 0;   // large requests that needed a new block
    };

    explicit RecyclingAllocator(Limits limits);
    ~RecyclingAllocator() override;

    cv::UMatData* allocate(int dims, const int* sizes, int type, void* data, size_t* step, cv::AccessFlag flags,
                           cv::UMatUsageFlags usage) const override;
    bool allocate(cv::UMatData* data, cv::AccessFlag flags, cv::UMatUsageFlags usage) const override;
    void deallocate(cv::UMatData* data) const override;

    // For another allocator sharing the pool (LibTorch's CPU tensors, core/inference/
    // TorchCpuPool): acquire() a block of blockBytes(n) bytes, recycle() it with that size.
    // Blocks under minBlock are plain OpenCV allocations (fastMalloc/fastFree).
    std::size_t blockBytes(std::size_t requested) const;
    void* acquire(std::size_t blockBytes) const;
    void recycle(void* data, std::size_t blockBytes) const;

    void releaseIdle() const;
    Stats stats() const;
    Limits limits() const { return m_limits; }

    // Installs one process-wide instance as cv::Mat's default allocator (idempotent; never
    // destroyed, since Mats may outlive main's locals) with an idle cap of an eighth of the
    // physical memory, at most 1 GB. Mats allocated before keep their own allocator.
    // NOCTURNE_ALLOCATOR=system in the environment leaves OpenCV's allocator in place (returns
    // nullptr), so that benchmarks can compare the two in one session.
    static RecyclingAllocator* installDefault();
    // The installed instance, or nullptr when installDefault() was never called.
    static RecyclingAllocator* installed();

private:
    struct Block {
        std::size_t bytes;
        void* data;
    };
    // Frees (into `evicted`, released by the caller outside the lock) the oldest idle blocks
    // until at most `keepBytes` stay idle. Caller holds m_mutex.
    void evictOldestLocked(std::size_t keepBytes, std::list<Block>& evicted) const;

    Limits m_limits;
    mutable std::mutex m_mutex;
    mutable std::list<Block> m_idle;   // most recently freed first
    mutable Stats m_stats;
};

}  // namespace nocturne::core
