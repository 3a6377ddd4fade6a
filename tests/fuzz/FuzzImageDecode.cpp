// libFuzzer harness: any bytes through the decoder entry the editor and the CLI use
// (ImageLoader::decode: sniffing, LibRaw, OpenCV, our dimension and content checks), with a
// pixel limit so a header claiming a huge frame is refused rather than allocated.
// Built twice: as nocturne-fuzz-raw (named input.dng, RAW seeds) and nocturne-fuzz-raster
// (named input.jpg, JPEG/PNG/TIFF seeds); the name only steers signature-less RAW detection.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <opencv2/core.hpp>

#include "core/io/ImageLoader.h"

#ifndef NOCTURNE_FUZZ_NAME
#error "define NOCTURNE_FUZZ_NAME"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    nocturne::core::DecodeOptions options;
    options.maxPixels = 16'000'000;   // a real limit the app also has (200 MP), kept small for speed
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto decoded = nocturne::core::ImageLoader::decode(bytes, NOCTURNE_FUZZ_NAME, options);
    if (decoded) {
        // Read every pixel: a decoder that claims success must hand over real memory.
        volatile double sink = cv::sum(decoded->rgb.mat())[0];
        if (decoded->mosaic)
            sink = sink + cv::sum(decoded->mosaic->data)[0];
        (void)sink;
    }
    return 0;
}
