#include "tests/support/DngWriter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <opencv2/core.hpp>
#include <tiffio.h>

namespace nocturne::testsupport {

namespace {

// CFAPattern bytes use the TIFF/EP colour codes 0 = red, 1 = green, 2 = blue.
std::array<uint8_t, 4> cfaBytes(core::CfaPattern pattern)
{
    switch (pattern) {
    case core::CfaPattern::RGGB: return {0, 1, 1, 2};
    case core::CfaPattern::BGGR: return {2, 1, 1, 0};
    case core::CfaPattern::GRBG: return {1, 0, 2, 1};
    case core::CfaPattern::GBRG: return {1, 2, 0, 1};
    }
    return {0, 1, 1, 2};
}

// libtiff wants each tag's values in its own in-memory type and with or without an explicit
// count depending on the tag definition; ask libtiff rather than hard-coding per-version
// knowledge, so the same code works across libtiff releases.
bool setNumbers(TIFF* tif, uint32_t tag, const std::vector<double>& values)
{
    const TIFFField* field = TIFFFieldWithTag(tif, tag);
    if (field == nullptr || values.empty())
        return false;
    const TIFFDataType type = TIFFFieldDataType(field);
    const bool real = type == TIFF_RATIONAL || type == TIFF_SRATIONAL || type == TIFF_FLOAT
                      || type == TIFF_DOUBLE;
    const int elemSize = TIFFFieldSetGetSize(field);
    const int countSize = TIFFFieldSetGetCountSize(field);
    const bool passCount = TIFFFieldPassCount(field) != 0;

    if (!passCount && TIFFFieldWriteCount(field) == 1) {
        // Scalars travel through varargs: integers as int/uint32, reals as double.
        if (real)
            return TIFFSetField(tif, tag, values[0]) == 1;
        if (elemSize == 8)
            return TIFFSetField(tif, tag, static_cast<uint64_t>(values[0])) == 1;
        return TIFFSetField(tif, tag, static_cast<uint32_t>(values[0])) == 1;
    }

    std::vector<unsigned char> storage(values.size() * static_cast<size_t>(std::max(1, elemSize)));
    for (size_t i = 0; i < values.size(); ++i) {
        void* dst = storage.data() + i * static_cast<size_t>(elemSize);
        const double v = values[i];
        if (real && elemSize == 4)
            *static_cast<float*>(dst) = static_cast<float>(v);
        else if (real && elemSize == 8)
            *static_cast<double*>(dst) = v;
        else if (elemSize == 1)
            *static_cast<uint8_t*>(dst) = static_cast<uint8_t>(v);
        else if (elemSize == 2)
            *static_cast<uint16_t*>(dst) = static_cast<uint16_t>(v);
        else if (elemSize == 4)
            *static_cast<uint32_t*>(dst) = static_cast<uint32_t>(v);
        else if (elemSize == 8)
            *static_cast<uint64_t*>(dst) = static_cast<uint64_t>(v);
        else
            return false;
    }
    if (!passCount)
        return TIFFSetField(tif, tag, storage.data()) == 1;
    if (countSize == 4)
        return TIFFSetField(tif, tag, static_cast<uint32_t>(values.size()), storage.data()) == 1;
    return TIFFSetField(tif, tag, static_cast<int>(values.size()), storage.data()) == 1;
}

struct TiffCloser {
    void operator()(TIFF* tif) const { TIFFClose(tif); }
};

// Three rationals for degrees, minutes, seconds.
std::vector<double> dms(double d, double m, double s) { return {d, m, s}; }

}  // namespace

std::string writeDng(const std::string& path, const DngSpec& spec)
{
    if (spec.mosaic.empty() || spec.mosaic.type() != CV_16UC1)
        return "mosaic must be a non-empty CV_16UC1 matrix";
    if (spec.mosaic.cols % 2 != 0 || spec.mosaic.rows % 2 != 0)
        return "mosaic dimensions must be even (whole 2x2 CFA tiles)";

    TIFFSetWarningHandler(nullptr);   // DNG private tags produce noisy "unknown tag" warnings
    std::unique_ptr<TIFF, TiffCloser> tif(TIFFOpen(path.c_str(), "w"));
    if (!tif)
        return "cannot create " + path;
    TIFF* t = tif.get();

    // The EXIF (and GPS) IFDs are written first as custom directories, so the main IFD can
    // point at them without rewriting it afterwards.
    uint64_t exifOffset = 0;
    // TIFFCreate*Directory return 0 on success in libtiff 4.x; a failure shows up when fields
    // are set, which is checked.
    (void)TIFFCreateEXIFDirectory(t);
    bool ok = setNumbers(t, EXIFTAG_EXPOSURETIME, {spec.exposureTime})
              && setNumbers(t, EXIFTAG_FNUMBER, {spec.fNumber})
              && setNumbers(t, EXIFTAG_ISOSPEEDRATINGS, {static_cast<double>(spec.iso)})
              && setNumbers(t, EXIFTAG_FOCALLENGTH, {spec.focalLength})
              && TIFFSetField(t, EXIFTAG_DATETIMEORIGINAL, spec.dateTimeOriginal.c_str()) == 1;
    if (ok && !spec.lens.empty())
        ok = TIFFSetField(t, EXIFTAG_LENSMODEL, spec.lens.c_str()) == 1;
    if (!ok)
        return "cannot set EXIF fields";
    if (!TIFFWriteCustomDirectory(t, &exifOffset))
        return "cannot write the EXIF directory";

    uint64_t gpsOffset = 0;
    if (spec.gps) {
        const auto& g = *spec.gps;
        (void)TIFFCreateGPSDirectory(t);
        ok = setNumbers(t, GPSTAG_VERSIONID, {2, 3, 0, 0})
             && TIFFSetField(t, GPSTAG_LATITUDEREF, "N") == 1
             && setNumbers(t, GPSTAG_LATITUDE, dms(g[0], g[1], g[2]))
             && TIFFSetField(t, GPSTAG_LONGITUDEREF, "E") == 1
             && setNumbers(t, GPSTAG_LONGITUDE, dms(g[3], g[4], g[5]));
        if (!ok)
            return "cannot set GPS fields";
        if (!TIFFWriteCustomDirectory(t, &gpsOffset))
            return "cannot write the GPS directory";
    }

    (void)TIFFCreateDirectory(t);

    const auto width = static_cast<uint32_t>(spec.mosaic.cols);
    const auto height = static_cast<uint32_t>(spec.mosaic.rows);
    const auto pattern = cfaBytes(spec.pattern);
    const std::array<double, 9> defaultMatrix{0.6660, -0.1398, -0.0832, -0.3780, 1.1690,
                                              0.2400, -0.0572, 0.1310, 0.6570};
    const auto& matrix = spec.colorMatrix ? *spec.colorMatrix : defaultMatrix;
    const std::string unique = spec.make + " " + spec.model;

    ok = TIFFSetField(t, TIFFTAG_SUBFILETYPE, 0) == 1
         && TIFFSetField(t, TIFFTAG_IMAGEWIDTH, width) == 1
         && TIFFSetField(t, TIFFTAG_IMAGELENGTH, height) == 1
         && TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 16) == 1
         && TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE) == 1
         && TIFFSetField(t, TIFFTAG_PHOTOMETRIC, 32803) == 1
         && TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1) == 1
         && TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) == 1
         && TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, height) == 1
         && TIFFSetField(t, TIFFTAG_ORIENTATION, spec.orientation) == 1
         && TIFFSetField(t, TIFFTAG_MAKE, spec.make.c_str()) == 1
         && TIFFSetField(t, TIFFTAG_MODEL, spec.model.c_str()) == 1
         && TIFFSetField(t, TIFFTAG_SOFTWARE, "Nocturne test DngWriter") == 1
         && setNumbers(t, TIFFTAG_CFAREPEATPATTERNDIM, {2, 2})
         && setNumbers(t, TIFFTAG_CFAPATTERN,
                       {double(pattern[0]), double(pattern[1]), double(pattern[2]),
                        double(pattern[3])})
         && setNumbers(t, TIFFTAG_DNGVERSION, {1, 4, 0, 0})
         && setNumbers(t, TIFFTAG_DNGBACKWARDVERSION, {1, 1, 0, 0})
         && TIFFSetField(t, TIFFTAG_UNIQUECAMERAMODEL, unique.c_str()) == 1
         && setNumbers(t, TIFFTAG_BLACKLEVEL, {static_cast<double>(spec.blackLevel)})
         && setNumbers(t, TIFFTAG_WHITELEVEL, {static_cast<double>(spec.whiteLevel)})
         && setNumbers(t, TIFFTAG_COLORMATRIX1, std::vector<double>(matrix.begin(), matrix.end()))
         && setNumbers(t, TIFFTAG_CALIBRATIONILLUMINANT1, {21})   // D65
         && setNumbers(t, TIFFTAG_ASSHOTNEUTRAL,
                       {1.0 / spec.wbMultipliers[0], 1.0 / spec.wbMultipliers[1],
                        1.0 / spec.wbMultipliers[2]})
         && TIFFSetField(t, TIFFTAG_EXIFIFD, exifOffset) == 1;
    if (ok && spec.gps)
        ok = TIFFSetField(t, TIFFTAG_GPSIFD, gpsOffset) == 1;
    if (!ok)
        return "cannot set the DNG tags";

    for (uint32_t row = 0; row < height; ++row) {
        // TIFFWriteScanline takes a non-const buffer; copy the row to keep the input untouched.
        std::vector<uint16_t> line(spec.mosaic.ptr<uint16_t>(static_cast<int>(row)),
                                   spec.mosaic.ptr<uint16_t>(static_cast<int>(row)) + width);
        if (TIFFWriteScanline(t, line.data(), row, 0) < 0)
            return "cannot write row " + std::to_string(row);
    }
    if (!TIFFWriteDirectory(t))
        return "cannot write the main IFD";
    return {};
}

cv::Mat makeSceneMosaic(int width, int height, core::CfaPattern pattern, int blackLevel,
                        int whiteLevel, double exposureScale, unsigned seed, bool noise)
{
    cv::Mat out(height, width, CV_16UC1);
    if (width <= 0 || height <= 0)
        return out;

    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> uni(0.0, 1.0);

    // A 4x3 grid of colour patches (linear scene RGB) over the middle of the frame.
    constexpr int kPatchCols = 4;
    constexpr int kPatchRows = 3;
    std::array<std::array<double, 3>, kPatchCols * kPatchRows> patches{};
    for (auto& p : patches)
        p = {0.05 + 0.75 * uni(rng), 0.05 + 0.75 * uni(rng), 0.05 + 0.75 * uni(rng)};

    // A few bright lights (Gaussian blobs) that clip at full exposure.
    struct Light { double x, y, radius, power; std::array<double, 3> tint; };
    std::vector<Light> lights;
    for (int i = 0; i < 3; ++i)
        lights.push_back({uni(rng) * width, uni(rng) * height,
                          0.02 * std::min(width, height) + 2.0, 3.0 + 3.0 * uni(rng),
                          {0.8 + 0.2 * uni(rng), 0.8 + 0.2 * uni(rng), 0.6 + 0.4 * uni(rng)}});

    // Camera raw response relative to scene light: green strongest, like real sensors, and the
    // inverse of DngSpec's default WB multipliers (2, 1, 1.5), so the default DNG is neutral.
    constexpr std::array<double, 3> kResponse{0.5, 1.0, 1.0 / 1.5};
    const double range = std::max(1, whiteLevel - blackLevel);
    // Full well of ~4 electrons per DN (at a 14-bit range), so shot noise is realistic.
    const double electronsPerDn = 4.0;
    constexpr double kReadNoiseDn = 2.0;
    std::normal_distribution<double> gauss(0.0, 1.0);

    const double px0 = width * 0.15;
    const double py0 = height * 0.2;
    const double pw = width * 0.7 / kPatchCols;
    const double ph = height * 0.6 / kPatchRows;

    for (int y = 0; y < height; ++y) {
        auto* dst = out.ptr<uint16_t>(y);
        const double fy = (y + 0.5) / height;
        for (int x = 0; x < width; ++x) {
            const double fx = (x + 0.5) / width;
            // Background: diagonal gradient with a gentle colour shift.
            std::array<double, 3> rgb{0.10 + 0.30 * fx, 0.08 + 0.25 * (0.5 * fx + 0.5 * fy),
                                      0.12 + 0.30 * fy};
            const int pc = static_cast<int>(std::floor((x - px0) / pw));
            const int pr = static_cast<int>(std::floor((y - py0) / ph));
            if (x >= px0 && y >= py0 && pc >= 0 && pc < kPatchCols && pr >= 0 && pr < kPatchRows) {
                // Leave a thin dark gutter between patches so edges are sharp.
                const double lx = (x - px0) - pc * pw;
                const double ly = (y - py0) - pr * ph;
                if (lx > 0.08 * pw && ly > 0.08 * ph)
                    rgb = patches[static_cast<size_t>(pr * kPatchCols + pc)];
                else
                    rgb = {0.02, 0.02, 0.02};
            }
            for (const auto& l : lights) {
                const double d2 = ((x - l.x) * (x - l.x) + (y - l.y) * (y - l.y))
                                  / (l.radius * l.radius);
                if (d2 < 16.0) {
                    const double g = l.power * std::exp(-0.5 * d2);
                    for (int c = 0; c < 3; ++c)
                        rgb[static_cast<size_t>(c)] += g * l.tint[static_cast<size_t>(c)];
                }
            }

            const auto cfa = core::cfaColorAt(pattern, y, x);
            const int channel = cfa == core::CfaColor::R ? 0 : cfa == core::CfaColor::B ? 2 : 1;
            double signal = exposureScale * rgb[static_cast<size_t>(channel)]
                            * kResponse[static_cast<size_t>(channel)] * range;
            if (noise) {
                const double electrons = std::max(0.0, signal * electronsPerDn);
                double sampled = 0.0;
                if (electrons < 50.0) {
                    std::poisson_distribution<int> poisson(electrons);
                    sampled = poisson(rng);
                } else {
                    sampled = electrons + std::sqrt(electrons) * gauss(rng);
                }
                signal = sampled / electronsPerDn + kReadNoiseDn * gauss(rng);
            }
            const double dn = std::clamp(std::round(blackLevel + signal), 0.0,
                                         static_cast<double>(whiteLevel));
            dst[x] = static_cast<uint16_t>(dn);
        }
    }
    return out;
}

}  // namespace nocturne::testsupport
