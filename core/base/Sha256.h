#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/Result.h"

namespace nocturne::core {

// SHA-256 (FIPS 180-4), used to verify that a model file is the one its manifest describes.
// Incremental: update() any number of times, then hexDigest() once.
// Thread: one instance per thread; the static helpers are reentrant.
class Sha256 {
public:
    Sha256();

    void update(const void* data, std::size_t size);
    void update(std::string_view text) { update(text.data(), text.size()); }
    // Finishes the hash; the object must not be updated afterwards.
    std::array<std::uint8_t, 32> digest();
    std::string hexDigest();

    static std::string hashHex(std::string_view data);
    static Result<std::string> hashFileHex(const std::string& path);

private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> m_state;
    std::array<std::uint8_t, 64> m_buffer{};
    std::size_t m_buffered = 0;
    std::uint64_t m_totalBytes = 0;
};

}  // namespace nocturne::core
