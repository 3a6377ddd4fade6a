#include "ui/services/Glimpse.h"

#include "core/enhance/Amplifier.h"
#include "core/enhance/Gamma.h"
#include "core/io/ImageLoader.h"
#include "core/pipeline/Pipeline.h"
#include "ui/convert/ImageConversion.h"

namespace nocturne::ui {

QImage amplifiedForDisplay(const core::ImageBuffer& linear)
{
    const double gain = core::Amplifier(core::defaultAmplifierSettings()).estimate(linear).gain;
    return toQImage(core::Gamma::encode(core::Amplifier::apply(linear, gain, core::Highlights::Shoulder)));
}

core::Result<QImage> loadGlimpse(const QString& path, int maxEdge)
{
    auto preview = core::ImageLoader::loadEmbeddedPreview(path.toStdString(), maxEdge);
    if (!preview)
        return preview.error();
    return amplifiedForDisplay(*preview);
}

}  // namespace nocturne::ui
