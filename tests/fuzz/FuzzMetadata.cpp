// libFuzzer harness: any bytes as the *source* photo whose EXIF/XMP/IPTC an export copies
// (MetadataStore::readAll and ::transfer into a fresh small JPEG), as every export with
// metadata does. Exiv2 reads by path, so the input goes through a file in a private temp folder.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <opencv2/core.hpp>

#include "core/image/ImageBuffer.h"
#include "core/image/ImageMeta.h"
#include "core/io/ImageWriter.h"
#include "core/io/MetadataStore.h"

namespace {

namespace fs = std::filesystem;

struct Paths {
    fs::path folder;
    std::string source;
    std::string pristine;     // a JPEG written once
    std::string destination;  // a copy of it per input
};

const Paths& paths()
{
    static const Paths p = [] {
        Paths out;
        out.folder = fs::temp_directory_path() / ("nocturne-fuzz-metadata-" + std::to_string(::getpid()));
        fs::create_directories(out.folder);
        out.source = (out.folder / "source.jpg").string();
        out.pristine = (out.folder / "pristine.jpg").string();
        out.destination = (out.folder / "export.jpg").string();
        nocturne::core::ImageBuffer grey(cv::Mat(16, 16, CV_32FC3, cv::Scalar(0.5, 0.5, 0.5)),
                                         nocturne::core::ColorEncoding::Display);
        nocturne::core::ExportOptions options;
        options.copyMetadata = false;
        (void)nocturne::core::ImageWriter::write(grey, out.pristine, options, {});
        return out;
    }();
    return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const Paths& p = paths();
    {
        std::ofstream out(p.source, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    (void)nocturne::core::MetadataStore::readAll(p.source);
    std::error_code ec;
    fs::copy_file(p.pristine, p.destination, fs::copy_options::overwrite_existing, ec);
    nocturne::core::ImageMeta meta;
    meta.sourcePath = p.source;
    (void)nocturne::core::MetadataStore::transfer(p.source, meta, p.destination, 16, 16);
    return 0;
}
