#pragma once
// Reading protobuf text format files with errors that point at the file, line and column.

#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace hotline::common {

// One problem in a text file, 1-based line and column as editors show them.
struct SourceError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  std::string to_string() const;  // "file:line:col: message"
};

class TextProtoError : public std::runtime_error {
 public:
  explicit TextProtoError(std::vector<SourceError> errors);
  const std::vector<SourceError>& errors() const { return errors_; }

 private:
  std::vector<SourceError> errors_;
};

// Parses `text` (named `file` in errors) into `message`. Throws TextProtoError listing every
// problem the parser found. With `locations`, records where each field was written, so that
// checks beyond the schema can point at the line and column too.
void parse_text_proto(const std::string& text, const std::string& file,
                      google::protobuf::Message& message,
                      google::protobuf::TextFormat::ParseInfoTree* locations = nullptr);
void parse_text_proto_file(const std::filesystem::path& path, google::protobuf::Message& message,
                           google::protobuf::TextFormat::ParseInfoTree* locations = nullptr);

}  // namespace hotline::common
