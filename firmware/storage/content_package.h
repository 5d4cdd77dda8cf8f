#pragma once

// Content packages (kind "content", docs/learning.md): the manifest's own fields read
// into a learning::Course, on top of the signed-package mechanism (signing/package.h).
//
//   {"kind": "content", "id": "calm-angry-customer", "version": 2,
//    "title": {"zh-CN": "…", "en": "…"}, "summary": {"zh-CN": "…", "en": "…"},
//    "items": ["soothing", "affinity"], "minutes": 15,
//    "lessons": [{"id": "l1", "title": {…}, "format": "markdown", "minutes": 5,
//                 "files": {"zh-CN": "lessons/l1.zh.md", "en": "lessons/l1.en.md"},
//                 "media": [{"path": "media/intro.mp4", "type": "video/mp4"}]}],
//    "quizzes": [{"id": "q", "title": {…}, "pass_mark": 0.7, "items": ["soothing"],
//                 "questions": [{"id": "q1", "prompt": {…}, "points": 1, "explanation": {…},
//                                "options": [{"zh-CN": "…", "en": "…", "correct": true}, …]}]}],
//    "drills": [{"id": "d1", "title": {…}, "file": "drills/d1.json", "items": ["soothing"]}],
//    "files": [… sealed by outpostctl package seal …]}
//
// Every file a lesson, medium or drill names must be one of the package's files;
// competency items must exist in the framework. Errors name the field.
//
// Thread-safety: stateless functions.

#include <string>
#include <string_view>

#include "core/status.h"
#include "learning/content.h"
#include "learning/drill.h"
#include "learning/framework.h"
#include "signing/package.h"

namespace outpost::storage {

// Reads the content fields of a verified manifest (its kind must be "content").
Result<learning::Course> readContentManifest(const signing::VerifiedManifest& m, const learning::Framework& framework);

// Verifies a package directory (signature, common fields, content fields, every
// file) and returns its manifest and course; the files stay on disk.
struct ContentPackage {
  signing::VerifiedManifest manifest;
  learning::Course course;
};
Result<ContentPackage> verifyContentDir(const std::string& dir, const signing::TrustStore& trust,
                                        const learning::Framework& framework,
                                        const signing::PackageLimits& limits = {});

// A drill's scenario script (a JSON file of the package):
//   {"customer_turns": [{"zh-CN": "…", "en": "…"}, …],
//    "rubric": {"key_points": [{"zh-CN": "…", "en": "…", "keywords": ["理解", "understand"]}],
//               "avoid": [{"zh-CN": "…", "en": "…", "phrases": ["not our problem"]}],
//               "time_limit_seconds": 180}}
Result<learning::DrillScript> readDrillScript(std::string_view json);

}  // namespace outpost::storage
