#include "common/text_proto.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <sstream>

namespace hotline::common {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class CollectingErrors : public google::protobuf::io::ErrorCollector {
 public:
  CollectingErrors(std::string file, const std::string& text)
      : file_(std::move(file)), lines_(split_lines(text)) {}
  // The parser reports 0-based lines and columns.
  void AddError(int line, int column, const std::string& message) override {
    errors.push_back({file_, line + 1, name_column(line, column, message) + 1, reworded(message)});
  }
  void AddWarning(int line, int column, const std::string& message) override {
    errors.push_back({file_, line + 1, column + 1, "warning: " + message});
  }
  std::vector<SourceError> errors;

 private:
  // The parser points after an unknown field's name; a reader wants the name itself.
  int name_column(int line, int column, const std::string& message) const {
    static const std::string kMarker = "no field named \"";
    const auto at = message.find(kMarker);
    if (at == std::string::npos || line < 0 || line >= static_cast<int>(lines_.size())) {
      return column;
    }
    const auto start = at + kMarker.size();
    const std::string name = message.substr(start, message.find('"', start) - start);
    const auto found = lines_[line].rfind(name, static_cast<std::size_t>(column));
    return found == std::string::npos ? column : static_cast<int>(found);
  }

  // protobuf says 'Message type "a.B" has no field named "x".'; people want the name first.
  static std::string reworded(const std::string& message) {
    static const std::string kType = "Message type \"";
    static const std::string kMarker = "\" has no field named \"";
    const auto marker = message.find(kMarker);
    if (message.rfind(kType, 0) != 0 || marker == std::string::npos) return message;
    const std::string type = message.substr(kType.size(), marker - kType.size());
    const auto start = marker + kMarker.size();
    const std::string name = message.substr(start, message.find('"', start) - start);
    return "unknown field \"" + name + "\" in " + type;
  }

  std::string file_;
  std::vector<std::string> lines_;
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
                      google::protobuf::Message& message,
                      google::protobuf::TextFormat::ParseInfoTree* locations) {
  CollectingErrors collector(file, text);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  if (locations) parser.WriteLocationsTo(locations);
  if (!parser.ParseFromString(text, &message)) {
    if (collector.errors.empty()) collector.errors.push_back({file, 1, 1, "cannot be parsed"});
    throw TextProtoError(std::move(collector.errors));
  }
}

void parse_text_proto_file(const std::filesystem::path& path, google::protobuf::Message& message,
                           google::protobuf::TextFormat::ParseInfoTree* locations) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TextProtoError({{path.string(), 0, 0, "cannot open file"}});
  std::ostringstream content;
  content << in.rdbuf();
  parse_text_proto(content.str(), path.string(), message, locations);
}

}  // namespace hotline::common
