#include "common/text_proto.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cctype>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

namespace hotline::common {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Every field of `root` and of the messages under it named `name` (each type visited once).
void find_fields(const Descriptor* root, const std::string& name,
                 std::vector<const FieldDescriptor*>& found, std::set<const Descriptor*>& seen) {
  if (!seen.insert(root).second) return;
  for (int i = 0; i < root->field_count(); ++i) {
    const FieldDescriptor* field = root->field(i);
    if (field->name() == name) found.push_back(field);
    if (field->message_type()) find_fields(field->message_type(), name, found, seen);
  }
}

std::vector<const FieldDescriptor*> fields_named(const Descriptor* root, const std::string& name) {
  std::vector<const FieldDescriptor*> found;
  std::set<const Descriptor*> seen;
  if (root) find_fields(root, name, found, seen);
  return found;
}

// The text between the first pair of double quotes after `marker` in `message`.
std::string quoted_after(const std::string& message, const std::string& marker) {
  const auto at = message.find(marker);
  if (at == std::string::npos) return "";
  const auto start = message.find('"', at + marker.size());
  if (start == std::string::npos) return "";
  const auto end = message.find('"', start + 1);
  return end == std::string::npos ? "" : message.substr(start + 1, end - start - 1);
}

class CollectingErrors : public google::protobuf::io::ErrorCollector {
 public:
  CollectingErrors(std::string file, const std::string& text, const Descriptor* root)
      : file_(std::move(file)), lines_(split_lines(text)), root_(root) {}
  // The parser reports 0-based lines and columns.
  void AddError(int line, int column, const std::string& message) override {
    errors.push_back({file_, line + 1, name_column(line, column, message) + 1,
                      explained(line, column, reworded(message))});
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

  // Adds what a new author needs: the allowed values of an enum, and that a block is not a
  // value (`doctrine: "measured"` for `doctrine_preset: "measured"`).
  std::string explained(int line, int column, const std::string& message) const {
    if (message.rfind("Unknown enumeration value", 0) == 0) {
      const std::string field = quoted_after(message, "for field");
      for (const FieldDescriptor* f : fields_named(root_, field)) {
        if (!f->enum_type()) continue;
        std::string values;
        for (int v = 0; v < f->enum_type()->value_count(); ++v) {
          if (f->enum_type()->value(v)->number() == 0) continue;  // the unset marker
          values += (values.empty() ? "" : ", ") + f->enum_type()->value(v)->name();
        }
        return message + " Expected one of " + values + ".";
      }
      return message;
    }
    if (message.rfind("Expected \"{\"", 0) == 0 && line >= 0 &&
        line < static_cast<int>(lines_.size())) {
      // The field before the value the parser stopped at.
      const std::string& text = lines_[line];
      std::size_t end = std::min<std::size_t>(static_cast<std::size_t>(column), text.size());
      while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == ':')) --end;
      std::size_t start = end;
      while (start > 0 &&
             (std::isalnum(static_cast<unsigned char>(text[start - 1])) || text[start - 1] == '_'))
        --start;
      const std::string field = text.substr(start, end - start);
      if (field.empty()) return message;
      std::string hint = message + " " + field + " is a block of fields: " + field + " { ... }";
      if (!fields_named(root_, field + "_preset").empty())
        hint += "; a preset's name goes in " + field + "_preset: \"...\"";
      return hint;
    }
    return message;
  }

  std::string file_;
  std::vector<std::string> lines_;
  const Descriptor* root_;
};

// Whether `line` opens as many blocks as it closes: blanking it cannot unbalance the file.
bool balanced(const std::string& line) {
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && quoted) {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == '{' || c == '<')) {
      ++depth;
    } else if (!quoted && (c == '}' || c == '>')) {
      --depth;
    } else if (!quoted && c == '#') {
      break;
    }
  }
  return depth == 0;
}

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
  CollectingErrors collector(file, text, message.GetDescriptor());
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  if (locations) parser.WriteLocationsTo(locations);
  if (parser.ParseFromString(text, &message)) return;
  if (collector.errors.empty()) collector.errors.push_back({file, 1, 1, "cannot be parsed"});
  // The parser stops at the first error. To report the others too, blank the line it stopped
  // at (when that cannot unbalance the blocks) and read the rest again, a bounded number of
  // times; only errors on later lines are kept, so a blanked line never reports twice.
  constexpr int kMoreErrors = 20;
  std::vector<std::string> lines = split_lines(text);
  std::vector<SourceError> all = collector.errors;
  for (int round = 0; round < kMoreErrors; ++round) {
    const int line = all.back().line - 1;
    if (line < 0 || line >= static_cast<int>(lines.size()) || !balanced(lines[line])) break;
    lines[line] = std::string(lines[line].size(), ' ');
    std::string retry;
    for (const auto& l : lines) retry += l + "\n";
    CollectingErrors again(file, retry, message.GetDescriptor());
    google::protobuf::TextFormat::Parser reparser;
    reparser.RecordErrorsTo(&again);
    auto scratch = std::unique_ptr<google::protobuf::Message>(message.New());
    if (reparser.ParseFromString(retry, scratch.get()) || again.errors.empty()) break;
    if (again.errors.front().line <= all.back().line) break;
    all.push_back(again.errors.front());
  }
  throw TextProtoError(std::move(all));
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
