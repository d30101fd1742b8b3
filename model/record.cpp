#include "model/record.h"

namespace hotline::model {

const FieldValue* Record::find(const std::string& key) const {
  for (const auto& [name, value] : fields) {
    if (name == key) return &value;
  }
  return nullptr;
}

}  // namespace hotline::model
