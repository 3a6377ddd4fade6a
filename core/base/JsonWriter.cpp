#include "core/base/JsonWriter.h"

#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace nocturne::core {

void JsonWriter::newline()
{
    m_out += '\n';
    m_out.append(2 * m_levels.size(), ' ');
}

void JsonWriter::beforeValue()
{
    if (m_levels.empty())
        return;
    Level& level = m_levels.back();
    assert(level.keyPending && "a value inside an object needs a key");
    level.keyPending = false;
}

JsonWriter& JsonWriter::beginObject()
{
    beforeValue();
    m_out += '{';
    m_levels.push_back({});
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    assert(!m_levels.empty() && !m_levels.back().keyPending);
    const bool empty = m_levels.back().empty;
    m_levels.pop_back();
    if (!empty)
        newline();
    m_out += '}';
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name)
{
    assert(!m_levels.empty() && !m_levels.back().keyPending);
    Level& level = m_levels.back();
    if (!level.empty)
        m_out += ',';
    level.empty = false;
    level.keyPending = true;
    newline();
    m_out += quote(name);
    m_out += ": ";
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text)
{
    beforeValue();
    m_out += quote(text);
    return *this;
}

JsonWriter& JsonWriter::value(double number)
{
    beforeValue();
    m_out += JsonWriter::number(number);
    return *this;
}

JsonWriter& JsonWriter::value(bool flag)
{
    beforeValue();
    m_out += flag ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null()
{
    beforeValue();
    m_out += "null";
    return *this;
}

std::string JsonWriter::str() const
{
    assert(m_levels.empty());
    return m_out + '\n';
}

std::string JsonWriter::quote(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                std::array<char, 8> buf{};
                std::snprintf(buf.data(), buf.size(), "\\u%04x", static_cast<unsigned>(c));
                out += buf.data();
            } else {
                out += c;   // UTF-8 passes through: JSON text is UTF-8
            }
        }
    }
    out += '"';
    return out;
}

std::string JsonWriter::number(double value)
{
    if (!std::isfinite(value))
        return "null";
    std::array<char, 32> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    assert(ec == std::errc());
    return std::string(buf.data(), end);
}

}  // namespace nocturne::core
