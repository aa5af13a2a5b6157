#include "data/io/prior_file.h"

#include <hdf5.h>

#include <filesystem>
#include <map>

#include "core/error.h"
#include "data/io/internal/hdf5_session.h"
#include "data/io/internal/native_hdf5.h"
#include "data/io/internal/staging_directory.h"

namespace diffrecon {
namespace {

namespace fs = std::filesystem;

constexpr const char kFormatName[] = "diffrecon-prior";
constexpr int64_t kFormatVersion = 1;
constexpr size_t kMaxEntries = 4096;  // parameters of one network, attributes of one group

using h5::native::Element;
using h5::native::Reader;
using h5::native::Writer;

void write_tensors(const Writer& w, hid_t group, const std::string& field, const NamedTensors& tensors) {
  for (const auto& [name, tensor] : tensors)
    w.dataset(group, field + "/" + name, name, tensor.detach().to(torch::kCPU, torch::kFloat));
}

// Datasets of `group` named after the network's parameters, in the network's order, shapes checked.
NamedTensors read_tensors(const Reader& r, hid_t group, const std::string& field, const UNet& network) {
  NamedTensors out;
  const auto names = r.link_names(group, field);
  const auto expected = network.named_parameters();
  if (names.size() != expected.size())
    r.fail(field, "expected the network's " + std::to_string(expected.size()) + " parameters, found " +
                      std::to_string(names.size()) + " datasets");
  for (const auto& [name, tensor] : expected) {
    const std::string path = field + "/" + name;
    const auto dataset = r.inspect(group, path, name, {Element::kFloat32}, {1, 2, 3, 4}, "float32 " + c10::str(tensor.sizes()));
    if (dataset.shape != tensor.sizes().vec())
      r.fail(path, "expected shape " + c10::str(tensor.sizes()) + ", found " + h5::shape_text(dataset.shape));
    out.emplace_back(name, r.read(dataset, path));
  }
  return out;
}

void write_architecture(const Writer& w, hid_t group, const UNetConfig& c) {
  const int64_t levels = static_cast<int64_t>(c.channel_multipliers.size());
  std::vector<int64_t> attention(levels, 0);
  for (const int64_t level : c.attention_levels) attention[level] = 1;
  auto integer = [&](const char* name, int64_t value) { w.integers(group, std::string("/architecture/") + name, name, &value, 1); };
  integer("channels", c.channels);
  integer("base_channels", c.base_channels);
  w.integers(group, "/architecture/channel_multipliers", "channel_multipliers", c.channel_multipliers.data(), levels);
  w.integers(group, "/architecture/attention", "attention", attention.data(), levels);
  integer("residual_blocks", c.residual_blocks);
  integer("groups", c.groups);
  integer("embedding_channels", c.embedding_channels);
  w.string(group, "/architecture/network", "network", "unet");
}

UNetConfig read_architecture(const Reader& r, hid_t group) {
  UNetConfig c;
  auto integer = [&](const char* name) { return r.read_integers(group, std::string("/architecture/") + name, name, 1)[0]; };
  const std::string network = r.read_string(group, "/architecture/network", "network");
  if (network != "unet") r.fail("/architecture/network", "expected \"unet\", found \"" + network.substr(0, 80) + "\"");
  c.channels = integer("channels");
  c.base_channels = integer("base_channels");
  const size_t levels = r.attribute_length(group, "/architecture/channel_multipliers", "channel_multipliers");
  c.channel_multipliers = r.read_integers(group, "/architecture/channel_multipliers", "channel_multipliers", levels);
  const auto attention = r.read_integers(group, "/architecture/attention", "attention", levels);
  c.attention_levels.clear();
  for (size_t i = 0; i < levels; ++i)
    if (attention[i]) c.attention_levels.push_back(static_cast<int64_t>(i));
  c.residual_blocks = integer("residual_blocks");
  c.groups = integer("groups");
  c.embedding_channels = integer("embedding_channels");
  if (c.channels > 64 || c.base_channels > 4096 || c.residual_blocks > 64 || c.embedding_channels > 65536)
    r.fail("/architecture", "implausibly large network");
  try {
    c.validate();
  } catch (const InvalidArgument& e) {
    r.fail("/architecture", e.what());
  }
  return c;
}

void write_file(const PriorModel& m, const TrainingState* state, Writer& w) {
  const hid_t root = w.file();
  auto number = [&](const char* name, double value) { w.numbers(root, std::string("/") + name, name, &value, 1); };
  auto integer = [&](const char* name, int64_t value) { w.integers(root, std::string("/") + name, name, &value, 1); };
  w.string(root, "/format", "format", kFormatName);
  integer("format_version", kFormatVersion);
  w.string(root, "/denoiser", "denoiser", "edm");
  number("sigma_data", m.sigma_data);
  w.string(root, "/plane", "plane", to_string(m.plane));
  integer("image_size", m.image_size);
  integer("channels", m.architecture.channels);
  number("intensity_percentile", m.intensity_percentile);
  w.string(root, "/training_data", "training_data", m.training_data);
  w.string(root, "/training_command", "training_command", m.training_command);
  integer("training_steps", m.training_steps);
  w.string(root, "/content_hash", "content_hash", content_hash(m.parameters));
  {
    h5::Handle g = w.group("architecture");
    write_architecture(w, g.get(), m.architecture);
  }
  {
    h5::Handle g = w.group("parameters");
    write_tensors(w, g.get(), "/parameters", m.parameters);
  }
  if (state) {
    h5::Handle g = w.group("training");
    w.integers(g.get(), "/training/step", "step", &state->step, 1);
    w.unsigned_integer(g.get(), "/training/seed", "seed", state->seed);
    for (const auto& [name, list] : std::map<std::string, const NamedTensors*>{
             {"online", &state->online}, {"first_moment", &state->first_moment}, {"second_moment", &state->second_moment}}) {
      h5::Handle sub = w.group("training/" + name);
      write_tensors(w, sub.get(), "/training/" + name, *list);
    }
  }
  w.close();
}

PriorModel read_file(Reader& r) {
  r.open();
  const hid_t root = r.root();
  const std::string format = r.read_string(root, "/format", "format");
  if (format != kFormatName)
    r.fail("/format", std::string("expected \"") + kFormatName + "\" (a diffrecon prior model), found \"" +
                          format.substr(0, 80) + "\"");
  const int64_t version = r.read_integers(root, "/format_version", "format_version", 1)[0];
  if (version < 1 || version > kFormatVersion)
    r.fail("/format_version", "this build reads version 1 to " + std::to_string(kFormatVersion) + ", found " +
                                  std::to_string(version));
  const std::string denoiser = r.read_string(root, "/denoiser", "denoiser");
  if (denoiser != "edm") r.fail("/denoiser", "expected \"edm\", found \"" + denoiser.substr(0, 80) + "\"");
  PriorModel m;
  auto number = [&](const char* name) { return r.read_numbers(root, std::string("/") + name, name, 1)[0]; };
  auto integer = [&](const char* name) { return r.read_integers(root, std::string("/") + name, name, 1)[0]; };
  m.sigma_data = number("sigma_data");
  if (!(m.sigma_data > 0)) r.fail("/sigma_data", "expected a positive number");
  try {
    m.plane = parse_slice_plane(r.read_string(root, "/plane", "plane"));
  } catch (const InvalidArgument& e) {
    r.fail("/plane", e.what());
  }
  m.image_size = integer("image_size");
  if (m.image_size < 1 || m.image_size > 65536) r.fail("/image_size", "expected 1 to 65536");
  m.intensity_percentile = number("intensity_percentile");
  if (!(m.intensity_percentile > 0 && m.intensity_percentile <= 100)) r.fail("/intensity_percentile", "expected (0, 100]");
  m.training_data = r.read_string(root, "/training_data", "training_data");
  m.training_command = r.read_string(root, "/training_command", "training_command");
  m.training_steps = integer("training_steps");
  {
    h5::Handle g = r.open_object("/architecture", "architecture", H5I_GROUP);
    m.architecture = read_architecture(r, g.get());
  }
  if (integer("channels") != m.architecture.channels)
    r.fail("/channels", "differs from /architecture/channels");
  const UNet network(m.architecture);
  {
    h5::Handle g = r.open_object("/parameters", "parameters", H5I_GROUP);
    m.parameters = read_tensors(r, g.get(), "/parameters", network);
  }
  const std::string stored_hash = r.read_string(root, "/content_hash", "content_hash");
  const std::string hash = content_hash(m.parameters);
  if (stored_hash != hash)
    r.fail("/content_hash", "the weights hash to " + hash + ", the file declares " + stored_hash.substr(0, 80) +
                                " (the file is damaged or was edited)");
  return m;
}

}  // namespace

void write_prior(const PriorModel& model, const std::string& path, const TrainingState* state) {
  const fs::path target(path);
  if (!target.has_filename()) throw IoError(path + ": expected a file name, got a directory");
  StagingDirectory staging(target);
  {
    const h5::Session session;
    Writer writer(path, staging.path() / target.filename());
    write_file(model, state, writer);
  }
  staging.commit_files(target.filename());
}

PriorModel read_prior(const std::string& path) {
  const h5::Session session;
  Reader reader(path, kMaxEntries);
  return read_file(reader);
}

TrainingState read_training_state(const std::string& path) {
  const h5::Session session;
  Reader r(path, kMaxEntries);
  const PriorModel model = read_file(r);
  if (H5Lexists(r.root(), "training", H5P_DEFAULT) <= 0)
    r.fail("/training", "expected a training checkpoint (a /training group), found none");
  h5::Handle g = r.open_object("/training", "training", H5I_GROUP);
  const UNet network(model.architecture);
  TrainingState state;
  state.step = r.read_integers(g.get(), "/training/step", "step", 1)[0];
  if (state.step < 0) r.fail("/training/step", "expected a non-negative step");
  state.seed = r.read_unsigned(g.get(), "/training/seed", "seed");
  state.ema = model.parameters;
  for (auto [name, list] : std::map<std::string, NamedTensors*>{
           {"online", &state.online}, {"first_moment", &state.first_moment}, {"second_moment", &state.second_moment}}) {
    h5::Handle sub = r.open_object("/training/" + name, name, H5I_GROUP, g.get());
    *list = read_tensors(r, sub.get(), "/training/" + name, network);
  }
  return state;
}

bool is_prior_file(const std::string& path) {
  try {
    const h5::Session session;
    Reader r(path, kMaxEntries);
    r.open();
    return r.read_string(r.root(), "/format", "format") == kFormatName;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace diffrecon
