#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/Result.h"

namespace nocturne::core {

// A parsed JSON document: just enough of RFC 8259 for model manifests (objects, arrays, strings
// with escapes, numbers, true/false/null). Written here because core has no JSON dependency and
// OpenCV's FileStorage rejects null and booleans.
// Thread: a value type; safe to share read-only across threads.
class JsonValue {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    JsonValue() = default;

    // `context` (usually the file name) prefixes parse errors, which also give the line.
    static Result<JsonValue> parse(std::string_view text, const std::string& context = {});

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isNumber() const { return m_type == Type::Number; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }

    bool asBool() const { return m_bool; }
    double asNumber() const { return m_number; }
    const std::string& asString() const { return m_string; }
    const std::vector<JsonValue>& items() const { return m_items; }
    const std::map<std::string, JsonValue>& members() const { return m_members; }

    // The member `key` of an object, or nullptr when absent (or when this is not an object).
    const JsonValue* find(const std::string& key) const;

    static const char* typeName(Type type);

private:
    friend class JsonParser;

    Type m_type = Type::Null;
    bool m_bool = false;
    double m_number = 0.0;
    std::string m_string;
    std::vector<JsonValue> m_items;
    std::map<std::string, JsonValue> m_members;
};

}  // namespace nocturne::core
