// nocturne-write-dng: wraps a raw Bayer mosaic made elsewhere (models/training/make_sample.py
// synthesises the bundled sample's dark capture in Python) into a DNG with DngWriter, so the
// Python synthesis and the C++ test files share one DNG writer.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/DngWriter.h"

namespace {

int usage(const char* why)
{
    std::fprintf(stderr,
                 "nocturne-write-dng: %s\n"
                 "Usage: nocturne-write-dng OUTPUT.dng --mosaic FILE.u16 --width W --height H\n"
                 "       [--black N] [--white N] [--wb R,G,B] [--color-matrix m0,...,m8]\n"
                 "       [--make S] [--model S] [--lens S] [--iso N] [--exposure-time S]\n"
                 "       [--fnumber F] [--focal-length MM] [--date \"YYYY:MM:DD HH:MM:SS\"]\n"
                 "FILE.u16 holds W x H little-endian uint16 DN values, RGGB at the top left.\n",
                 why);
    return 2;
}

template <std::size_t N>
bool parseList(const std::string& text, std::array<double, N>& out)
{
    std::stringstream in(text);
    std::string item;
    std::size_t i = 0;
    while (std::getline(in, item, ',')) {
        if (i >= N)
            return false;
        char* end = nullptr;
        out[i++] = std::strtod(item.c_str(), &end);
        if (end == item.c_str())
            return false;
    }
    return i == N;
}

}  // namespace

int main(int argc, char** argv)
{
    nocturne::testsupport::DngSpec spec;
    std::string output, mosaicPath;
    int width = 0, height = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        const auto value = [&]() { return std::string(argv[++i]); };
        if (arg == "--mosaic" && hasValue) mosaicPath = value();
        else if (arg == "--width" && hasValue) width = std::atoi(argv[++i]);
        else if (arg == "--height" && hasValue) height = std::atoi(argv[++i]);
        else if (arg == "--black" && hasValue) spec.blackLevel = std::atoi(argv[++i]);
        else if (arg == "--white" && hasValue) spec.whiteLevel = std::atoi(argv[++i]);
        else if (arg == "--wb" && hasValue) {
            if (!parseList(value(), spec.wbMultipliers))
                return usage("--wb needs three numbers");
        } else if (arg == "--color-matrix" && hasValue) {
            std::array<double, 9> m{};
            if (!parseList(value(), m))
                return usage("--color-matrix needs nine numbers");
            spec.colorMatrix = m;
        } else if (arg == "--make" && hasValue) spec.make = value();
        else if (arg == "--model" && hasValue) spec.model = value();
        else if (arg == "--lens" && hasValue) spec.lens = value();
        else if (arg == "--iso" && hasValue) spec.iso = std::atoi(argv[++i]);
        else if (arg == "--exposure-time" && hasValue) spec.exposureTime = std::atof(argv[++i]);
        else if (arg == "--fnumber" && hasValue) spec.fNumber = std::atof(argv[++i]);
        else if (arg == "--focal-length" && hasValue) spec.focalLength = std::atof(argv[++i]);
        else if (arg == "--date" && hasValue) spec.dateTimeOriginal = value();
        else if (!arg.empty() && arg[0] != '-' && output.empty()) output = arg;
        else return usage(("unexpected argument " + arg).c_str());
    }
    if (output.empty() || mosaicPath.empty() || width < 2 || height < 2 || width % 2 || height % 2)
        return usage("OUTPUT, --mosaic and even --width/--height are required");

    std::ifstream in(mosaicPath, std::ios::binary);
    std::vector<std::uint16_t> dn(static_cast<std::size_t>(width) * height);
    if (!in.read(reinterpret_cast<char*>(dn.data()), static_cast<std::streamsize>(dn.size() * 2)))
        return usage((mosaicPath + ": cannot read " + std::to_string(dn.size() * 2) + " bytes").c_str());
    spec.mosaic = cv::Mat(height, width, CV_16UC1, dn.data()).clone();   // little-endian host
    spec.pattern = nocturne::core::CfaPattern::RGGB;
    if (const std::string error = nocturne::testsupport::writeDng(output, spec); !error.empty()) {
        std::fprintf(stderr, "nocturne-write-dng: %s: %s\n", output.c_str(), error.c_str());
        return 1;
    }
    return 0;
}
