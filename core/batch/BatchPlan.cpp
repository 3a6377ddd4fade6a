#include "core/batch/BatchPlan.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "core/io/ImageLoader.h"

namespace nocturne::core {

namespace fs = std::filesystem;

namespace {

// A key under which two spellings of the same file compare equal ("out/../a.jpg", "./a.jpg").
std::string pathKey(const fs::path& path)
{
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec) {
        ec.clear();
        canonical = fs::absolute(path, ec).lexically_normal();
    }
    return canonical.string();
}

bool isHidden(const fs::path& path)
{
    const std::string name = path.filename().string();
    return !name.empty() && name.front() == '.';
}

void scanFolder(const fs::path& folder, bool recursive, std::vector<std::string>& files)
{
    std::error_code ec;
    const auto options = fs::directory_options::skip_permission_denied;
    auto consider = [&files](const fs::directory_entry& entry) {
        std::error_code typeEc;
        if (entry.is_regular_file(typeEc) && !isHidden(entry.path())
            && ImageLoader::hasSupportedExtension(entry.path().string()))
            files.push_back(entry.path().string());
    };
    if (recursive) {
        for (auto it = fs::recursive_directory_iterator(folder, options, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            // Hidden folders (.git, .thumbnails, ...) hold no photos the user meant.
            std::error_code typeEc;
            if (it->is_directory(typeEc) && isHidden(it->path())) {
                it.disable_recursion_pending();
                continue;
            }
            consider(*it);
        }
    } else {
        for (auto it = fs::directory_iterator(folder, options, ec); !ec && it != fs::directory_iterator();
             it.increment(ec))
            consider(*it);
    }
}

void replaceAll(std::string& text, std::string_view from, const std::string& to)
{
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

}  // namespace

std::string overwritePolicyName(OverwritePolicy policy)
{
    switch (policy) {
    case OverwritePolicy::Skip: return "skip";
    case OverwritePolicy::Rename: return "rename";
    case OverwritePolicy::Overwrite: return "overwrite";
    }
    return "rename";
}

std::optional<OverwritePolicy> parseOverwritePolicy(std::string_view name)
{
    for (auto p : {OverwritePolicy::Skip, OverwritePolicy::Rename, OverwritePolicy::Overwrite})
        if (overwritePolicyName(p) == name)
            return p;
    return std::nullopt;
}

std::vector<std::string> BatchPlan::expandInputs(const std::vector<std::string>& inputs, bool recursive)
{
    std::vector<std::string> files;
    for (const auto& input : inputs) {
        std::error_code ec;
        if (fs::is_directory(input, ec))
            scanFolder(input, recursive, files);
        else
            files.push_back(input);   // missing or odd files get the loader's own error
    }
    std::sort(files.begin(), files.end());
    std::set<std::string> seen;
    std::vector<std::string> unique;
    for (auto& file : files)
        if (seen.insert(pathKey(file)).second)
            unique.push_back(std::move(file));
    return unique;
}

std::string BatchPlan::outputFileName(const OutputNaming& naming, const std::string& input, int index, int n)
{
    std::string name = naming.pattern.empty() ? std::string("{name}_nocturne") : naming.pattern;
    replaceAll(name, "{name}", fs::path(input).stem().string());
    replaceAll(name, "{method}", naming.method);
    replaceAll(name, "{index}", std::to_string(index + 1));
    for (char& c : name)
        if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>'
            || c == '|' || (static_cast<unsigned char>(c) < 0x20))
            c = '_';
    if (n > 0)
        name += "-" + std::to_string(n);
    return name + "." + extensionFor(naming.format);
}

std::vector<BatchItem> BatchPlan::plan(const std::vector<std::string>& files, const OutputNaming& naming,
                                       OverwritePolicy policy)
{
    std::set<std::string> inputKeys;
    for (const auto& file : files)
        inputKeys.insert(pathKey(file));

    std::set<std::string> claimed;
    std::vector<BatchItem> items;
    items.reserve(files.size());
    const fs::path outDir(naming.folder);

    for (size_t index = 0; index < files.size(); ++index) {
        const std::string& file = files[index];
        BatchItem item;
        item.input = file;
        const auto nameFor = [&](int n) {
            return outDir / outputFileName(naming, file, static_cast<int>(index), n);
        };
        const fs::path base = nameFor(0);
        const std::string baseKey = pathKey(base);
        std::error_code ec;
        const bool sameFile = baseKey == pathKey(file) || (fs::exists(base, ec) && fs::equivalent(base, file, ec));
        if (sameFile) {
            item.plan = BatchItem::Plan::Fail;
            item.note = "the output " + base.string()
                        + " would overwrite the input; choose another output folder, name or format";
            items.push_back(std::move(item));
            continue;
        }

        const bool existsOnDisk = fs::exists(base, ec);
        const bool isInput = inputKeys.count(baseKey) > 0;
        const bool claimedHere = claimed.count(baseKey) > 0;
        if (isInput && policy != OverwritePolicy::Rename) {
            item.plan = BatchItem::Plan::Fail;
            item.note = "the output " + base.string()
                        + " is another input of this batch and is never overwritten; choose another output"
                          " folder or name";
            items.push_back(std::move(item));
            continue;
        }
        if (policy == OverwritePolicy::Skip && existsOnDisk && !claimedHere) {
            item.plan = BatchItem::Plan::Skip;
            item.output = base.string();
            item.note = "skipped, " + base.string() + " exists";
            items.push_back(std::move(item));
            continue;
        }
        // Rename on any conflict; and a name an earlier file of this batch already took is
        // renamed under every policy, so a batch never overwrites its own results.
        fs::path chosen = base;
        const bool mustRename = claimedHere || (policy == OverwritePolicy::Rename && (existsOnDisk || isInput));
        for (int n = 1; mustRename; ++n) {
            chosen = nameFor(n);
            const std::string key = pathKey(chosen);
            if (!fs::exists(chosen, ec) && claimed.count(key) == 0 && inputKeys.count(key) == 0)
                break;
        }
        claimed.insert(pathKey(chosen));
        item.output = chosen.string();
        items.push_back(std::move(item));
    }
    return items;
}

BatchItem BatchPlan::single(const std::string& input, const std::string& destination)
{
    BatchItem item;
    item.input = input;
    std::error_code ec;
    if (pathKey(destination) == pathKey(input)
        || (fs::exists(destination, ec) && fs::equivalent(destination, input, ec))) {
        item.plan = BatchItem::Plan::Fail;
        item.note = "refusing to overwrite the original; choose another name or folder";
        return item;
    }
    item.output = destination;
    return item;
}

}  // namespace nocturne::core
