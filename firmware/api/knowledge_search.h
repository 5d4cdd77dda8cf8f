#pragma once

// Knowledge search for the agent desktop over the site's local knowledge base (the
// IVR flow's articles). Bilingual without a segmenter: Chinese text is matched on
// character bigrams (a lone CJK character counts as itself), other text on lowercased
// ASCII words. An article's score is the share of the query's terms it contains,
// title hits counting twice as much as body hits, scaled to 0..1.
//
// Thread-safety: pure functions.

#include <string>
#include <vector>

#include "core/status.h"
#include "ivr/flow.h"

namespace outpost::api {

struct KnowledgeHit {
  std::string id;
  std::string title;    // in the requested language (the other one if empty)
  std::string snippet;  // the body's start, at most kKnowledgeSnippetChars code points
  std::string body;
  double score = 0;     // 0 < score <= 1
};

constexpr size_t kKnowledgeQueryMaxBytes = 200;
constexpr size_t kKnowledgeSnippetChars = 80;
constexpr size_t kKnowledgeMaxHits = 10;

// The query's terms: CJK bigrams and lowercased words, deduplicated, in order.
std::vector<std::string> knowledgeTerms(const std::string& text);

// Searches `articles` in both languages; returns up to kKnowledgeMaxHits hits with a
// score above 0, best first (ties by id). `language` is "zh-CN" or "en".
// invalid_argument (where "?q") for an empty, too long or non-UTF-8 query or one
// without any searchable term.
Result<std::vector<KnowledgeHit>> searchKnowledge(const std::vector<ivr::Article>& articles,
                                                  const std::string& query, const std::string& language);

}  // namespace outpost::api
