#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "cli/command.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/progress.h"
#include "core/statistics.h"
#include "data/io/prior_file.h"
#include "data/io/volume_io.h"
#include "priors/edm_denoiser.h"
#include "priors/trainer.h"
#include "priors/training_data.h"

namespace diffrecon::cli {
namespace {

std::vector<int64_t> parse_integer_list(const std::string& option, const std::string& text) {
  std::vector<int64_t> values;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      size_t used = 0;
      values.push_back(std::stoll(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UsageError("--" + option + ": expected comma-separated integers, found '" + text + "'");
    }
  }
  return values;
}

std::string default_checkpoint(const std::string& output) {
  std::filesystem::path path(output);
  return (path.parent_path() / (path.stem().string() + ".checkpoint.h5")).string();
}

}  // namespace

void add_train_options(po::options_description& options) {
  options.add_options()
      ("volumes", po::value<std::vector<std::string>>()->multitoken()->value_name("VOLUME..."),
       "training volumes (NIfTI, MHA, NRRD, DICOM), values in [0, 1] unless --normalize")
      ("phantom", po::value<std::string>()->value_name("KIND"), "train on random phantoms instead: ellipses")
      ("plane", po::value<std::string>()->default_value("axial")->value_name("P"), "slice plane: axial, coronal, sagittal")
      ("size", po::value<int64_t>()->default_value(128)->value_name("N"), "slices are zero-padded/cropped to N x N")
      ("patch", po::value<int64_t>()->default_value(64)->value_name("N"), "train on random N x N patches (<= size)")
      ("batch", po::value<int64_t>()->default_value(8)->value_name("N"), "patches per step")
      ("steps", po::value<int64_t>()->required()->value_name("N"), "total optimisation steps (counting resumed ones)")
      ("output", po::value<std::string>()->required()->value_name("MODEL.h5"), "the trained prior (EMA weights)")
      ("checkpoint", po::value<std::string>()->value_name("FILE"), "checkpoint file (default: MODEL.checkpoint.h5)")
      ("checkpoint-every", po::value<int64_t>()->default_value(500)->value_name("N"), "write the checkpoint every N steps")
      ("resume", po::bool_switch(), "continue from the checkpoint")
      ("normalize", po::bool_switch(), "divide each volume by its 99.5th percentile and clip to [0, 1]")
      ("no-augment", po::bool_switch(), "no flips, deformations, gamma or bias fields")
      ("learning-rate", po::value<double>()->default_value(4e-4)->value_name("R"), "AdamW learning rate")
      ("ema-decay", po::value<double>()->default_value(0.999)->value_name("D"), "EMA decay of the shipped weights")
      ("base-channels", po::value<int64_t>()->default_value(32)->value_name("N"), "UNet width of the first level")
      ("channel-multipliers", po::value<std::string>()->default_value("1,2,2,2")->value_name("LIST"), "UNet widths per level")
      ("residual-blocks", po::value<int64_t>()->default_value(1)->value_name("N"), "residual blocks per level")
      ("attention-levels", po::value<std::string>()->default_value("3")->value_name("LIST"), "levels with self-attention (\"\" none)")
      ("sigma-data", po::value<double>()->default_value(0.5)->value_name("S"), "EDM sigma_data (the data's standard deviation)");
}

int run_train(const Context& context) {
  const auto& vm = context.options;
  const bool resume = vm["resume"].as<bool>();
  const std::string output = vm["output"].as<std::string>();
  const std::string checkpoint = vm.count("checkpoint") ? vm["checkpoint"].as<std::string>() : default_checkpoint(output);
  const int64_t steps = vm["steps"].as<int64_t>(), every = vm["checkpoint-every"].as<int64_t>();
  const int64_t size = vm["size"].as<int64_t>(), patch = vm["patch"].as<int64_t>(), batch = vm["batch"].as<int64_t>();
  if (steps < 1 || every < 1 || batch < 1) throw UsageError("--steps, --checkpoint-every and --batch must be >= 1");
  if (patch < 8 || patch > size) throw UsageError("--patch must lie in [8, --size]");
  const bool phantoms = vm.count("phantom") > 0;
  if (phantoms == (vm.count("volumes") > 0)) throw UsageError("give either --volumes or --phantom");
  if (phantoms && vm["phantom"].as<std::string>() != "ellipses")
    throw UsageError("--phantom: expected ellipses, found '" + vm["phantom"].as<std::string>() + "'");
  SlicePlane plane;
  try {
    plane = parse_slice_plane(vm["plane"].as<std::string>());
  } catch (const InvalidArgument& e) {
    throw UsageError(std::string("--plane: ") + e.what());
  }

  PriorModel model;
  TrainingState state;
  if (resume) {
    if (!std::filesystem::exists(checkpoint)) throw UsageError("--resume: no checkpoint at " + checkpoint);
    model = read_prior(checkpoint);
    state = read_training_state(checkpoint);
    if (model.plane != plane || model.image_size != size)
      throw UsageError("--resume: the checkpoint was trained on " + std::string(to_string(model.plane)) + " " +
                       std::to_string(model.image_size) + "^2 slices, not " + to_string(plane) + " " + std::to_string(size) + "^2");
  } else {
    model.architecture.base_channels = vm["base-channels"].as<int64_t>();
    model.architecture.channel_multipliers = parse_integer_list("channel-multipliers", vm["channel-multipliers"].as<std::string>());
    model.architecture.attention_levels = parse_integer_list("attention-levels", vm["attention-levels"].as<std::string>());
    model.architecture.residual_blocks = vm["residual-blocks"].as<int64_t>();
    model.sigma_data = vm["sigma-data"].as<double>();
    model.plane = plane;
    model.image_size = size;
    try {
      model.architecture.validate();
    } catch (const InvalidArgument& e) {
      throw UsageError(e.what());
    }
    if (patch % model.architecture.size_multiple() != 0)
      throw UsageError("--patch must be a multiple of " + std::to_string(model.architecture.size_multiple()));
  }
  model.training_command = context.command_line;

  BatchSource source;
  const AugmentationOptions augmentation = [&] {
    AugmentationOptions o;
    if (vm["no-augment"].as<bool>()) o = AugmentationOptions{false, 0, 0, 0, 0, 0, 5, 0, 0, 4};
    return o;
  }();
  std::shared_ptr<SliceDataset> dataset;
  if (phantoms) {
    model.training_data = "random ellipse phantoms (" + std::to_string(size) + "^2)";
    source = [size, patch, batch](at::Generator& g) { return random_crops(ellipse_images(batch, size, g), patch, g); };
  } else {
    std::vector<torch::Tensor> volumes;
    std::string names;
    for (const auto& path : vm["volumes"].as<std::vector<std::string>>()) {
      auto data = read_volume(path).data().to(torch::kFloat);
      if (vm["normalize"].as<bool>()) {
        const double scale = percentile(data, model.intensity_percentile);
        if (!(scale > 0)) throw InvalidArgument(path + ": the 99.5th percentile is not positive; cannot normalise");
        data = (data / scale).clamp(0, 1);
      } else if (data.min().item<double>() < -0.05 || data.max().item<double>() > 1.05) {
        throw InvalidArgument(path + ": values outside [0, 1]; give --normalize to scale by the 99.5th percentile");
      }
      volumes.push_back(data);
      names += (names.empty() ? "" : ", ") + std::filesystem::path(path).filename().string();
    }
    dataset = std::make_shared<SliceDataset>(volumes, plane, size);
    model.training_data = names + " (" + to_string(plane) + " slices: " + std::to_string(dataset->count()) + ")";
    source = [dataset, patch, batch, augmentation](at::Generator& g) { return dataset->batch(batch, patch, augmentation, g); };
    log_message(LogLevel::kInfo, "training on " + model.training_data);
  }

  torch::manual_seed(context.seed);  // the initial weights
  UNet network(model.architecture);
  if (resume) load_parameters(network, state.online);
  network.to(context.device);
  EdmDenoiser denoiser(std::move(network), model.sigma_data);
  TrainingConfig config;
  config.learning_rate = vm["learning-rate"].as<double>();
  config.ema_decay = vm["ema-decay"].as<double>();
  config.seed = context.seed;
  Trainer trainer(denoiser, config);
  if (resume) {
    trainer.restore(state);
    log_message(LogLevel::kInfo, "resumed " + checkpoint + " at step " + std::to_string(trainer.steps_done()));
  }
  log_message(LogLevel::kInfo, "UNet with " + std::to_string(denoiser.network().parameter_count()) + " parameters");

  auto save = [&](const std::string& path, bool with_state) {
    model.parameters = trainer.ema_parameters();
    for (auto& item : model.parameters) item.second = item.second.to(torch::kCPU);
    model.training_steps = trainer.steps_done();
    if (with_state) {
      const TrainingState snapshot = trainer.snapshot();
      write_prior(model, path, &snapshot);
    } else {
      write_prior(model, path);
    }
  };
  const int64_t start = trainer.steps_done();
  Progress progress("train", std::max<int64_t>(0, steps - start), "step");
  double average = 0;
  while (trainer.steps_done() < steps) {
    const double loss = trainer.step(source);
    average = trainer.steps_done() == start + 1 ? loss : 0.98 * average + 0.02 * loss;
    std::ostringstream status;
    status << "loss " << std::setprecision(4) << average;
    progress.set_status(status.str());
    progress.advance();
    if (trainer.steps_done() % every == 0) save(checkpoint, true);
  }
  progress.finish();
  save(checkpoint, true);
  save(output, false);
  context.out << "wrote " << output << ": " << to_string(model.plane) << " prior, " << model.image_size << "^2, "
              << trainer.steps_done() << " steps, " << denoiser.network().parameter_count() << " parameters, "
              << content_hash(model.parameters) << "\n";
  return 0;
}

}  // namespace diffrecon::cli
