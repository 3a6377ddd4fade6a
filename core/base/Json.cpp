#include "core/base/Json.h"

#include <cctype>
#include <charconv>
#include <cstdint>

namespace nocturne::core {

// Recursive-descent parser over a string_view; depth-limited so a hostile file cannot blow the
// stack.
class JsonParser {
public:
    JsonParser(std::string_view text, const std::string& context) : m_text(text), m_context(context) {}

    Result<JsonValue> parseDocument()
    {
        JsonValue value;
        if (!parseValue(value, 0))
            return failure();
        skipSpace();
        if (m_pos != m_text.size()) {
            m_error = "unexpected text after the JSON value";
            return failure();
        }
        return value;
    }

private:
    static constexpr int kMaxDepth = 64;

    Error failure() const
    {
        int line = 1;
        for (std::size_t i = 0; i < m_pos && i < m_text.size(); ++i)
            line += m_text[i] == '\n' ? 1 : 0;
        return makeError(ErrorCode::CorruptData,
                         "invalid JSON at line " + std::to_string(line) + ": " + m_error + ".",
                         m_context);
    }

    void skipSpace()
    {
        while (m_pos < m_text.size()
               && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n'
                   || m_text[m_pos] == '\r'))
            ++m_pos;
    }

    bool consumeWord(std::string_view word)
    {
        if (m_text.substr(m_pos, word.size()) != word) {
            m_error = "unknown literal";
            return false;
        }
        m_pos += word.size();
        return true;
    }

    bool parseValue(JsonValue& out, int depth)
    {
        if (depth > kMaxDepth) {
            m_error = "nesting too deep";
            return false;
        }
        skipSpace();
        if (m_pos >= m_text.size()) {
            m_error = "unexpected end of file";
            return false;
        }
        const char c = m_text[m_pos];
        switch (c) {
        case '{': return parseObject(out, depth);
        case '[': return parseArray(out, depth);
        case '"':
            out.m_type = JsonValue::Type::String;
            return parseString(out.m_string);
        case 't':
            out.m_type = JsonValue::Type::Bool;
            out.m_bool = true;
            return consumeWord("true");
        case 'f':
            out.m_type = JsonValue::Type::Bool;
            out.m_bool = false;
            return consumeWord("false");
        case 'n':
            out.m_type = JsonValue::Type::Null;
            return consumeWord("null");
        default: return parseNumber(out);
        }
    }

    bool parseNumber(JsonValue& out)
    {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size()
               && (std::isdigit(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '-'
                   || m_text[m_pos] == '+' || m_text[m_pos] == '.' || m_text[m_pos] == 'e'
                   || m_text[m_pos] == 'E'))
            ++m_pos;
        if (start == m_pos) {
            m_error = std::string("unexpected character '") + m_text[m_pos] + "'";
            return false;
        }
        double value = 0.0;
        const auto [end, ec] = std::from_chars(m_text.data() + start, m_text.data() + m_pos, value);
        if (ec != std::errc() || end != m_text.data() + m_pos) {
            m_pos = start;
            m_error = "malformed number";
            return false;
        }
        out.m_type = JsonValue::Type::Number;
        out.m_number = value;
        return true;
    }

    static void appendUtf8(std::string& s, std::uint32_t cp)
    {
        if (cp < 0x80) {
            s += static_cast<char>(cp);
        } else if (cp < 0x800) {
            s += static_cast<char>(0xC0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            s += static_cast<char>(0xE0 | (cp >> 12));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            s += static_cast<char>(0xF0 | (cp >> 18));
            s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    bool parseHex4(std::uint32_t& cp)
    {
        if (m_pos + 4 > m_text.size()) {
            m_error = "truncated \\u escape";
            return false;
        }
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = m_text[m_pos++];
            cp <<= 4;
            if (h >= '0' && h <= '9') cp |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') cp |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') cp |= static_cast<std::uint32_t>(h - 'A' + 10);
            else {
                m_error = "bad \\u escape";
                return false;
            }
        }
        return true;
    }

    bool parseString(std::string& out)
    {
        ++m_pos;   // opening quote
        out.clear();
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos++];
            if (c == '"')
                return true;
            if (static_cast<unsigned char>(c) < 0x20) {
                m_error = "control character in string";
                return false;
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_text.size())
                break;
            const char e = m_text[m_pos++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!parseHex4(cp))
                    return false;
                // UTF-16 surrogates come in pairs; a lone or mismatched one has no UTF-8 form.
                if (cp >= 0xDC00 && cp < 0xE000) {
                    m_error = "unpaired surrogate in \\u escape";
                    return false;
                }
                if (cp >= 0xD800 && cp < 0xDC00) {
                    std::uint32_t low = 0;
                    if (m_text.substr(m_pos, 2) != "\\u") {
                        m_error = "unpaired surrogate in \\u escape";
                        return false;
                    }
                    m_pos += 2;
                    if (!parseHex4(low))
                        return false;
                    if (low < 0xDC00 || low >= 0xE000) {
                        m_error = "unpaired surrogate in \\u escape";
                        return false;
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                appendUtf8(out, cp);
                break;
            }
            default:
                m_error = "unknown escape in string";
                return false;
            }
        }
        m_error = "unterminated string";
        return false;
    }

    bool parseArray(JsonValue& out, int depth)
    {
        ++m_pos;
        out.m_type = JsonValue::Type::Array;
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            return true;
        }
        for (;;) {
            JsonValue item;
            if (!parseValue(item, depth + 1))
                return false;
            out.m_items.push_back(std::move(item));
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                ++m_pos;
                return true;
            }
            m_error = "expected ',' or ']' in array";
            return false;
        }
    }

    bool parseObject(JsonValue& out, int depth)
    {
        ++m_pos;
        out.m_type = JsonValue::Type::Object;
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            return true;
        }
        for (;;) {
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"') {
                m_error = "expected a quoted member name";
                return false;
            }
            std::string key;
            if (!parseString(key))
                return false;
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':') {
                m_error = "expected ':' after \"" + key + "\"";
                return false;
            }
            ++m_pos;
            JsonValue value;
            if (!parseValue(value, depth + 1))
                return false;
            out.m_members.insert_or_assign(std::move(key), std::move(value));
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                ++m_pos;
                return true;
            }
            m_error = "expected ',' or '}' in object";
            return false;
        }
    }

    std::string_view m_text;
    const std::string& m_context;
    std::size_t m_pos = 0;
    std::string m_error;
};

Result<JsonValue> JsonValue::parse(std::string_view text, const std::string& context)
{
    JsonParser parser(text, context);
    return parser.parseDocument();
}

const JsonValue* JsonValue::find(const std::string& key) const
{
    if (m_type != Type::Object)
        return nullptr;
    const auto it = m_members.find(key);
    return it != m_members.end() ? &it->second : nullptr;
}

const char* JsonValue::typeName(Type type)
{
    switch (type) {
    case Type::Null: return "null";
    case Type::Bool: return "a boolean";
    case Type::Number: return "a number";
    case Type::String: return "a string";
    case Type::Array: return "an array";
    case Type::Object: return "an object";
    }
    return "?";
}

}  // namespace nocturne::core
