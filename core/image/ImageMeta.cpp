#include "core/image/ImageMeta.h"

namespace nocturne::core {

std::string toString(SensorKind kind)
{
    switch (kind) {
    case SensorKind::Bayer: return "Bayer";
    case SensorKind::XTrans: return "X-Trans";
    case SensorKind::Foveon: return "Foveon";
    case SensorKind::Monochrome: return "monochrome";
    case SensorKind::Other: return "non-Bayer";
    case SensorKind::NotRaw: return "not RAW";
    }
    return "?";
}

}  // namespace nocturne::core
