#include "data/io/dicom_io.h"

#include <gdcmAttribute.h>
#include <gdcmImageHelper.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmTrace.h>
#include <gdcmUIDGenerator.h>
#include <gdcmWriter.h>
#include <itkGDCMImageIO.h>
#include <itkImage.h>
#include <itkImageSeriesReader.h>
#include <itkImageSeriesWriter.h>
#include <itkImportImageFilter.h>
#include <itkMetaDataObject.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "core/error.h"
#include "data/io/internal/dicom_structure.h"
#include "data/io/internal/itk_conversion.h"
#include "data/io/internal/staging_directory.h"

namespace diffrecon {
namespace {

namespace fs = std::filesystem;
using FloatImage = itk::Image<float, 3>;
using Dictionary = itk::MetaDataDictionary;

// GDCM and ITK print warnings for every slice of common, harmless files; our own checks report
// what matters as errors. RescaleSlope/Intercept are read and written as plain attributes for every
// modality: otherwise GDCM turns an MR series with a non-trivial rescale into Enhanced MR objects.
void configure_toolkits() {
  gdcm::Trace::WarningOff();
  gdcm::Trace::DebugOff();
  itk::Object::GlobalWarningDisplayOff();
  gdcm::ImageHelper::SetForceRescaleInterceptSlope(true);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

std::string tag(const Dictionary& dictionary, const std::string& key) {
  std::string value;
  itk::ExposeMetaData<std::string>(dictionary, key, value);
  return trimmed(value);
}

std::string directory_of(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return path;
  const fs::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : ".";
}

// The header of one DICOM file; throws IoError when it is not one.
Dictionary read_header(const std::string& file) {
  auto io = itk::GDCMImageIO::New();
  if (!io->CanReadFile(file.c_str())) throw IoError(file + ": not a DICOM file");
  io->SetFileName(file);
  try {
    io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw IoError(file + ": cannot read the DICOM header: " + e.GetDescription());
  }
  return io->GetMetaDataDictionary();
}

std::vector<double> parse_numbers(const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, '\\')) {
    try {
      out.push_back(std::stod(item));
    } catch (const std::exception&) {
      return {};
    }
  }
  return out;
}

struct SliceFile {
  std::string path;
  Dictionary header;
};

// The DICOM Part 10 files of a directory, structure-checked, with their headers.
std::vector<SliceFile> dicom_files(const std::string& directory) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    std::ifstream file(entry.path(), std::ios::binary);
    char magic[4] = {};
    if (file.seekg(128) && file.read(magic, 4) && std::string(magic, 4) == "DICM")
      paths.push_back(entry.path().string());
  }
  if (ec) throw IoError(directory + ": cannot list the directory: " + ec.message());
  std::sort(paths.begin(), paths.end());
  std::vector<SliceFile> files;
  for (const std::string& path : paths) {
    check_dicom_structure(path);
    files.push_back({path, read_header(path)});
  }
  return files;
}

// Sorts one series' slices along the normal row × column of their orientation and checks that they are
// evenly spaced; returns the slice spacing (0 for a single slice).
double sort_slices(std::vector<SliceFile>& slices, const std::string& where) {
  const auto iop = parse_numbers(tag(slices.front().header, "0020|0037"));
  if (iop.size() != 6) throw IoError(where + ": ImageOrientationPatient (0020,0037) is missing or malformed");
  const double normal[3] = {iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5],
                            iop[0] * iop[4] - iop[1] * iop[3]};
  std::vector<std::pair<double, size_t>> order;
  for (size_t k = 0; k < slices.size(); ++k) {
    const auto ipp = parse_numbers(tag(slices[k].header, "0020|0032"));
    if (ipp.size() != 3)
      throw IoError(slices[k].path + ": ImagePositionPatient (0020,0032) is missing or malformed");
    if (parse_numbers(tag(slices[k].header, "0020|0037")) != iop)
      throw IoError(where + ": the slices of the series have different orientations");
    order.emplace_back(ipp[0] * normal[0] + ipp[1] * normal[1] + ipp[2] * normal[2], k);
  }
  std::sort(order.begin(), order.end());
  std::vector<SliceFile> sorted;
  for (const auto& [position, k] : order) sorted.push_back(std::move(slices[k]));
  slices = std::move(sorted);
  if (order.size() < 2) return 0;

  std::vector<double> steps;
  for (size_t k = 1; k < order.size(); ++k) steps.push_back(order[k].first - order[k - 1].first);
  std::vector<double> by_size = steps;
  std::nth_element(by_size.begin(), by_size.begin() + by_size.size() / 2, by_size.end());
  const double typical = by_size[by_size.size() / 2];
  if (!(typical > 1e-6)) throw IoError(where + ": several slices share one position");
  for (size_t k = 0; k < steps.size(); ++k) {
    const double ratio = steps[k] / typical;
    if (ratio > 1.5 && std::abs(ratio - std::round(ratio)) < 0.1)
      throw IoError(where + ": " + std::to_string(static_cast<int>(std::round(ratio)) - 1) +
                    " slice(s) missing between positions " + std::to_string(order[k].first) + " and " +
                    std::to_string(order[k + 1].first) + " mm along the slice normal");
    if (std::abs(ratio - 1) > 0.01)
      throw IoError(where + ": uneven slice spacing (" + std::to_string(steps[k]) + " mm between slices " +
                    std::to_string(k + 1) + " and " + std::to_string(k + 2) + ", typically " +
                    std::to_string(typical) + " mm)");
  }
  return (order.back().first - order.front().first) / static_cast<double>(order.size() - 1);
}

std::string format_number(double v) {
  std::ostringstream out;
  out << std::setprecision(10) << v;
  std::string s = out.str();
  return s.size() <= 16 ? s : std::to_string(v).substr(0, 16);  // DS: at most 16 characters
}

std::string now_string(const char* format) {
  const std::time_t t = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, format, std::localtime(&t));
  return buffer;
}

// Writes one DICOM file per slice of `voxels` (contiguous [Z, Y, X] of TPixel) with the given headers.
template <typename TPixel>
void write_slices(const torch::Tensor& voxels, const Geometry& g, const std::vector<std::string>& files,
                  std::vector<Dictionary>& dictionaries, const std::string& directory) {
  using Volume3 = itk::Image<TPixel, 3>;
  auto import = import_voxels<TPixel>(voxels, g);

  auto io = itk::GDCMImageIO::New();
  io->KeepOriginalUIDOn();
  auto writer = itk::ImageSeriesWriter<Volume3, itk::Image<TPixel, 2>>::New();
  writer->SetInput(import->GetOutput());
  writer->SetImageIO(io);
  writer->SetFileNames(files);
  std::vector<Dictionary*> pointers;
  for (auto& d : dictionaries) pointers.push_back(&d);
  writer->SetMetaDataDictionaryArray(&pointers);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    throw IoError(directory + ": cannot write the DICOM series: " + e.GetDescription());
  }
}

// A referenced DICOM instance: SOP Class UID and SOP Instance UID.
struct InstanceReference {
  std::string sop_class;
  std::string sop_instance;
};

// The instances of the series `series_uid` in `directory`.
std::vector<InstanceReference> instances_of(const std::string& directory, const std::string& series_uid) {
  std::vector<InstanceReference> instances;
  for (const SliceFile& file : dicom_files(directory))
    if (tag(file.header, "0020|000e") == series_uid)
      instances.push_back({tag(file.header, "0008|0016"), tag(file.header, "0008|0018")});
  return instances;
}

// A sequence item naming one instance: (0008,1150) and (0008,1155).
gdcm::Item instance_item(const InstanceReference& instance) {
  gdcm::Item item;
  item.SetVLToUndefined();
  gdcm::Attribute<0x0008, 0x1150> sop_class;
  sop_class.SetValue(instance.sop_class);
  item.GetNestedDataSet().Insert(sop_class.GetAsDataElement());
  gdcm::Attribute<0x0008, 0x1155> sop_instance;
  sop_instance.SetValue(instance.sop_instance);
  item.GetNestedDataSet().Insert(sop_instance.GetAsDataElement());
  return item;
}

gdcm::DataElement sequence_element(uint16_t group, uint16_t element, const std::vector<gdcm::Item>& items) {
  gdcm::SmartPointer<gdcm::SequenceOfItems> sequence = new gdcm::SequenceOfItems();
  sequence->SetLengthToUndefined();
  for (const auto& item : items) sequence->AddItem(item);
  gdcm::DataElement data(gdcm::Tag(group, element));
  data.SetVR(gdcm::VR::SQ);
  data.SetValue(*sequence);
  data.SetVLToUndefined();
  return data;
}

// Links each written file to the reference series (ITK's dictionaries carry no sequences, so GDCM
// edits the files in the staging directory): SourceImageSequence (0008,2112) lists the reference's
// instances (General Image module: the images this one derives from), and ReferencedSeriesSequence
// (0008,1115) names the series with the same instances (Common Instance Reference module).
void add_source_references(const std::vector<std::string>& files, const std::string& series_uid,
                           const std::vector<InstanceReference>& instances, const std::string& directory) {
  std::vector<gdcm::Item> instance_items;
  for (const auto& instance : instances) instance_items.push_back(instance_item(instance));
  gdcm::Item series;
  series.SetVLToUndefined();
  gdcm::Attribute<0x0020, 0x000e> uid;
  uid.SetValue(series_uid);
  series.GetNestedDataSet().Insert(uid.GetAsDataElement());
  series.GetNestedDataSet().Insert(sequence_element(0x0008, 0x114a, instance_items));  // ReferencedInstanceSequence
  const gdcm::DataElement referenced_series = sequence_element(0x0008, 0x1115, {series});
  const gdcm::DataElement source_images = sequence_element(0x0008, 0x2112, instance_items);
  for (const std::string& path : files) {
    gdcm::Reader reader;
    reader.SetFileName(path.c_str());
    if (!reader.Read()) throw IoError(directory + ": cannot reopen " + path + " to add the source references");
    gdcm::File& file = reader.GetFile();
    file.GetDataSet().Replace(referenced_series);
    file.GetDataSet().Replace(source_images);
    gdcm::Writer writer;
    writer.SetFile(file);
    writer.SetFileName(path.c_str());
    if (!writer.Write()) throw IoError(directory + ": cannot write the source references into " + path);
  }
}

// The SeriesInstanceUID in the first item of a file's ReferencedSeriesSequence ("" when there is none).
std::string referenced_series_uid(const std::string& path) {
  gdcm::Reader reader;
  reader.SetFileName(path.c_str());
  if (!reader.ReadUpToTag(gdcm::Tag(0x0008, 0x1116))) return "";
  const gdcm::DataSet& data = reader.GetFile().GetDataSet();
  if (!data.FindDataElement(gdcm::Tag(0x0008, 0x1115))) return "";
  const auto sequence = data.GetDataElement(gdcm::Tag(0x0008, 0x1115)).GetValueAsSQ();
  if (!sequence || sequence->GetNumberOfItems() == 0) return "";
  const gdcm::DataSet& item = sequence->GetItem(1).GetNestedDataSet();
  if (!item.FindDataElement(gdcm::Tag(0x0020, 0x000e))) return "";
  gdcm::Attribute<0x0020, 0x000e> uid;
  uid.SetFromDataElement(item.GetDataElement(gdcm::Tag(0x0020, 0x000e)));
  std::string text = uid.GetValue();
  while (!text.empty() && (text.back() == '\0' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::vector<DicomSeriesSummary> list_dicom_series(const std::string& path) {
  configure_toolkits();
  std::vector<DicomSeriesSummary> out;
  for (const SliceFile& file : dicom_files(directory_of(path))) {
    const std::string uid = tag(file.header, "0020|000e");
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& s) { return s.series_uid == uid; });
    if (it == out.end()) {
      out.push_back({uid, tag(file.header, "0008|103e"), tag(file.header, "0008|0060"),
                     tag(file.header, "0010|0010"), tag(file.header, "0010|0020"),
                     tag(file.header, "0020|000d"), tag(file.header, "0020|0052"),
                     referenced_series_uid(file.path), 0});
      it = out.end() - 1;
    }
    ++it->files;
  }
  return out;
}

Volume read_dicom_series(const std::string& path, const std::string& series_uid) {
  configure_toolkits();
  const std::string directory = directory_of(path);
  std::string uid = series_uid;
  std::error_code ec;
  std::vector<SliceFile> all = dicom_files(directory);
  if (uid.empty() && fs::is_regular_file(path, ec)) {
    check_dicom_structure(path);
    uid = tag(read_header(path), "0020|000e");
  }
  if (all.empty()) throw IoError(directory + ": no DICOM series found");
  if (uid.empty()) {
    const auto series = list_dicom_series(directory);
    if (series.size() > 1) {
      std::string listing;
      for (const auto& s : series)
        listing += "\n  " + s.series_uid + "  (" + std::to_string(s.files) + " files, " + s.modality + ", '" +
                   s.series_description + "')";
      throw IoError(directory + ": " + std::to_string(series.size()) +
                    " DICOM series found; choose one with --series UID:" + listing);
    }
    uid = series.front().series_uid;
  }
  std::vector<SliceFile> slices;
  for (auto& file : all)
    if (tag(file.header, "0020|000e") == uid) slices.push_back(std::move(file));
  if (slices.empty()) throw IoError(directory + ": no DICOM series with SeriesInstanceUID " + uid);
  const double slice_spacing = sort_slices(slices, directory);
  std::vector<std::string> files;
  for (const auto& slice : slices) files.push_back(slice.path);

  auto io = itk::GDCMImageIO::New();
  auto reader = itk::ImageSeriesReader<FloatImage>::New();
  reader->SetImageIO(io);
  reader->SetFileNames(files);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw IoError(directory + ": cannot read DICOM series " + uid + ": " + e.GetDescription());
  }
  FloatImage::Pointer image = reader->GetOutput();
  const auto size = image->GetLargestPossibleRegion().GetSize();
  if (static_cast<int64_t>(size[0]) * size[1] * size[2] > kMaxVolumeVoxels)
    throw IoError(directory + ": the series is too large");
  return volume_from_itk(*image, directory,
                         slice_spacing > 0 ? std::optional<double>(slice_spacing) : std::nullopt);
}

void write_dicom_series(const Volume& volume, const std::string& directory,
                        const DicomWriteOptions& options) {
  configure_toolkits();
  const std::string modality = options.modality;
  if (modality != "MR" && modality != "CT" && modality != "OT")
    throw InvalidArgument("DICOM modality must be MR, CT or OT, got '" + modality + "'");
  const fs::path target(directory.size() > 1 && directory.back() == '/'
                            ? directory.substr(0, directory.size() - 1)
                            : directory);
  std::error_code ec;
  const bool exists = fs::exists(target, ec);
  if (exists && (!fs::is_directory(target, ec) || !fs::is_empty(target, ec)))
    throw IoError(directory + ": a DICOM series is written into a new or empty directory; this one is not");

  // Stored int16 values s give value = s · slope + intercept. Integer data within int16 are stored as
  // they are; otherwise [min, max] is spread over ±32767 and GDCM rounds (value − intercept) / slope.
  const auto data = volume.data().to(torch::kCPU).contiguous();
  const double lo = data.min().item<double>(), hi = data.max().item<double>();
  const bool integral = torch::equal(data, data.round()) && lo >= -32768 && hi <= 32767;
  const double slope = integral ? 1.0 : (hi > lo ? (hi - lo) / 65534.0 : 1.0);
  const double intercept = integral ? 0.0 : (hi + lo) / 2;

  Dictionary reference;
  if (!options.reference_series.empty()) {
    if (fs::is_regular_file(options.reference_series, ec)) {
      check_dicom_structure(options.reference_series);
      reference = read_header(options.reference_series);
    } else {
      const auto files = dicom_files(directory_of(options.reference_series));
      if (files.empty())
        throw IoError(options.reference_series + ": no DICOM series to take patient and study from");
      reference = files.front().header;
    }
  }

  gdcm::UIDGenerator uids;
  const std::string study_uid = reference.HasKey("0020|000d") ? tag(reference, "0020|000d") : uids.Generate();
  const std::string frame_uid = reference.HasKey("0020|0052") ? tag(reference, "0020|0052") : uids.Generate();
  const std::string series_uid = uids.Generate();
  const Geometry& g = volume.geometry();
  const std::string date = now_string("%Y%m%d"), time = now_string("%H%M%S");

  auto base = Dictionary();
  auto set = [](Dictionary& d, const std::string& key, const std::string& value) {
    itk::EncapsulateMetaData<std::string>(d, key, value);
  };
  // Patient and study: copied from the reference, or a new anonymous study.
  const char* copied[] = {"0010|0010", "0010|0020", "0010|0030", "0010|0040", "0008|0020",
                          "0008|0030", "0008|0050", "0008|0090", "0020|0010", "0008|1030"};
  for (const char* key : copied) set(base, key, reference.HasKey(key) ? tag(reference, key) : "");
  if (!reference.HasKey("0010|0010")) set(base, "0010|0010", "Anonymous");
  if (!reference.HasKey("0010|0020")) set(base, "0010|0020", "diffrecon");
  if (!reference.HasKey("0008|0020")) set(base, "0008|0020", date);
  if (!reference.HasKey("0008|0030")) set(base, "0008|0030", time);
  set(base, "0020|000d", study_uid);
  set(base, "0020|000e", series_uid);
  set(base, "0020|0052", frame_uid);
  set(base, "0008|0008",
      modality == "MR"   ? "DERIVED\\SECONDARY\\OTHER"
      : modality == "CT" ? "DERIVED\\SECONDARY\\AXIAL"
                         : "DERIVED\\SECONDARY");
  set(base, "0020|0060", "");  // Laterality: unknown
  set(base, "0018|5100", "");  // Patient Position: unknown
  set(base, "0008|0060", modality);
  set(base, "0028|0004", "MONOCHROME2");
  set(base, "0028|0100", "16");  // stored as signed 16-bit integers
  set(base, "0028|0101", "16");
  set(base, "0028|0102", "15");
  set(base, "0028|0103", "1");
  set(base, "0020|1040", "");                           // Position Reference Indicator
  if (modality == "OT") set(base, "0008|0064", "WSD");  // Conversion Type: workstation
  if (modality == "MR") {  // MR Image module: research-mode acquisition of unknown parameters
    set(base, "0018|0020", "RM");
    set(base, "0018|0021", "NONE");
    for (const char* key : {"0018|0022", "0018|0023", "0018|0080", "0018|0081", "0018|0091"})
      set(base, key, "");
  }
  if (modality == "CT") {
    set(base, "0018|0060", "");  // KVP
    set(base, "0020|0012", "");  // Acquisition Number
  }
  set(base, "0008|0070", "diffrecon");
  set(base, "0008|0021", date);
  set(base, "0008|0031", time);
  set(base, "0008|103e", options.series_description.substr(0, 64));
  if (!options.derivation_description.empty())
    set(base, "0008|2111", options.derivation_description.substr(0, 1024));
  set(base, "0020|0011", "1001");
  set(base, "0028|0030", format_number(g.spacing[1]) + "\\" + format_number(g.spacing[0]));
  set(base, "0018|0050", format_number(g.spacing[2]));
  set(base, "0020|0037",
      format_number(g.direction[0]) + "\\" + format_number(g.direction[3]) + "\\" +
          format_number(g.direction[6]) + "\\" + format_number(g.direction[1]) + "\\" +
          format_number(g.direction[4]) + "\\" + format_number(g.direction[7]));
  set(base, "0028|1052", format_number(intercept));
  set(base, "0028|1053", format_number(slope));
  if (modality == "CT")
    set(base, "0028|1054", "HU");
  else
    set(base, "0028|1054", "US");

  std::vector<Dictionary> dictionaries;
  std::vector<std::string> files;
  StagingDirectory staging(target);
  const fs::path staged = staging.path() / target.filename();
  fs::create_directory(staged, ec);
  if (ec) throw IoError(directory + ": cannot create the staging directory: " + ec.message());
  for (int64_t k = 0; k < volume.nz(); ++k) {
    Dictionary d = base;
    const auto p = g.index_to_physical({0, 0, static_cast<double>(k)});
    set(d, "0020|0032", format_number(p[0]) + "\\" + format_number(p[1]) + "\\" + format_number(p[2]));
    set(d, "0020|0013", std::to_string(k + 1));
    set(d, "0008|0018", uids.Generate());
    dictionaries.push_back(d);
    std::ostringstream name;
    name << "IM" << std::setw(5) << std::setfill('0') << k + 1 << ".dcm";
    files.push_back((staged / name.str()).string());
  }

  if (integral)
    write_slices<int16_t>(data.to(torch::kShort).contiguous(), g, files, dictionaries, directory);
  else
    write_slices<float>(data, g, files, dictionaries, directory);
  if (reference.HasKey("0020|000e")) {
    const std::string reference_series = tag(reference, "0020|000e");
    add_source_references(files, reference_series,
                          instances_of(directory_of(options.reference_series), reference_series), directory);
  }
  if (exists) {
    fs::remove(target, ec);  // empty, checked above
  }
  staging.commit_directory(target.filename());
}

}  // namespace diffrecon
