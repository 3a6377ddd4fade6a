// nocturne-fuzz-seeds OUTDIR: the fuzzers' starting corpora, made from the same synthetic files
// the tests use (so nothing binary is committed): small DNGs of every CFA layout, with and
// without an embedded preview and GPS, rotated; JPEG/PNG/TIFF at 8 and 16 bits with EXIF.
// The shipped model manifests and the shared malformed RAWs are copied in by CMake.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "tests/support/DngWriter.h"
#include "tests/support/ImageFixtures.h"

namespace fs = std::filesystem;
namespace ts = nocturne::testsupport;
using nocturne::core::CfaPattern;

namespace {

bool writeDngs(const fs::path& dir)
{
    int n = 0;
    for (CfaPattern cfa : {CfaPattern::RGGB, CfaPattern::BGGR, CfaPattern::GRBG, CfaPattern::GBRG}) {
        for (int variant = 0; variant < 3; ++variant) {
            ts::DngSpec spec;
            spec.pattern = cfa;
            spec.mosaic = ts::makeSceneMosaic(48, 32, cfa, spec.blackLevel, spec.whiteLevel, 0.05, 10u + n);
            spec.orientation = variant == 1 ? 6 : 1;
            if (variant == 1)
                spec.gps = std::array<double, 6>{48, 51, 24, 2, 21, 3};
            if (variant == 2)
                spec.preview = ts::makeQuadrants(32, 24, CV_8U);   // BGR or RGB matters not here
            const std::string error = ts::writeDng((dir / ("synthetic-" + std::to_string(n++) + ".dng")).string(), spec);
            if (!error.empty()) {
                std::fprintf(stderr, "nocturne-fuzz-seeds: %s\n", error.c_str());
                return false;
            }
        }
    }
    return true;
}

bool writeRasters(const fs::path& dir)
{
    struct Kind { const char* ext; int depth; };
    for (Kind k : {Kind{"jpg", CV_8U}, Kind{"png", CV_8U}, Kind{"png", CV_16U}, Kind{"tif", CV_8U}, Kind{"tif", CV_16U}}) {
        const std::string name = std::string("quadrants-") + (k.depth == CV_16U ? "16" : "8") + "." + k.ext;
        const std::string path = (dir / name).string();
        if (!cv::imwrite(path, ts::makeQuadrants(40, 24, k.depth, 0.3)))
            return false;
        const std::string error = ts::setExif(path, {{"Exif.Image.Make", "Nocturne"},
                                                     {"Exif.Image.Orientation", "6"},
                                                     {"Exif.Photo.ExposureTime", "1/50"}});
        if (!error.empty()) {
            std::fprintf(stderr, "nocturne-fuzz-seeds: %s\n", error.c_str());
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: nocturne-fuzz-seeds OUTDIR\n");
        return 2;
    }
    const fs::path out(argv[1]);
    for (const char* sub : {"raw", "raster", "metadata"})
        fs::create_directories(out / sub);
    if (!writeDngs(out / "raw") || !writeRasters(out / "raster"))
        return 1;
    // Metadata lives in both kinds of container.
    for (const char* sub : {"raw", "raster"})
        for (const auto& entry : fs::directory_iterator(out / sub))
            fs::copy_file(entry.path(), out / "metadata" / entry.path().filename(), fs::copy_options::overwrite_existing);
    return 0;
}
