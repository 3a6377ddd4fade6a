#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/ImageWriter.h"

namespace nocturne::core {

// What to do when an output file already exists. Whatever the policy, no output ever lands on
// an input of the batch, and a batch never overwrites its own results.
enum class OverwritePolicy {
    Skip,        // leave the existing file alone; counts as success
    Rename,      // write "<name>-1.<ext>", "-2", ... instead (the default)
    Overwrite,   // replace it
};

std::string overwritePolicyName(OverwritePolicy policy);   // "skip", "rename", "overwrite"
std::optional<OverwritePolicy> parseOverwritePolicy(std::string_view name);

// One input of a batch and what the planner decided for it.
struct BatchItem {
    enum class Plan { Process, Skip, Fail };
    std::string input;     // path of the photo, as given or as found in a folder
    std::string output;    // planned destination (empty for Fail)
    Plan plan = Plan::Process;
    std::string note;      // why it is skipped or failed before processing
};

// How outputs are named: `pattern` with {name} (the input's name without its extension),
// {method} and {index} (1-based position in the batch), plus the format's extension.
struct OutputNaming {
    std::string folder;
    std::string pattern = "{name}_nocturne";
    std::string method;
    ExportFormat format = ExportFormat::Jpeg;
};

// The one batch planner of the CLI and the editor: which files, and where each one goes.
// Thread: pure functions apart from reading the file system; any thread.
class BatchPlan {
public:
    // Files named explicitly are always kept (so an odd extension gets a real decoder error);
    // folders contribute their files with a supported extension (hidden files and folders
    // excluded), descending when `recursive`. Sorted, and free of duplicates however spelt.
    static std::vector<std::string> expandInputs(const std::vector<std::string>& inputs, bool recursive);

    // The name for `input` (the `index`-th file, 0-based), "-<n>" added for n > 0; characters
    // not allowed in file names become '_'.
    static std::string outputFileName(const OutputNaming& naming, const std::string& input, int index, int n = 0);

    // Decides each file's destination, in order, under `policy`: names within the batch are
    // unique, no destination is one of the inputs (Skip and Overwrite refuse such a file; Rename
    // picks another name) and an output that would be its own input is refused.
    static std::vector<BatchItem> plan(const std::vector<std::string>& files, const OutputNaming& naming,
                                       OverwritePolicy policy);

    // One file to a destination the user chose in a save dialog (which asked about replacing
    // it): written there unless that is the input itself.
    static BatchItem single(const std::string& input, const std::string& destination);
};

}  // namespace nocturne::core
