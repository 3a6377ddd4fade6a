#include "core/base/Result.h"

namespace nocturne::core {

const char* toString(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument: return "invalid argument";
    case ErrorCode::NotFound: return "not found";
    case ErrorCode::PermissionDenied: return "permission denied";
    case ErrorCode::UnsupportedFormat: return "unsupported format";
    case ErrorCode::CorruptData: return "corrupt data";
    case ErrorCode::TooLarge: return "too large";
    case ErrorCode::IoError: return "I/O error";
    case ErrorCode::OutOfMemory: return "out of memory";
    case ErrorCode::NotApplicable: return "not applicable";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::Internal: return "internal error";
    }
    return "unknown error";
}

std::string Error::describe() const
{
    if (context.empty())
        return message;
    return context + ": " + message;
}

Error makeError(ErrorCode code, std::string message, std::string context)
{
    return Error{code, std::move(message), std::move(context)};
}

}  // namespace nocturne::core
