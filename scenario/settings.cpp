#include "scenario/settings.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace hotline::scenario {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto at = text.find(separator, start);
    parts.emplace_back(
        text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

bool parse_bool(const std::string& value, const std::string& key) {
  if (value == "on" || value == "true" || value == "yes" || value == "1") return true;
  if (value == "off" || value == "false" || value == "no" || value == "0") return false;
  throw std::invalid_argument("setting " + key + ": expected on/off or true/false, got \"" + value +
                              "\"");
}

double parse_number(const std::string& value, const std::string& key) {
  char* end = nullptr;
  const double number = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0') {
    throw std::invalid_argument("setting " + key + ": expected a number, got \"" + value + "\"");
  }
  return number;
}

// The element of a repeated message field whose `name`, `id` or `party` is `selector` (a
// circuit, an event, a party's stance toward another), or at that index.
Message* select_element(Message& message, const FieldDescriptor* field, const std::string& selector,
                        const std::string& key) {
  const auto* reflection = message.GetReflection();
  const int size = reflection->FieldSize(message, field);
  for (int i = 0; i < size; ++i) {
    Message* element = reflection->MutableRepeatedMessage(&message, field, i);
    for (const char* label : {"name", "id", "party"}) {
      const FieldDescriptor* name = element->GetDescriptor()->FindFieldByName(label);
      if (name && name->type() == FieldDescriptor::TYPE_STRING && !name->is_repeated() &&
          element->GetReflection()->GetString(*element, name) == selector) {
        return element;
      }
    }
  }
  if (!selector.empty() && selector.find_first_not_of("0123456789") == std::string::npos) {
    const int index = std::atoi(selector.c_str());
    if (index < size) return reflection->MutableRepeatedMessage(&message, field, index);
  }
  // A party's stance toward another that the file leaves to the defaults is set all the same
  // ("party.moscow.toward.oslo.trust=0.8"); the compiler checks that the party exists.
  if (field->name() == "toward" && !selector.empty()) {
    Message* toward = reflection->AddMessage(&message, field);
    toward->GetReflection()->SetString(toward, toward->GetDescriptor()->FindFieldByName("party"),
                                       selector);
    return toward;
  }
  throw std::invalid_argument("setting " + key + ": no " + field->name() + " named \"" + selector +
                              "\"");
}

void set_scalar(Message& message, const FieldDescriptor* field, const std::string& value,
                const std::string& key) {
  const auto* reflection = message.GetReflection();
  if (field->is_repeated()) {
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
      reflection->ClearField(&message, field);
      for (const auto& part : split(value, ','))
        reflection->AddDouble(&message, field, parse_number(part, key));
      return;
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      reflection->AddString(&message, field, value);
      return;
    }
    throw std::invalid_argument("setting " + key + ": cannot set this list from the command line");
  }
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      reflection->SetBool(&message, field, parse_bool(value, key));
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      reflection->SetDouble(&message, field, parse_number(value, key));
      return;
    case FieldDescriptor::CPPTYPE_FLOAT:
      reflection->SetFloat(&message, field, static_cast<float>(parse_number(value, key)));
      return;
    case FieldDescriptor::CPPTYPE_INT32:
      reflection->SetInt32(&message, field, static_cast<int>(parse_number(value, key)));
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      reflection->SetUInt32(&message, field, static_cast<unsigned>(parse_number(value, key)));
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      reflection->SetInt64(&message, field, static_cast<long long>(parse_number(value, key)));
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      reflection->SetUInt64(&message, field,
                            static_cast<unsigned long long>(parse_number(value, key)));
      return;
    case FieldDescriptor::CPPTYPE_STRING:
      reflection->SetString(&message, field, value);
      return;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* enum_value = field->enum_type()->FindValueByName(value);
      if (!enum_value) {
        std::string names;
        for (int i = 0; i < field->enum_type()->value_count(); ++i) {
          if (!names.empty()) names += ", ";
          names += field->enum_type()->value(i)->name();
        }
        throw std::invalid_argument("setting " + key + ": expected one of " + names + ", got \"" +
                                    value + "\"");
      }
      reflection->SetEnum(&message, field, enum_value);
      return;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  throw std::invalid_argument("setting " + key + ": not a value");
}

// Whether `part` picks one element of `field` (by name, id or index) rather than naming a field
// of every element.
bool selects_element(const FieldDescriptor* field, const std::string& part) {
  const bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
  return index || field->message_type()->FindFieldByName(part) == nullptr;
}

// A part stands for its first field: "hotline=off" is hotline.enabled, "loss=0.2" is loss.p
// (Bernoulli loss).
void set_first_field(Message& message, const Setting& setting) {
  const FieldDescriptor* first = message.GetDescriptor()->field(0);
  if (first->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE || first->is_repeated()) {
    throw std::invalid_argument("setting " + setting.key + ": say which field");
  }
  set_scalar(message, first, setting.value, setting.key);
}

void apply_path(Message& root, const std::vector<std::string>& path, std::size_t from,
                const Setting& setting) {
  Message* message = &root;
  for (std::size_t i = from; i < path.size(); ++i) {
    const FieldDescriptor* field = message->GetDescriptor()->FindFieldByName(path[i]);
    if (!field) {
      throw std::invalid_argument("setting " + setting.key + ": " +
                                  message->GetDescriptor()->name() + " has no field \"" + path[i] +
                                  "\"");
    }
    const bool last = i + 1 == path.size();
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!last)
        throw std::invalid_argument("setting " + setting.key + ": " + path[i] + " has no fields");
      set_scalar(*message, field, setting.value, setting.key);
      return;
    }
    if (field->is_repeated()) {
      const auto* reflection = message->GetReflection();
      // "hotline=off", "hotline.link_test_every=1h": every line that has what is set. (Only
      // the hotlines: a setting on every event or every party is a mistake, refused below.)
      if (field->name() == "hotline" && (last || !selects_element(field, path[i + 1]))) {
        // A bilateral case without a hotline block has its line all the same ("hotline=on").
        if (reflection->FieldSize(*message, field) == 0) reflection->AddMessage(message, field);
        const int size = reflection->FieldSize(*message, field);
        std::string first_error;
        int applied = 0;
        for (int index = 0; index < size; ++index) {
          Message* element = reflection->MutableRepeatedMessage(message, field, index);
          try {
            if (last) {
              set_first_field(*element, setting);
            } else {
              apply_path(*element, path, i + 1, setting);
            }
            ++applied;
          } catch (const std::invalid_argument& error) {
            if (first_error.empty()) first_error = error.what();
          }
        }
        if (applied == 0) throw std::invalid_argument(first_error);
        return;
      }
      if (last) throw std::invalid_argument("setting " + setting.key + ": say which " + path[i]);
      message = select_element(*message, field, path[++i], setting.key);
      if (i + 1 == path.size())
        throw std::invalid_argument("setting " + setting.key + ": say which field");
      continue;
    }
    message = message->GetReflection()->MutableMessage(message, field);
    if (last) {
      set_first_field(*message, setting);
      return;
    }
  }
}

}  // namespace

Setting parse_setting(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    throw std::invalid_argument("expected key=value, got \"" + std::string(text) + "\"");
  }
  return {std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

std::vector<Setting> parse_variation(std::string_view text) {
  const Setting all = parse_setting(text);
  std::vector<Setting> settings;
  for (const auto& value : split(all.value, ',')) settings.push_back({all.key, value});
  return settings;
}

std::string setting_value(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

void apply_setting(spec::Scenario& scenario, const Setting& setting) {
  std::vector<std::string> path = split(setting.key, '.');
  // "channel.primary..." is short for "hotline.circuit.primary...".
  if (path.front() == "channel") {
    path.front() = "circuit";
    path.insert(path.begin(), "hotline");
  }
  apply_path(scenario, path, 0, setting);
}

void apply_settings(spec::Scenario& scenario, const std::vector<Setting>& settings) {
  for (const auto& setting : settings) apply_setting(scenario, setting);
}

}  // namespace hotline::scenario
