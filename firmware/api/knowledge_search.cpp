#include "api/knowledge_search.h"

#include <algorithm>
#include <set>

#include "ivr/utf8.h"

namespace outpost::api {
namespace {

bool isCjk(char32_t c) {
  return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}
bool isWordChar(char32_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string encode(const std::vector<char32_t>& cps, size_t from, size_t count) {
  std::string out;
  for (size_t i = from; i < from + count && i < cps.size(); ++i) ivr::appendUtf8(out, cps[i]);
  return out;
}

std::set<std::string> termSet(const std::string& text) {
  auto terms = knowledgeTerms(text);
  return {terms.begin(), terms.end()};
}

}  // namespace

std::vector<std::string> knowledgeTerms(const std::string& text) {
  std::vector<char32_t> cps;
  if (!ivr::decodeUtf8(text, cps)) return {};
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](std::string term) {
    if (!term.empty() && seen.insert(term).second) out.push_back(std::move(term));
  };
  size_t i = 0;
  while (i < cps.size()) {
    if (isCjk(cps[i])) {
      size_t j = i;
      while (j < cps.size() && isCjk(cps[j])) ++j;
      if (j - i == 1) add(encode(cps, i, 1));
      for (size_t k = i; k + 1 < j; ++k) add(encode(cps, k, 2));
      i = j;
    } else if (isWordChar(cps[i])) {
      std::string word;
      while (i < cps.size() && isWordChar(cps[i])) {
        word.push_back(static_cast<char>(cps[i] >= 'A' && cps[i] <= 'Z' ? cps[i] + 32 : cps[i]));
        ++i;
      }
      add(std::move(word));
    } else {
      ++i;
    }
  }
  return out;
}

Result<std::vector<KnowledgeHit>> searchKnowledge(const std::vector<ivr::Article>& articles,
                                                  const std::string& query, const std::string& language) {
  if (query.empty()) return Status::invalidArgument("must not be empty", "?q");
  if (query.size() > kKnowledgeQueryMaxBytes) {
    return Status::invalidArgument("must be at most " + std::to_string(kKnowledgeQueryMaxBytes) + " bytes, got " +
                                       std::to_string(query.size()),
                                   "?q");
  }
  size_t bad = 0;
  std::vector<char32_t> ignored;
  if (!ivr::decodeUtf8(query, ignored, &bad)) {
    return Status::invalidArgument("is not valid UTF-8 at byte " + std::to_string(bad), "?q");
  }
  const auto terms = knowledgeTerms(query);
  if (terms.empty()) return Status::invalidArgument("has no letters, digits or Chinese characters", "?q");

  std::vector<KnowledgeHit> hits;
  for (const auto& a : articles) {
    const auto title = termSet(a.title.zh + " " + a.title.en);
    const auto body = termSet(a.body.zh + " " + a.body.en);
    double points = 0;
    for (const auto& t : terms) points += title.count(t) ? 2.0 : body.count(t) ? 1.0 : 0.0;
    if (points <= 0) continue;
    KnowledgeHit h;
    h.id = a.id;
    const std::string& other = language == "en" ? "zh-CN" : "en";
    h.title = a.title.in(language).empty() ? a.title.in(other) : a.title.in(language);
    h.body = a.body.in(language).empty() ? a.body.in(other) : a.body.in(language);
    std::vector<char32_t> cps;
    ivr::decodeUtf8(h.body, cps);
    h.snippet = encode(cps, 0, kKnowledgeSnippetChars);
    if (cps.size() > kKnowledgeSnippetChars) h.snippet += "…";
    h.score = points / (2.0 * static_cast<double>(terms.size()));
    hits.push_back(std::move(h));
  }
  std::sort(hits.begin(), hits.end(), [](const KnowledgeHit& x, const KnowledgeHit& y) {
    return x.score != y.score ? x.score > y.score : x.id < y.id;
  });
  if (hits.size() > kKnowledgeMaxHits) hits.resize(kKnowledgeMaxHits);
  return hits;
}

}  // namespace outpost::api
