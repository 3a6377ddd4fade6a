#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string_view>
#include <typeindex>
#include <unordered_map>

namespace nocturne::core {

// Builds a stage key from everything upstream of a stage (FNV-1a over the fed bytes), in the
// spirit of darktable's parameter hashes: equal inputs give equal keys, so a stage whose inputs
// did not change is served from the cache.
class StageKey {
public:
    StageKey& add(std::string_view text);
    StageKey& add(double value);
    StageKey& add(std::int64_t value);
    std::uint64_t value() const { return m_hash; }

private:
    void feed(const void* data, std::size_t size);
    std::uint64_t m_hash = 1469598103934665603ULL;
};

// A small LRU cache of immutable stage outputs, bounded by an estimate of their size in bytes.
// Values are shared_ptr<const T>, so a result handed out stays valid after eviction.
// Thread: not synchronised; owned by one Pipeline on one thread.
class StageCache {
public:
    explicit StageCache(std::size_t capacityBytes = std::size_t{768} << 20);

    template <typename T>
    std::shared_ptr<const T> find(std::uint64_t key)
    {
        return std::static_pointer_cast<const T>(findErased(key, typeid(T)));
    }

    template <typename T>
    void store(std::uint64_t key, std::shared_ptr<const T> value, std::size_t bytes)
    {
        storeErased(key, typeid(T), std::move(value), bytes);
    }

    void clear();
    std::size_t sizeBytes() const { return m_bytes; }
    std::size_t entryCount() const { return m_entries.size(); }
    std::size_t hits() const { return m_hits; }
    std::size_t misses() const { return m_misses; }

private:
    struct Entry {
        std::uint64_t key;
        std::type_index type;
        std::shared_ptr<const void> value;
        std::size_t bytes;
    };

    std::shared_ptr<const void> findErased(std::uint64_t key, std::type_index type);
    void storeErased(std::uint64_t key, std::type_index type, std::shared_ptr<const void> value,
                     std::size_t bytes);
    void evictToFit();

    std::size_t m_capacity;
    std::size_t m_bytes = 0;
    std::size_t m_hits = 0;
    std::size_t m_misses = 0;
    std::list<Entry> m_entries;   // most recently used first
    std::unordered_map<std::uint64_t, std::list<Entry>::iterator> m_index;
};

}  // namespace nocturne::core
