#pragma once

// The content model: a course is one content package (kind "content", see
// docs/learning.md) — titles, the competency items it trains, estimated minutes, its
// lessons (Markdown or HTML with media), quizzes and drills. The package reader lives
// in storage (storage/content_manifest.h); this is what the domain sees.
//
// Thread-safety: values.

#include <cstdint>
#include <string>
#include <vector>

#include "learning/framework.h"
#include "learning/quiz.h"

namespace outpost::learning {

struct Media {
  std::string path;  // a file of the package
  std::string type;  // MIME type, e.g. "video/mp4"
};

struct Lesson {
  std::string id;
  Text title;
  std::string format;  // "markdown" or "html"
  std::string path_zh;  // the lesson's file in each language
  std::string path_en;
  std::vector<Media> media;
  int minutes = 0;
};

struct Drill {
  std::string id;
  Text title;
  std::string path;  // the scenario script (a file of the package)
  std::vector<std::string> items;
};

struct Course {
  std::string id;
  int64_t version = 0;
  Text title;
  Text summary;
  std::vector<std::string> items;  // competency items it trains
  std::vector<std::string> skills;  // routing skills (site directory codes) it trains, may be empty
  int minutes = 0;                 // estimated
  std::vector<Lesson> lessons;
  std::vector<Quiz> quizzes;
  std::vector<Drill> drills;

  const Quiz* quiz(const std::string& quiz_id) const {
    for (const Quiz& q : quizzes) {
      if (q.id == quiz_id) return &q;
    }
    return nullptr;
  }
};

}  // namespace outpost::learning
