#include "pipelines/ct/ct_problem.h"

#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/logging.h"
#include "operators/ct/field_of_view.h"
#include "solvers/power_iteration.h"

namespace diffrecon {

ParallelBeamGeometry parallel_beam_geometry(const Measurement& m) {
  if (m.modality != Modality::kCt) throw InvalidArgument("expected a CT measurement, got " + std::string(to_string(m.modality)));
  validate(m, "CT measurement");
  const auto angles = m.arrays.at("angles").to(torch::kCPU, torch::kDouble).contiguous();
  ParallelBeamGeometry g;
  g.angles.assign(angles.data_ptr<double>(), angles.data_ptr<double>() + angles.numel());
  g.detector_count = m.data.size(2);
  g.detector_spacing = m.parameters.at("detector_spacing_mm");
  g.nx = m.volume_size[0], g.ny = m.volume_size[1], g.nz = m.volume_size[2];
  g.pixel_spacing_x = m.geometry.spacing[0], g.pixel_spacing_y = m.geometry.spacing[1];
  return g;
}

const char* to_string(FieldOfView field_of_view) {
  return field_of_view == FieldOfView::kMeasured ? "measured" : "full";
}

FieldOfView parse_field_of_view(const std::string& name) {
  for (const auto f : {FieldOfView::kMeasured, FieldOfView::kFull})
    if (name == to_string(f)) return f;
  throw InvalidArgument("unknown field of view '" + name + "' (expected measured or full)");
}

torch::Tensor field_of_view_to_keep(const ParallelBeamGeometry& g, FieldOfView field_of_view, torch::Device device) {
  if (field_of_view == FieldOfView::kFull) return {};
  const double outside = outside_field_of_view_fraction(g);
  if (outside == 0) return {};
  Log(LogLevel::kInfo) << "CT: " << std::round(1000 * outside) / 10
                       << " % of each slice lies outside the measured field of view (radius "
                       << 0.5 * static_cast<double>(g.detector_count - 1) * g.detector_spacing
                       << " mm) and is set to zero (--field-of-view full keeps it)";
  return field_of_view_mask(g, device);
}

std::vector<double> sparse_view_angles(int views) {
  if (views < 1) throw InvalidArgument("the number of views must be at least 1, got " + std::to_string(views));
  std::vector<double> angles;
  for (int k = 0; k < views; ++k) angles.push_back(M_PI * k / views);
  return angles;
}

std::vector<double> limited_angle_angles(double start_deg, double stop_deg, double step_deg) {
  if (!std::isfinite(start_deg) || !std::isfinite(stop_deg) || !(step_deg > 0) || !(start_deg < stop_deg))
    throw InvalidArgument("limited angle: expected START < STOP and STEP > 0 (degrees)");
  const double count = std::ceil((stop_deg - start_deg) / step_deg - 1e-9);
  if (count > 100000) throw InvalidArgument("limited angle: more than 100000 views");
  std::vector<double> angles;
  for (int k = 0; k < static_cast<int>(count); ++k) angles.push_back((start_deg + k * step_deg) * M_PI / 180.0);
  return angles;
}

std::vector<double> parse_limited_angle(const std::string& text) {
  std::istringstream in(text);
  double start = 0, stop = 0, step = 0;
  char colon1 = 0, colon2 = 0;
  if (!(in >> start >> colon1 >> stop >> colon2 >> step) || colon1 != ':' || colon2 != ':' || !(in >> std::ws).eof())
    throw InvalidArgument("limited angle '" + text + "': expected START:STOP:STEP in degrees, e.g. 0:120:1");
  return limited_angle_angles(start, stop, step);
}

double official_projector_ratio(const ParallelBeamGeometry& g) {
  const double p = std::sqrt(g.pixel_spacing_x * g.pixel_spacing_y);
  return 2.0 * static_cast<double>(g.angles.size()) / M_PI * p * p * p / g.detector_spacing;
}

double projector_norm(const ParallelBeamGeometry& geometry) {
  ParallelBeamGeometry slice = geometry;
  slice.nz = 1;
  PowerIterationOptions options;
  options.tolerance = 1e-4;
  return operator_norm(*parallel_beam_projector(slice), options).norm;
}

double official_normal_scale(const ParallelBeamGeometry& geometry) {
  constexpr double kOfficialLargestEigenvalue = 389.0;
  const double norm = projector_norm(geometry);
  return norm * norm / kOfficialLargestEigenvalue;
}

}  // namespace diffrecon
