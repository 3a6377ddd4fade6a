#pragma once

namespace nocturne::core {

// Routes LibTorch's large CPU tensors (a tile's activations, the input and output planes)
// through the process's RecyclingAllocator when one is installed, so that the network and the
// OpenCV stages around it draw on one pool: a pass allocates the same sizes on every tile and
// every render, blocks over 32 MB otherwise come fresh from mmap and page-fault on first touch,
// and a frame the pool keeps idle is given back when the network needs the memory (instead of
// the network's memory coming on top of it). Small tensors stay with LibTorch's own allocator.
// Idempotent; does nothing without an installed RecyclingAllocator (tests, embedding
// programs). Called when the first model loads.
void useRecyclingAllocatorForTorch();

}  // namespace nocturne::core
