#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace nocturne::core {

// What went wrong, coarse enough for callers to branch on (skip a file, retry on CPU, ...).
enum class ErrorCode {
    InvalidArgument,
    NotFound,
    PermissionDenied,
    UnsupportedFormat,
    CorruptData,
    TooLarge,
    IoError,
    OutOfMemory,
    NotApplicable,   // e.g. a mosaic network asked to run on a JPEG
    Cancelled,       // a normal outcome, not a failure: callers should not report it as one
    Internal,
};

const char* toString(ErrorCode code);

// An error a user can read: `context` names the file (or model, or setting) and `message`
// says what is wrong and, where possible, what to do about it.
struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;
    std::string context;

    // "<context>: <message>" (or just the message when there is no context).
    std::string describe() const;
};

Error makeError(ErrorCode code, std::string message, std::string context = {});

// An expected-like value-or-error (std::expected is C++23; we target C++20).
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}   // NOLINT: implicit by design
    Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(m_state); }
    const T& value() const& { assert(ok()); return std::get<0>(m_state); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { assert(!ok()); return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT

    static Result success() { return {}; }

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error& error() const { assert(!m_ok); return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

}  // namespace nocturne::core
