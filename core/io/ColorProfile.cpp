#include "core/io/ColorProfile.h"

#include <lcms2.h>

namespace nocturne::core {

const std::vector<unsigned char>& ColorProfile::srgb()
{
    static const std::vector<unsigned char> bytes = [] {
        std::vector<unsigned char> out;
        cmsHPROFILE profile = cmsCreate_sRGBProfile();
        if (profile == nullptr)
            return out;
        cmsUInt32Number size = 0;
        if (cmsSaveProfileToMem(profile, nullptr, &size) && size > 0) {
            out.resize(size);
            if (!cmsSaveProfileToMem(profile, out.data(), &size))
                out.clear();
        }
        cmsCloseProfile(profile);
        return out;
    }();
    return bytes;
}

std::string ColorProfile::describe(const std::vector<unsigned char>& icc)
{
    if (icc.empty())
        return {};
    cmsHPROFILE profile = cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size()));
    if (profile == nullptr)
        return {};
    char text[256] = {};
    cmsGetProfileInfoASCII(profile, cmsInfoDescription, "en", "US", text, sizeof text);
    cmsCloseProfile(profile);
    return text;
}

}  // namespace nocturne::core
