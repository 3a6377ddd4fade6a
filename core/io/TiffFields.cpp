#include "core/io/TiffFields.h"

#include <algorithm>

namespace nocturne::core {

bool setTiffNumbers(TIFF* tif, uint32_t tag, const std::vector<double>& values)
{
    const TIFFField* field = TIFFFieldWithTag(tif, tag);
    if (field == nullptr || values.empty())
        return false;
    const TIFFDataType type = TIFFFieldDataType(field);
    const bool real = type == TIFF_RATIONAL || type == TIFF_SRATIONAL || type == TIFF_FLOAT
                      || type == TIFF_DOUBLE;
    const int elemSize = TIFFFieldSetGetSize(field);
    const int countSize = TIFFFieldSetGetCountSize(field);
    const bool passCount = TIFFFieldPassCount(field) != 0;

    if (!passCount && TIFFFieldWriteCount(field) == 1) {
        // Scalars travel through varargs: integers as int/uint32, reals as double.
        if (real)
            return TIFFSetField(tif, tag, values[0]) == 1;
        if (elemSize == 8)
            return TIFFSetField(tif, tag, static_cast<uint64_t>(values[0])) == 1;
        return TIFFSetField(tif, tag, static_cast<uint32_t>(values[0])) == 1;
    }

    std::vector<unsigned char> storage(values.size() * static_cast<size_t>(std::max(1, elemSize)));
    for (size_t i = 0; i < values.size(); ++i) {
        void* dst = storage.data() + i * static_cast<size_t>(elemSize);
        const double v = values[i];
        if (real && elemSize == 4)
            *static_cast<float*>(dst) = static_cast<float>(v);
        else if (real && elemSize == 8)
            *static_cast<double*>(dst) = v;
        else if (elemSize == 1)
            *static_cast<uint8_t*>(dst) = static_cast<uint8_t>(v);
        else if (elemSize == 2)
            *static_cast<uint16_t*>(dst) = static_cast<uint16_t>(v);
        else if (elemSize == 4)
            *static_cast<uint32_t*>(dst) = static_cast<uint32_t>(v);
        else if (elemSize == 8)
            *static_cast<uint64_t*>(dst) = static_cast<uint64_t>(v);
        else
            return false;
    }
    if (!passCount)
        return TIFFSetField(tif, tag, storage.data()) == 1;
    if (countSize == 4)
        return TIFFSetField(tif, tag, static_cast<uint32_t>(values.size()), storage.data()) == 1;
    return TIFFSetField(tif, tag, static_cast<int>(values.size()), storage.data()) == 1;
}

}  // namespace nocturne::core
