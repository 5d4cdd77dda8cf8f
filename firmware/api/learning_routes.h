#pragma once

// The learning API (docs/learning.md): courses, lessons and media (with HTTP range
// requests), quiz attempts, self and supervisor assessments, learning maps, team
// reports and xAPI-style learning records.

#include "api/context.h"
#include "learning/assessment.h"
#include "learning/framework.h"
#include "learning/gamification.h"
#include "learning/learning_map.h"
#include "storage/content_cache.h"
#include "storage/learning_store.h"

namespace outpost::api {

// What passing a course (all its lessons done and a quiz passed) does to the agent's
// routing skills for the course's `skills` (learning.on_pass): nothing, add the skills
// the agent lacks as practice skills, or raise the skill level to `on_pass_level`.
enum class OnPass { kOff, kPractice, kLevel };

struct LearningServices {
  storage::ContentCache& cache;
  const learning::Framework& framework;
  learning::CompetencyWeights weights;
  learning::MapOptions map_options;
  std::vector<storage::TierRequirement> tier_requirements = {};  // learning.tier_requirements
  OnPass on_pass = OnPass::kPractice;                            // learning.on_pass
  int on_pass_level = 2;                                         // learning.on_pass_level
  learning::PointRules point_rules = {};                         // learning.point_rules
};

void addLearningRoutes(Router& router, ApiContext& ctx, LearningServices& learning);
// The xAPI 1.0.3 Statements resource, /api/v1/learning/xapi/statements (api/xapi_routes.cpp).
void addXapiRoutes(Router& router, ApiContext& ctx);

// "bytes=a-b" / "bytes=a-" / "bytes=-n" against a resource of `size` bytes: the offset
// and length served. Several ranges are not supported (the whole resource is served);
// an unsatisfiable range is kFailedPrecondition (416).
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  bool partial = false;
};
Result<ByteRange> parseRange(const std::string& header, uint64_t size);

}  // namespace outpost::api
