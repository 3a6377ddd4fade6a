#include "app/eval/ContactSheet.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace nocturne::eval {

namespace {

constexpr int kGap = 4;
constexpr int kLabelHeight = 18;

cv::Mat toBgr8(const cv::Mat& rgb)
{
    cv::Mat bgr, out;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    bgr.convertTo(out, CV_8UC3, 255.0);
    return out;
}

void label(cv::Mat& cell, const std::string& text)
{
    cv::rectangle(cell, cv::Rect(0, 0, cell.cols, kLabelHeight), cv::Scalar(0, 0, 0), cv::FILLED);
    cv::putText(cell, text, cv::Point(4, kLabelHeight - 5), cv::FONT_HERSHEY_SIMPLEX, 0.42,
                cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
}

// Centre of the window with the most local contrast (std of luma on a coarse grid).
cv::Point detailCentre(const cv::Mat& rgb, int side)
{
    cv::Mat grey, mean, sq;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    cv::blur(grey, mean, cv::Size(side, side));
    cv::blur(grey.mul(grey), sq, cv::Size(side, side));
    cv::Mat var = sq - mean.mul(mean);
    const int h = side / 2;
    cv::Point best(rgb.cols / 2, rgb.rows / 2);
    float bestVar = -1.0f;
    for (int y = h; y < rgb.rows - h; y += std::max(1, side / 4))
        for (int x = h; x < rgb.cols - h; x += std::max(1, side / 4))
            if (var.at<float>(y, x) > bestVar) {
                bestVar = var.at<float>(y, x);
                best = {x, y};
            }
    return best;
}

}  // namespace

ContactSheet::ContactSheet(std::vector<std::string> columnLabels, int cellWidth, int cropSide)
    : m_labels(std::move(columnLabels)), m_cellWidth(cellWidth), m_cropSide(cropSide)
{
}

void ContactSheet::addRow(const std::string& title, const std::vector<cv::Mat>& columns)
{
    if (columns.empty())
        return;
    const cv::Size full = columns.front().size();
    const double f = static_cast<double>(m_cellWidth) / full.width;
    const int cellHeight = std::max(1, static_cast<int>(full.height * f + 0.5));
    const int n = static_cast<int>(columns.size());
    const int side = std::min({m_cropSide, full.width, full.height});
    const int cropCell = std::min(side, m_cellWidth);
    const cv::Point centre = detailCentre(columns.back(), side);
    const cv::Rect crop(std::clamp(centre.x - side / 2, 0, full.width - side),
                        std::clamp(centre.y - side / 2, 0, full.height - side), side, side);

    cv::Mat strip(cellHeight + kGap + cropCell + kGap, n * (m_cellWidth + kGap), CV_8UC3, cv::Scalar(40, 40, 40));
    for (int i = 0; i < n; ++i) {
        const int x0 = i * (m_cellWidth + kGap);
        cv::Mat small;
        cv::resize(columns[i], small, cv::Size(m_cellWidth, cellHeight), 0, 0, cv::INTER_AREA);
        cv::Mat cell = strip(cv::Rect(x0, 0, m_cellWidth, cellHeight));
        toBgr8(small).copyTo(cell);
        std::string text = i < static_cast<int>(m_labels.size()) ? m_labels[i] : std::string();
        if (i == 0)
            text = title + "  " + text;
        label(cell, text);
        // 100 %: the crop at its own pixels (cut to the cell when the cell is narrower).
        cv::Mat cropped = columns[i](crop)(cv::Rect(0, 0, cropCell, cropCell));
        toBgr8(cropped).copyTo(strip(cv::Rect(x0, cellHeight + kGap, cropCell, cropCell)));
    }
    m_rows.push_back(strip);
}

core::Result<void> ContactSheet::write(const std::string& path) const
{
    if (m_rows.empty())
        return core::makeError(core::ErrorCode::InvalidArgument, "the contact sheet has no rows", path);
    cv::Mat sheet;
    cv::vconcat(m_rows, sheet);
    const std::filesystem::path target(path);
    const std::filesystem::path temp = target.parent_path() / ("." + target.filename().string() + ".tmp.png");
    try {
        if (!cv::imwrite(temp.string(), sheet))
            return core::makeError(core::ErrorCode::IoError, "cannot write the contact sheet", path);
    } catch (const cv::Exception& e) {
        return core::makeError(core::ErrorCode::IoError, std::string("cannot write the contact sheet: ") + e.what(), path);
    }
    std::error_code ec;
    std::filesystem::rename(temp, target, ec);
    if (ec)
        return core::makeError(core::ErrorCode::IoError, "cannot move the contact sheet into place: " + ec.message(), path);
    return {};
}

}  // namespace nocturne::eval
