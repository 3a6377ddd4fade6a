#include "core/io/PngIccName.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include <zlib.h>

namespace nocturne::core {

namespace {

constexpr std::array<unsigned char, 8> kSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

std::uint32_t readBigEndian(const unsigned char* p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

void appendBigEndian(std::vector<unsigned char>& out, std::uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<unsigned char>(v >> shift));
}

}  // namespace

Result<void> PngIccName::mend(const std::string& path)
{
    // Called for every export (JPEG and TIFF too): look at the signature before reading a
    // possibly large file whole.
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::IoError, "could not reopen the PNG to name its colour profile", path);
    std::array<unsigned char, kSignature.size()> head{};
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    if (in.gcount() != static_cast<std::streamsize>(head.size()) || head != kSignature)
        return Result<void>::success();
    in.seekg(0);
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();

    // Walk the chunks (length, type, data, CRC) to the iCCP one.
    std::size_t pos = kSignature.size();
    while (pos + 12 <= bytes.size()) {
        const std::uint32_t length = readBigEndian(&bytes[pos]);
        if (length > bytes.size() - pos - 12)
            return Result<void>::success();   // truncated: not ours to repair
        const unsigned char* type = &bytes[pos + 4];
        if (std::memcmp(type, "IDAT", 4) == 0 || std::memcmp(type, "IEND", 4) == 0)
            return Result<void>::success();   // iCCP must come before the image data
        if (std::memcmp(type, "iCCP", 4) == 0) {
            if (length == 0 || bytes[pos + 8] != 0)
                return Result<void>::success();   // named already
            std::vector<unsigned char> chunk;
            const std::size_t nameLength = std::strlen(kName);
            appendBigEndian(chunk, static_cast<std::uint32_t>(length + nameLength));
            chunk.insert(chunk.end(), type, type + 4);
            chunk.insert(chunk.end(), kName, kName + nameLength);
            chunk.insert(chunk.end(), bytes.begin() + static_cast<std::ptrdiff_t>(pos + 8),
                         bytes.begin() + static_cast<std::ptrdiff_t>(pos + 8 + length));
            const uLong crc = crc32(crc32(0L, Z_NULL, 0), chunk.data() + 4, static_cast<uInt>(chunk.size() - 4));
            appendBigEndian(chunk, static_cast<std::uint32_t>(crc));
            bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                        bytes.begin() + static_cast<std::ptrdiff_t>(pos + 12 + length));
            bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(pos), chunk.begin(), chunk.end());
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
            out.close();
            if (!out)
                return makeError(ErrorCode::IoError, "could not rewrite the PNG's colour profile (is the disk full?)",
                                 path);
            return Result<void>::success();
        }
        pos += 12 + length;
    }
    return Result<void>::success();
}

}  // namespace nocturne::core
