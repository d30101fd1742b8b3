#include "common/text_proto.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <sstream>

namespace hotline::common {
namespace {

class CollectingErrors : public google::protobuf::io::ErrorCollector {
 public:
  explicit CollectingErrors(std::string file) : file_(std::move(file)) {}
  // The parser reports 0-based lines and columns.
  void AddError(int line, int column, const std::string& message) override {
    errors.push_back({file_, line + 1, column + 1, message});
  }
  void AddWarning(int line, int column, const std::string& message) override {
    errors.push_back({file_, line + 1, column + 1, "warning: " + message});
  }
  std::vector<SourceError> errors;

 private:
  std::string file_;
};

std::string join(const std::vector<SourceError>& errors) {
  std::string text;
  for (const auto& error : errors) {
    if (!text.empty()) text += "\n";
    text += error.to_string();
  }
  return text;
}

}  // namespace

std::string SourceError::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

TextProtoError::TextProtoError(std::vector<SourceError> errors)
    : std::runtime_error(join(errors)), errors_(std::move(errors)) {}

void parse_text_proto(const std::string& text, const std::string& file,
                      google::protobuf::Message& message) {
  CollectingErrors collector(file);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  if (!parser.ParseFromString(text, &message)) {
    if (collector.errors.empty()) collector.errors.push_back({file, 1, 1, "cannot be parsed"});
    throw TextProtoError(std::move(collector.errors));
  }
}

void parse_text_proto_file(const std::filesystem::path& path, google::protobuf::Message& message) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TextProtoError({{path.string(), 0, 0, "cannot open file"}});
  std::ostringstream content;
  content << in.rdbuf();
  parse_text_proto(content.str(), path.string(), message);
}

}  // namespace hotline::common
