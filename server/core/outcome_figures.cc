#include "server/core/outcome_figures.h"

#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace sx::core {

std::vector<std::pair<std::string, int64_t>> OutcomeFigures(
    const ::supervision::v1::FeedbackOutcome& outcome) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor* descriptor = outcome.GetDescriptor();
  const google::protobuf::Reflection* reflection = outcome.GetReflection();
  std::vector<std::pair<std::string, int64_t>> figures;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const int64_t value = field->cpp_type() == FieldDescriptor::CPPTYPE_INT64
                              ? reflection->GetInt64(outcome, field)
                              : reflection->GetInt32(outcome, field);
    figures.emplace_back(field->name(), value);
  }
  return figures;
}

}  // namespace sx::core
