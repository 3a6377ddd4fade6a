#include "core/inference/Tiler.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <opencv2/core.hpp>

namespace nocturne::core {

namespace {

// Core edges along one axis: 0 = e_0 < e_1 < ... < e_n = length, inner edges on `align`.
std::vector<int> coreEdges(int length, int tileSize, int align)
{
    std::vector<int> edges{0};
    const int count = std::max(1, (length + tileSize - 1) / tileSize);
    for (int k = 1; k < count; ++k) {
        const double ideal = static_cast<double>(k) * length / count;
        const int edge = static_cast<int>(std::lround(ideal / align)) * align;
        if (edge > edges.back() && edge < length)
            edges.push_back(edge);
    }
    edges.push_back(length);
    return edges;
}

// Raised-cosine rise from 0 (t <= 0) to 1 (t >= 1).
float rise(double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return static_cast<float>(0.5 - 0.5 * std::cos(std::numbers::pi * t));
}

std::vector<float> axisWeights(int outBegin, int outEnd, int coreBegin, int coreEnd, int length, int r)
{
    std::vector<float> w(static_cast<std::size_t>(outEnd - outBegin), 1.0f);
    if (r <= 0)
        return w;
    for (int x = outBegin; x < outEnd; ++x) {
        const double centre = x + 0.5;
        float v = 1.0f;
        if (coreBegin > 0)
            v *= rise((centre - (coreBegin - r)) / (2.0 * r));
        if (coreEnd < length)
            v *= 1.0f - rise((centre - (coreEnd - r)) / (2.0 * r));
        w[static_cast<std::size_t>(x - outBegin)] = v;
    }
    return w;
}

}  // namespace

int Tiler::roundUp(int value, int multiple)
{
    multiple = std::max(1, multiple);
    return (value + multiple - 1) / multiple * multiple;
}

Tiler::Tiler(const TilerSettings& settings) : m_settings(settings)
{
    TilerSettings& s = m_settings;
    s.sizeMultiple = std::max(1, s.sizeMultiple);
    s.align = std::max(1, s.align);
    s.overlap = roundUp(std::max(0, s.overlap), s.align);
    // Every core must be at least `overlap` wide so ramps of one tile do not meet and the
    // second tile's context does not run off the image.
    s.tileSize = roundUp(std::max({s.tileSize, 2 * s.overlap + 2 * s.align, 1}), s.align);
    const int width = s.imageSize.width;
    const int height = s.imageSize.height;
    if (width <= 0 || height <= 0)
        return;

    const std::vector<int> xs = coreEdges(width, s.tileSize, s.align);
    const std::vector<int> ys = coreEdges(height, s.tileSize, s.align);
    m_columns = static_cast<int>(xs.size()) - 1;
    m_rows = static_cast<int>(ys.size()) - 1;
    const int r = rampRadius();

    for (int row = 0; row < m_rows; ++row) {
        for (int col = 0; col < m_columns; ++col) {
            Tile t;
            t.index = static_cast<int>(m_tiles.size());
            t.column = col;
            t.row = row;
            const int x0 = xs[static_cast<std::size_t>(col)], x1 = xs[static_cast<std::size_t>(col) + 1];
            const int y0 = ys[static_cast<std::size_t>(row)], y1 = ys[static_cast<std::size_t>(row) + 1];
            t.core = cv::Rect(x0, y0, x1 - x0, y1 - y0);

            const int ox0 = x0 > 0 ? x0 - r : 0, ox1 = x1 < width ? x1 + r : width;
            const int oy0 = y0 > 0 ? y0 - r : 0, oy1 = y1 < height ? y1 + r : height;
            t.output = cv::Rect(ox0, oy0, ox1 - ox0, oy1 - oy0);

            const int ix0 = x0 > 0 ? x0 - s.overlap : 0, ix1 = x1 < width ? x1 + s.overlap : width;
            const int iy0 = y0 > 0 ? y0 - s.overlap : 0, iy1 = y1 < height ? y1 + s.overlap : height;
            t.input = cv::Rect(ix0, iy0, roundUp(ix1 - ix0, s.sizeMultiple), roundUp(iy1 - iy0, s.sizeMultiple));

            t.weightX = axisWeights(ox0, ox1, x0, x1, width, r);
            t.weightY = axisWeights(oy0, oy1, y0, y1, height, r);
            m_tiles.push_back(std::move(t));
        }
    }
}

cv::Mat Tile::weights() const
{
    cv::Mat w(output.height, output.width, CV_32FC1);
    for (int y = 0; y < output.height; ++y) {
        float* line = w.ptr<float>(y);
        for (int x = 0; x < output.width; ++x)
            line[x] = weightY[static_cast<std::size_t>(y)] * weightX[static_cast<std::size_t>(x)];
    }
    return w;
}

int Tiler::tileSizeForBudget(cv::Size imageSize, double bytesPerPixel, std::size_t budgetBytes,
                             int overlap, int sizeMultiple, int align)
{
    align = std::max(1, align);
    overlap = roundUp(std::max(0, overlap), align);
    const int minimum = 2 * overlap + 2 * align;
    const double budget = static_cast<double>(budgetBytes);
    const double whole = static_cast<double>(roundUp(imageSize.width, sizeMultiple))
                         * roundUp(imageSize.height, sizeMultiple) * bytesPerPixel;
    if (whole <= budget)
        return roundUp(std::max({imageSize.width, imageSize.height, minimum}), align);
    // Largest square input (core + two overlaps + padding slack) within the budget.
    const double edge = std::sqrt(budget / std::max(bytesPerPixel, 1e-9));
    const int core = static_cast<int>(edge) - 2 * overlap - std::max(1, sizeMultiple);
    return std::max(minimum, core / align * align);
}

cv::Mat Tiler::cropMirrored(const cv::Mat& image, const cv::Rect& rect)
{
    const cv::Rect inside = rect & cv::Rect(0, 0, image.cols, image.rows);
    if (inside == rect)
        return image(rect).clone();
    cv::Mat out;
    // Borders are added only on sides where `rect` passes the image edge, so the mirror axis is
    // the image edge there (not the edge of the crop).
    cv::copyMakeBorder(image(inside), out, inside.y - rect.y, rect.br().y - inside.br().y,
                       inside.x - rect.x, rect.br().x - inside.br().x, cv::BORDER_REFLECT_101);
    return out;
}

}  // namespace nocturne::core
