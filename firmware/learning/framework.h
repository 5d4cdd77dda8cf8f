#pragma once

// Competency frameworks: dimensions, the items they group, and the questions that
// assess each item on a 1–5 scale (seed 001: 3 dimensions, 11 items, 33 questions).
// A framework is data; defaultFramework() is the seed-001 model in zh-CN and English.
//
// Thread-safety: values; a Framework is immutable once validated and shared freely.

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace outpost::learning {

// A text in the two languages the appliance speaks.
struct Text {
  std::string zh;  // zh-CN
  std::string en;
  // "zh-CN" (or anything starting with "zh") → zh, else en; falls back to the other if empty.
  const std::string& in(std::string_view lang) const;
};

struct Dimension {
  std::string code;
  Text name;
};

struct Item {
  std::string code;
  std::string dimension;  // Dimension::code
  Text name;
};

struct Question {
  std::string id;
  std::string item;  // Item::code
  Text text;
};

struct Framework {
  std::string id;
  int version = 1;
  Text name;
  int min_score = 1;
  int max_score = 5;
  std::vector<Dimension> dimensions;
  std::vector<Item> items;
  std::vector<Question> questions;

  const Item* item(std::string_view code) const;
  const Question* question(std::string_view id) const;
  std::vector<const Question*> questionsOf(std::string_view item_code) const;
  std::vector<const Item*> itemsOf(std::string_view dimension_code) const;
  // Codes unique and well-formed, every item in a known dimension, every question on a
  // known item, every item with at least one question, texts in both languages.
  Status validate() const;
};

// Codes and ids: 1–64 of [a-z0-9._-].
bool isValidCode(std::string_view code);

// The seed-001 model: work ability, professional knowledge, professional quality;
// 11 items, 3 questions each.
const Framework& defaultFramework();

}  // namespace outpost::learning
