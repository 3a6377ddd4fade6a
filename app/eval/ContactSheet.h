#pragma once

#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/base/Result.h"

namespace nocturne::eval {

// A contact sheet for looking at results as a photographer would: one row per photo with its
// columns (input, each method, reference) scaled to a common cell width, and under it a row of
// 100 % crops of the same region of every column. Labels are drawn over each column's first
// cell. Images are display values, CV_32FC3 RGB in [0,1].
// Thread: a value being built on one thread.
class ContactSheet {
public:
    ContactSheet(std::vector<std::string> columnLabels, int cellWidth = 240, int cropSide = 160);

    // One photo: `columns` in the order of the labels, all the same size. The crop is centred on
    // the point of most local contrast in the reference column (the last), so it shows detail
    // rather than a flat wall.
    void addRow(const std::string& title, const std::vector<cv::Mat>& columns);

    bool empty() const { return m_rows.empty(); }
    // Writes the sheet as an 8-bit PNG (temp file + rename). Fails naming the path.
    core::Result<void> write(const std::string& path) const;

private:
    std::vector<std::string> m_labels;
    int m_cellWidth;
    int m_cropSide;
    std::vector<cv::Mat> m_rows;   // CV_8UC3 BGR strips
};

}  // namespace nocturne::eval
