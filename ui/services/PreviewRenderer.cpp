#include "ui/services/PreviewRenderer.h"

#include <cstdint>
#include <memory>
#include <new>

#include <QElapsedTimer>
#include <opencv2/core.hpp>

#include "core/enhance/BrightnessAttention.h"
#include "core/enhance/Gamma.h"
#include "ui/convert/ImageConversion.h"
#include "ui/services/ColorMap.h"

namespace nocturne::ui {

namespace {

// The unprocessed proxy at one gamma, as the view's "before" shows it and the brightness map
// compares with. It depends on neither m nor the method, so while the m slider moves it is
// taken from the pipeline's stage cache instead of being encoded again on every render.
struct BeforeView {
    core::ImageBuffer encoded;
    QImage image;
};

std::shared_ptr<const BeforeView> beforeView(core::Pipeline& pipeline, const PreviewSource& source, float gamma)
{
    const cv::Mat& rgb = source.image->rgb.mat();
    const std::uint64_t key = core::StageKey()
                                  .add(source.key)
                                  .add("before")
                                  .add(static_cast<std::int64_t>(rgb.cols))
                                  .add(static_cast<std::int64_t>(rgb.rows))
                                  .add(static_cast<double>(gamma))
                                  .value();
    if (!source.key.empty())
        if (auto hit = pipeline.cache().find<BeforeView>(key))
            return hit;
    auto view = std::make_shared<BeforeView>();
    view->encoded = core::Gamma::encode(source.image->rgb, gamma);
    view->image = toQImage(view->encoded);
    if (!source.key.empty())
        pipeline.cache().store<BeforeView>(key, view,
                                           rgb.total() * rgb.elemSize() + static_cast<std::size_t>(view->image.sizeInBytes()));
    return view;
}

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
    const std::shared_ptr<const BeforeView> before = beforeView(pipeline, source, params.gamma);
    out.before = before->image;
    if (!result.attention.empty() && result.attention.size() == result.display.mat().size()) {
        out.overlay = ColorMap::colorize(result.attention);
        out.overlayIsAttention = true;
    } else {
        out.overlay = ColorMap::colorize(core::brightnessAttention(before->encoded.mat(), result.display.mat()));
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
