#include "ui/services/PreviewRenderer.h"

#include <new>

#include <QElapsedTimer>
#include <opencv2/core.hpp>

#include "core/enhance/BrightnessAttention.h"
#include "core/enhance/Gamma.h"
#include "ui/convert/ImageConversion.h"
#include "ui/services/ColorMap.h"

namespace nocturne::ui {

namespace {

void renderInto(RenderOutput& out, core::Pipeline& pipeline, const PreviewSource& source,
                const core::ProcessParams& params, const core::RunContext& ctx)
{
    auto processed = pipeline.process(*source.image, params, ctx, source.key);
    if (!processed) {
        if (processed.error().code == core::ErrorCode::Cancelled)
            out.cancelled = true;
        else
            out.error = processed.error();
        return;
    }
    const core::ProcessResult& result = processed.value();
    out.gain = result.gain;
    out.gainFromAmplifier = result.gainFromAmplifier;
    out.displayBuffer = result.display;
    out.display = toQImage(result.display);
    const core::ImageBuffer before = core::Gamma::encode(source.image->rgb, params.gamma);
    out.before = toQImage(before);
    if (!result.attention.empty() && result.attention.size() == result.display.mat().size()) {
        out.overlay = ColorMap::colorize(result.attention);
        out.overlayIsAttention = true;
    } else {
        out.overlay = ColorMap::colorize(core::brightnessAttention(before.mat(), result.display.mat()));
    }
    out.histogram = Histogram::compute(out.display);
}

}  // namespace

RenderOutput PreviewRenderer::render(core::Pipeline& pipeline, const PreviewSource& source,
                                     const core::ProcessParams& params, const core::RunContext& ctx,
                                     quint64 requestId)
{
    QElapsedTimer timer;
    timer.start();
    RenderOutput out;
    out.requestId = requestId;
    out.params = params;
    if (source.isNull()) {
        out.error = core::makeError(core::ErrorCode::InvalidArgument, "no image is open", "preview");
        return out;
    }
    try {
        renderInto(out, pipeline, source, params, ctx);
    } catch (const std::bad_alloc&) {
        out.error = core::makeError(core::ErrorCode::OutOfMemory,
                                    "not enough memory to render the preview; close other files or "
                                    "choose a lighter method",
                                    source.path.toStdString());
    } catch (const cv::Exception& e) {
        out.error = core::makeError(core::ErrorCode::Internal, std::string("image processing failed: ") + e.what(),
                                    source.path.toStdString());
    }
    if (const auto enhancer = pipeline.registry().find(params.method))
        out.runsOn = QString::fromStdString(enhancer->runsOn());
    out.elapsedMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return out;
}

}  // namespace nocturne::ui
