#include "core/io/ColorProfile.h"

#include <array>
#include <memory>

#include <lcms2.h>
#include <opencv2/core.hpp>

namespace nocturne::core {

namespace {

struct ProfileCloser {
    void operator()(void* p) const { cmsCloseProfile(p); }
};
using Profile = std::unique_ptr<void, ProfileCloser>;

// LittleCMS stamps the time of saving into the header (bytes 24-35), which made every export's
// bytes differ from run to run; the profiles are fixed definitions, so they carry a fixed date
// (big-endian year, month, day, hour, minute, second) and exports are reproducible. The
// profile ID (bytes 84-99, an MD5 that would cover the date) is left unset, as LittleCMS does.
constexpr std::array<unsigned short, 6> kProfileDate = {2026, 11, 30, 0, 0, 0};

std::vector<unsigned char> save(cmsHPROFILE profile)
{
    std::vector<unsigned char> out;
    cmsUInt32Number size = 0;
    if (profile != nullptr && cmsSaveProfileToMem(profile, nullptr, &size) && size > 0) {
        out.resize(size);
        if (!cmsSaveProfileToMem(profile, out.data(), &size))
            out.clear();
    }
    if (out.size() >= 128) {
        for (size_t i = 0; i < kProfileDate.size(); ++i) {
            out[24 + 2 * i] = static_cast<unsigned char>(kProfileDate[i] >> 8);
            out[25 + 2 * i] = static_cast<unsigned char>(kProfileDate[i] & 0xFF);
        }
    }
    return out;
}

// A matrix-shaper profile with a gamma-1 curve: the primaries and white are chromaticities.
Profile linearProfile(const cmsCIExyY& white, const cmsCIExyYTRIPLE& primaries, const char* description)
{
    cmsToneCurve* linear = cmsBuildGamma(nullptr, 1.0);
    cmsToneCurve* curves[3] = {linear, linear, linear};
    Profile profile(cmsCreateRGBProfile(&white, &primaries, curves));
    cmsFreeToneCurve(linear);
    if (!profile)
        return profile;
    cmsMLU* text = cmsMLUalloc(nullptr, 1);
    cmsMLUsetASCII(text, "en", "US", description);
    cmsWriteTag(profile.get(), cmsSigProfileDescriptionTag, text);
    cmsMLUfree(text);
    return profile;
}

constexpr cmsCIExyY kD65{0.3127, 0.3290, 1.0};
constexpr cmsCIExyY kD50{0.3457, 0.3585, 1.0};

Profile makeProfile(OutputSpace space)
{
    switch (space) {
    case OutputSpace::Srgb:
        return Profile(cmsCreate_sRGBProfile());
    case OutputSpace::LinearRec2020:
        return linearProfile(kD65, {{0.708, 0.292, 1.0}, {0.170, 0.797, 1.0}, {0.131, 0.046, 1.0}},
                             "Nocturne linear Rec.2020 (D65)");
    case OutputSpace::LinearProPhoto:
        return linearProfile(kD50, {{0.7347, 0.2653, 1.0}, {0.1596, 0.8404, 1.0}, {0.0366, 0.0001, 1.0}},
                             "Nocturne linear ProPhoto RGB (D50)");
    }
    return Profile();
}

Profile linearSrgb()
{
    return linearProfile(kD65, {{0.64, 0.33, 1.0}, {0.30, 0.60, 1.0}, {0.15, 0.06, 1.0}}, "linear sRGB");
}

cv::Mat transform(const cv::Mat& rgb, cmsHPROFILE from, cmsHPROFILE to)
{
    if (from == nullptr || to == nullptr || rgb.type() != CV_32FC3)
        return {};
    cmsHTRANSFORM t = cmsCreateTransform(from, TYPE_RGB_FLT, to, TYPE_RGB_FLT, INTENT_RELATIVE_COLORIMETRIC, 0);
    if (t == nullptr)
        return {};
    cv::Mat src = rgb.isContinuous() ? rgb : rgb.clone();
    cv::Mat out(rgb.size(), CV_32FC3);
    cmsDoTransform(t, src.ptr<float>(), out.ptr<float>(), static_cast<cmsUInt32Number>(src.total()));
    cmsDeleteTransform(t);
    return out;
}

}  // namespace

std::string toString(OutputSpace space)
{
    switch (space) {
    case OutputSpace::Srgb: return "srgb";
    case OutputSpace::LinearRec2020: return "linear-rec2020";
    case OutputSpace::LinearProPhoto: return "linear-prophoto";
    }
    return "srgb";
}

std::optional<OutputSpace> parseOutputSpace(std::string_view text)
{
    for (OutputSpace s : {OutputSpace::Srgb, OutputSpace::LinearRec2020, OutputSpace::LinearProPhoto})
        if (text == toString(s))
            return s;
    return std::nullopt;
}

const std::vector<unsigned char>& ColorProfile::srgb()
{
    return profileFor(OutputSpace::Srgb);
}

const std::vector<unsigned char>& ColorProfile::profileFor(OutputSpace space)
{
    static const std::array<std::vector<unsigned char>, 3> bytes = [] {
        std::array<std::vector<unsigned char>, 3> out;
        for (OutputSpace s : {OutputSpace::Srgb, OutputSpace::LinearRec2020, OutputSpace::LinearProPhoto})
            out[static_cast<size_t>(s)] = save(makeProfile(s).get());
        return out;
    }();
    return bytes[static_cast<size_t>(space)];
}

cv::Mat ColorProfile::fromLinearSrgb(const cv::Mat& rgb, OutputSpace space)
{
    if (space == OutputSpace::Srgb)
        return rgb.clone();
    const Profile from = linearSrgb();
    const Profile to = makeProfile(space);
    return transform(rgb, from.get(), to.get());
}

cv::Mat ColorProfile::toLinearSrgb(const cv::Mat& rgb, const std::vector<unsigned char>& icc)
{
    if (icc.empty())
        return {};
    const Profile from(cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size())));
    const Profile to = linearSrgb();
    return transform(rgb, from.get(), to.get());
}

std::string ColorProfile::describe(const std::vector<unsigned char>& icc)
{
    if (icc.empty())
        return {};
    const Profile profile(cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size())));
    if (!profile)
        return {};
    char text[256] = {};
    cmsGetProfileInfoASCII(profile.get(), cmsInfoDescription, "en", "US", text, sizeof text);
    return text;
}

}  // namespace nocturne::core
