#include "tests/support/ImageFixtures.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include <exiv2/exiv2.hpp>
#include <opencv2/core.hpp>

namespace nocturne::testsupport {

std::string writeBytes(const std::string& path, std::string_view bytes)
{
    std::ofstream out(std::filesystem::u8path(path), std::ios::binary | std::ios::trunc);
    if (!out)
        return "cannot create " + path;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return out ? std::string() : "cannot write " + path;
}

std::string readBytes(const std::string& path)
{
    std::ifstream in(std::filesystem::u8path(path), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string writeTruncatedCopy(const std::string& source, const std::string& destination,
                               size_t keep)
{
    const std::string bytes = readBytes(source);
    if (bytes.empty())
        return "cannot read " + source;
    return writeBytes(destination, std::string_view(bytes).substr(0, keep));
}

std::string setExif(const std::string& path, const std::map<std::string, std::string>& tags)
{
    try {
        auto image = Exiv2::ImageFactory::open(path);
        if (image.get() == nullptr)
            return "Exiv2 cannot open " + path;
        image->readMetadata();
        Exiv2::ExifData exif = image->exifData();
        for (const auto& [key, value] : tags)
            exif[key] = value;
        image->setExifData(exif);
        image->writeMetadata();
        return {};
    } catch (const Exiv2::AnyError& e) {
        return std::string("Exiv2: ") + e.what();
    }
}

cv::Mat makeQuadrants(int width, int height, int depth, double level)
{
    const double full = depth == CV_16U ? 65535.0 : 255.0;
    const double v = std::round(level * full);
    cv::Mat bgr(height, width, CV_MAKETYPE(depth, 3), cv::Scalar::all(0));
    const int hw = width / 2;
    const int hh = height / 2;
    bgr(cv::Rect(0, 0, hw, hh)).setTo(cv::Scalar(0, 0, v));                        // red
    bgr(cv::Rect(hw, 0, width - hw, hh)).setTo(cv::Scalar(0, v, 0));                // green
    bgr(cv::Rect(0, hh, hw, height - hh)).setTo(cv::Scalar(v, 0, 0));               // blue
    bgr(cv::Rect(hw, hh, width - hw, height - hh)).setTo(cv::Scalar(v, v, v));      // white
    return bgr;
}

}  // namespace nocturne::testsupport
