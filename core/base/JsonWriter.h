#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nocturne::core {

// Writes JSON text for files people read and edit (saved settings): members stay in the order
// they are written, two-space indentation, numbers in the shortest form that reads back to the
// same double. JsonValue keeps members sorted, which suits lookups, not files meant to be read.
// Misuse (a value without a key inside an object, unbalanced begin/end) is a programming error
// and asserts.
// Thread: a value type; one writer per document.
class JsonWriter {
public:
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(double number);   // non-finite numbers are written as null (JSON has none)
    JsonWriter& value(int number) { return value(static_cast<double>(number)); }
    JsonWriter& value(bool flag);
    JsonWriter& null();

    // The document, ending with a newline; valid once every object is closed.
    std::string str() const;

    static std::string quote(std::string_view text);
    static std::string number(double value);

private:
    void beforeValue();
    void newline();

    std::string m_out;
    struct Level {
        bool empty = true;
        bool keyPending = false;
    };
    std::vector<Level> m_levels;
};

}  // namespace nocturne::core
