#pragma once

#include <QImage>
#include <QString>

#include "core/base/Result.h"
#include "core/image/ImageBuffer.h"

namespace nocturne::ui {

// A linear picture as "amplify only" shows it at the default settings (Eq. 5 gain, highlight
// shoulder, display gamma): a dark camera preview or thumbnail is nearly black as stored,
// which tells a photographer nothing.
QImage amplifiedForDisplay(const core::ImageBuffer& linear);

// The first thing the editor shows of a RAW while its preview proxy decodes: the camera's
// embedded JPEG, at most `maxEdge` px, brightened. NotFound when the file carries none (then
// the view waits for the proxy). Thread: any.
core::Result<QImage> loadGlimpse(const QString& path, int maxEdge = 2048);

}  // namespace nocturne::ui
