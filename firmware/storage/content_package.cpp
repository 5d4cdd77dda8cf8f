#include "storage/content_package.h"

#include <algorithm>
#include <cctype>

#include <set>

#include "codec/json.h"

namespace outpost::storage {
namespace {

using codec::JsonReader;

constexpr size_t kMaxLessons = 200;
constexpr size_t kMaxQuestions = 200;

void text(JsonReader& r, const std::string& key, learning::Text& out, bool required) {
  r.object(key, required, [&](JsonReader& t) { t.string("zh-CN", out.zh, true).string("en", out.en, true); });
}

struct Ctx {
  const learning::Framework& framework;
  std::set<std::string> files;  // paths of the package
};

void items(JsonReader& r, const Ctx& ctx, const std::string& at, std::vector<std::string>& out, bool required) {
  r.stringArray("items", out, required, 32);
  for (size_t i = 0; i < out.size() && r.ok(); ++i) {
    if (ctx.framework.item(out[i]) == nullptr) {
      r.fail(Status::invalidArgument("unknown competency item \"" + out[i] + "\" (framework " +
                                         ctx.framework.id + ")",
                                     at + "/items/" + std::to_string(i)));
    }
  }
}

void fileRef(JsonReader& r, const Ctx& ctx, const std::string& key, const std::string& at, std::string& out) {
  r.string(key, out, true);
  if (r.ok() && !ctx.files.contains(out)) {
    r.fail(Status::invalidArgument("\"" + out + "\" is not a file of the package", at + "/" + key));
  }
}

void id(JsonReader& r, const std::string& at, std::string& out, std::set<std::string>& seen) {
  r.string("id", out, true);
  if (!r.ok()) return;
  if (!learning::isValidCode(out)) {
    r.fail(Status::invalidArgument("must be 1–64 of a–z 0–9 . _ -", at + "/id"));
  } else if (!seen.insert(out).second) {
    r.fail(Status::invalidArgument("\"" + out + "\" is used twice", at + "/id"));
  }
}

}  // namespace

Result<learning::Course> readContentManifest(const signing::VerifiedManifest& m,
                                             const learning::Framework& framework) {
  if (m.kind != "content") {
    return Status::invalidArgument("a content package must have kind \"content\", not \"" + m.kind + "\"", "/kind");
  }
  Ctx ctx{framework, {}};
  for (const auto& f : m.files) ctx.files.insert(f.path);
  learning::Course c;
  signing::VerifiedManifest common;
  JsonReader r(m.json);
  signing::readCommonFields(r, common);
  c.id = common.id;
  c.version = common.version;
  std::set<std::string> ids;  // lessons, quizzes and drills share one id space (plan step keys)
  text(r, "title", c.title, true);
  text(r, "summary", c.summary, false);
  items(r, ctx, "", c.items, true);
  if (r.ok() && c.items.empty()) r.fail(Status::invalidArgument("a course trains at least one item", "/items"));
  r.stringArray("skills", c.skills, false, 16);
  for (size_t i = 0; r.ok() && i < c.skills.size(); ++i) {
    const std::string& k = c.skills[i];
    const bool ok = !k.empty() && k.size() <= 64 && std::all_of(k.begin(), k.end(), [](unsigned char ch) {
      return std::islower(ch) || std::isdigit(ch) || ch == '-' || ch == '_';
    });
    if (!ok) r.fail(Status::invalidArgument("a skill code is 1-64 of a-z 0-9 - _", "/skills/" + std::to_string(i)));
  }
  r.integer("minutes", c.minutes, true, 1, 24 * 60);
  r.objectArray("lessons", true, kMaxLessons, [&](JsonReader& l, size_t i) {
    const std::string at = "/lessons/" + std::to_string(i);
    learning::Lesson lesson;
    id(l, at, lesson.id, ids);
    text(l, "title", lesson.title, true);
    l.string("format", lesson.format, true);
    if (l.ok() && lesson.format != "markdown" && lesson.format != "html") {
      l.fail(Status::invalidArgument("must be \"markdown\" or \"html\"", at + "/format"));
    }
    l.integer("minutes", lesson.minutes, false, 0, 24 * 60);
    l.object("files", true, [&](JsonReader& f) {
      fileRef(f, ctx, "zh-CN", at + "/files", lesson.path_zh);
      fileRef(f, ctx, "en", at + "/files", lesson.path_en);
    });
    l.objectArray("media", false, 64, [&](JsonReader& md, size_t j) {
      const std::string mat = at + "/media/" + std::to_string(j);
      learning::Media media;
      fileRef(md, ctx, "path", mat, media.path);
      md.string("type", media.type, true);
      if (md.ok() && (media.type.find('/') == std::string::npos || media.type.size() > 100)) {
        md.fail(Status::invalidArgument("must be a MIME type such as video/mp4", mat + "/type"));
      }
      lesson.media.push_back(std::move(media));
    });
    c.lessons.push_back(std::move(lesson));
  });
  r.objectArray("quizzes", false, 50, [&](JsonReader& q, size_t i) {
    const std::string at = "/quizzes/" + std::to_string(i);
    learning::Quiz quiz;
    id(q, at, quiz.id, ids);
    text(q, "title", quiz.title, true);
    q.number("pass_mark", quiz.pass_mark, false, 0.01, 1.0);
    items(q, ctx, at, quiz.items, false);
    if (q.ok() && quiz.items.empty()) quiz.items = c.items;
    std::set<std::string> qids;
    q.objectArray("questions", true, kMaxQuestions, [&](JsonReader& qq, size_t j) {
      const std::string qat = at + "/questions/" + std::to_string(j);
      learning::QuizQuestion question;
      id(qq, qat, question.id, qids);
      text(qq, "prompt", question.prompt, true);
      text(qq, "explanation", question.explanation, false);
      qq.integer("points", question.points, false, 1, 100);
      qq.objectArray("options", true, 10, [&](JsonReader& o, size_t k) {
        learning::Text t;
        bool correct = false;
        o.string("zh-CN", t.zh, true).string("en", t.en, true).boolean("correct", correct, false);
        if (correct) question.correct.push_back(static_cast<int>(k));
        question.options.push_back(std::move(t));
      });
      quiz.questions.push_back(std::move(question));
    });
    if (q.ok()) {
      Status s = quiz.validate();
      if (!s.isOk()) q.fail(s.under(at));
    }
    c.quizzes.push_back(std::move(quiz));
  });
  r.objectArray("drills", false, 50, [&](JsonReader& d, size_t i) {
    const std::string at = "/drills/" + std::to_string(i);
    learning::Drill drill;
    id(d, at, drill.id, ids);
    text(d, "title", drill.title, true);
    fileRef(d, ctx, "file", at, drill.path);
    items(d, ctx, at, drill.items, false);
    if (d.ok() && drill.items.empty()) drill.items = c.items;
    c.drills.push_back(std::move(drill));
  });
  if (r.ok() && c.lessons.empty()) r.fail(Status::invalidArgument("a course has at least one lesson", "/lessons"));
  Status s = r.finish();
  if (!s.isOk()) return Status(s.code(), s.message(), "manifest.json " + s.where());
  return c;
}

Result<learning::DrillScript> readDrillScript(std::string_view json) {
  auto object = JsonReader::parseObject(json);
  if (!object.isOk()) return object.status();
  learning::DrillScript d;
  JsonReader r(*object);
  r.objectArray("customer_turns", true, 50, [&](JsonReader& t, size_t) {
    learning::Text turn;
    t.string("zh-CN", turn.zh, true).string("en", turn.en, true);
    d.customer_turns.push_back(std::move(turn));
  });
  r.object("rubric", true, [&](JsonReader& rb) {
    rb.objectArray("key_points", true, 50, [&](JsonReader& k, size_t i) {
      learning::KeyPoint kp;
      k.string("zh-CN", kp.text.zh, true).string("en", kp.text.en, true).stringArray("keywords", kp.keywords, true, 50);
      if (k.ok() && kp.keywords.empty()) {
        k.fail(Status::invalidArgument("needs at least one keyword", "/rubric/key_points/" + std::to_string(i) +
                                                                          "/keywords"));
      }
      d.key_points.push_back(std::move(kp));
    });
    rb.objectArray("avoid", false, 50, [&](JsonReader& a, size_t) {
      learning::AvoidPhrase ap;
      a.string("zh-CN", ap.text.zh, true).string("en", ap.text.en, true).stringArray("phrases", ap.phrases, true, 50);
      d.avoid.push_back(std::move(ap));
    });
    rb.integer("time_limit_seconds", d.time_limit_seconds, false, 0, 3600);
  });
  OUTPOST_RETURN_IF_ERROR(r.finish());
  return d;
}

Result<ContentPackage> verifyContentDir(const std::string& dir, const signing::TrustStore& trust,
                                        const learning::Framework& framework, const signing::PackageLimits& limits) {
  auto raw = signing::readSmallFile(dir + "/manifest.json", limits.max_manifest_bytes);
  if (!raw.isOk()) return raw.status();
  auto sig = signing::readSmallFile(dir + "/manifest.sig", 4096);
  if (!sig.isOk()) return sig.status();
  auto m = signing::verifyManifest(*raw, *sig, trust, limits);
  if (!m.isOk()) return m.status();
  auto course = readContentManifest(*m, framework);
  if (!course.isOk()) return course.status();
  OUTPOST_RETURN_IF_ERROR(signing::verifyPackageFiles(dir, *m));
  return ContentPackage{std::move(*m), std::move(*course)};
}

}  // namespace outpost::storage
