#pragma once

#include <QtTest>

#include "core/image/ImageBuffer.h"
#include "core/image/RawMosaic.h"
#include "core/base/Result.h"

// Readable QCOMPARE failure output for core's enums: the values print as text, not numbers.
namespace QTest {
template <>
inline char* toString(const nocturne::core::ColorEncoding& value)
{
    return qstrdup(value == nocturne::core::ColorEncoding::Linear ? "Linear" : "Display");
}
template <>
inline char* toString(const nocturne::core::ErrorCode& value)
{
    return qstrdup(nocturne::core::toString(value));
}
template <>
inline char* toString(const nocturne::core::CfaPattern& value)
{
    return qstrdup(nocturne::core::toString(value).c_str());
}
}  // namespace QTest
