#include "core/pipeline/StageCache.h"

#include <cstring>

namespace nocturne::core {

void StageKey::feed(const void* data, std::size_t size)
{
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
        m_hash ^= bytes[i];
        m_hash *= 1099511628211ULL;
    }
}

StageKey& StageKey::add(std::string_view text)
{
    // Length first, so ("ab","c") and ("a","bc") differ.
    add(static_cast<std::int64_t>(text.size()));
    feed(text.data(), text.size());
    return *this;
}

StageKey& StageKey::add(double value)
{
    if (value == 0.0)
        value = 0.0;   // fold -0.0 into +0.0
    feed(&value, sizeof value);
    return *this;
}

StageKey& StageKey::add(std::int64_t value)
{
    feed(&value, sizeof value);
    return *this;
}

StageCache::StageCache(std::size_t capacityBytes) : m_capacity(capacityBytes) {}

std::shared_ptr<const void> StageCache::findErased(std::uint64_t key, std::type_index type)
{
    auto it = m_index.find(key);
    if (it == m_index.end() || it->second->type != type) {
        ++m_misses;
        return nullptr;
    }
    m_entries.splice(m_entries.begin(), m_entries, it->second);
    ++m_hits;
    return it->second->value;
}

void StageCache::storeErased(std::uint64_t key, std::type_index type,
                             std::shared_ptr<const void> value, std::size_t bytes)
{
    if (auto it = m_index.find(key); it != m_index.end()) {
        m_bytes -= it->second->bytes;
        m_entries.erase(it->second);
        m_index.erase(it);
    }
    // An entry larger than the whole cache would evict everything and then itself.
    if (bytes > m_capacity)
        return;
    m_entries.push_front(Entry{key, type, std::move(value), bytes});
    m_index[key] = m_entries.begin();
    m_bytes += bytes;
    evictToFit();
}

void StageCache::evictToFit()
{
    while (m_bytes > m_capacity && m_entries.size() > 1) {
        const Entry& last = m_entries.back();
        m_bytes -= last.bytes;
        m_index.erase(last.key);
        m_entries.pop_back();
    }
}

void StageCache::clear()
{
    m_entries.clear();
    m_index.clear();
    m_bytes = 0;
}

}  // namespace nocturne::core
