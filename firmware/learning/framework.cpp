#include "learning/framework.h"

#include <set>

namespace outpost::learning {

const std::string& Text::in(std::string_view lang) const {
  const bool zh_wanted = lang.substr(0, 2) == "zh";
  const std::string& first = zh_wanted ? zh : en;
  const std::string& other = zh_wanted ? en : zh;
  return first.empty() ? other : first;
}

bool isValidCode(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const Item* Framework::item(std::string_view code) const {
  for (const Item& i : items) {
    if (i.code == code) return &i;
  }
  return nullptr;
}

const Question* Framework::question(std::string_view qid) const {
  for (const Question& q : questions) {
    if (q.id == qid) return &q;
  }
  return nullptr;
}

std::vector<const Question*> Framework::questionsOf(std::string_view item_code) const {
  std::vector<const Question*> out;
  for (const Question& q : questions) {
    if (q.item == item_code) out.push_back(&q);
  }
  return out;
}

std::vector<const Item*> Framework::itemsOf(std::string_view dimension_code) const {
  std::vector<const Item*> out;
  for (const Item& i : items) {
    if (i.dimension == dimension_code) out.push_back(&i);
  }
  return out;
}

namespace {
Status checkText(const Text& t, const std::string& where) {
  if (t.zh.empty()) return Status::invalidArgument("the zh-CN text is empty", where + "/zh-CN");
  if (t.en.empty()) return Status::invalidArgument("the English text is empty", where + "/en");
  return Status::ok();
}
}  // namespace

Status Framework::validate() const {
  if (!isValidCode(id)) return Status::invalidArgument("not a valid framework id", "/id");
  if (version < 1) return Status::invalidArgument("must be at least 1", "/version");
  if (min_score < 0 || max_score <= min_score) {
    return Status::invalidArgument("the score range must have min < max", "/max_score");
  }
  OUTPOST_RETURN_IF_ERROR(checkText(name, "/name"));
  std::set<std::string, std::less<>> dims;
  for (size_t i = 0; i < dimensions.size(); ++i) {
    const std::string at = "/dimensions/" + std::to_string(i);
    if (!isValidCode(dimensions[i].code)) return Status::invalidArgument("not a valid code", at + "/code");
    if (!dims.insert(dimensions[i].code).second) {
      return Status::invalidArgument("duplicate dimension \"" + dimensions[i].code + "\"", at + "/code");
    }
    OUTPOST_RETURN_IF_ERROR(checkText(dimensions[i].name, at + "/name"));
  }
  std::set<std::string, std::less<>> codes;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string at = "/items/" + std::to_string(i);
    if (!isValidCode(items[i].code)) return Status::invalidArgument("not a valid code", at + "/code");
    if (!codes.insert(items[i].code).second) {
      return Status::invalidArgument("duplicate item \"" + items[i].code + "\"", at + "/code");
    }
    if (!dims.contains(items[i].dimension)) {
      return Status::invalidArgument("unknown dimension \"" + items[i].dimension + "\"", at + "/dimension");
    }
    OUTPOST_RETURN_IF_ERROR(checkText(items[i].name, at + "/name"));
  }
  std::set<std::string, std::less<>> qids;
  std::set<std::string, std::less<>> asked;
  for (size_t i = 0; i < questions.size(); ++i) {
    const std::string at = "/questions/" + std::to_string(i);
    if (!isValidCode(questions[i].id)) return Status::invalidArgument("not a valid id", at + "/id");
    if (!qids.insert(questions[i].id).second) {
      return Status::invalidArgument("duplicate question \"" + questions[i].id + "\"", at + "/id");
    }
    if (!codes.contains(questions[i].item)) {
      return Status::invalidArgument("unknown item \"" + questions[i].item + "\"", at + "/item");
    }
    asked.insert(questions[i].item);
    OUTPOST_RETURN_IF_ERROR(checkText(questions[i].text, at + "/text"));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (!asked.contains(items[i].code)) {
      return Status::invalidArgument("item \"" + items[i].code + "\" has no question", "/items/" + std::to_string(i));
    }
  }
  return Status::ok();
}

}  // namespace outpost::learning
