#pragma once

#include <string>

#include "core/volume.h"

namespace diffrecon {

// The parts of a real dataset along z (inferior → superior): the training part that priors learn from,
// the held-out test part that only measures, and the whole volume. Each dataset fixes its fractions.
enum class DatasetPart { kWhole, kTraining, kTest };

// "whole", "training", "test"; parse throws InvalidArgument for anything else.
const char* to_string(DatasetPart part);
DatasetPart parse_dataset_part(const std::string& name);

// Slices [first, first + count) of a volume, with the geometry that keeps them in place.
Volume z_slab(const Volume& volume, int64_t first, int64_t count);

// The part of a volume whose slice index grows towards superior: training is the lowest
// ⌊training_fraction · Z⌋ slices, test the slices from ⌈test_start · Z⌉ on, whole everything.
Volume dataset_part(const Volume& volume, DatasetPart part, double training_fraction, double test_start);

}  // namespace diffrecon
