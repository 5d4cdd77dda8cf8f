#include "ivr/dataset.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "ivr/utf8.h"

namespace outpost::ivr {

bool isIntentCode(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

Result<std::vector<Example>> parseExamples(std::string_view tsv, const std::string& source) {
  std::vector<Example> out;
  int line_no = 0;
  size_t pos = 0;
  while (pos < tsv.size()) {
    size_t end = tsv.find('\n', pos);
    if (end == std::string_view::npos) end = tsv.size();
    std::string_view line = tsv.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const std::string where = source + ":" + std::to_string(line_no);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // BOM
    if (line.empty() || line.front() == '#') continue;
    size_t bad = 0;
    std::vector<char32_t> cps;
    if (!decodeUtf8(line, cps, &bad)) {
      return Status::invalidArgument("invalid UTF-8 at byte " + std::to_string(bad + 1) + " of the line", where);
    }
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      return Status::invalidArgument("expected intent<TAB>utterance, found no TAB", where);
    }
    std::string_view intent = line.substr(0, tab);
    std::string_view text = line.substr(tab + 1);
    if (!isIntentCode(intent)) {
      return Status::invalidArgument("intent \"" + std::string(intent) + "\" must be 1..64 of [a-z0-9_]", where);
    }
    if (text.find('\t') != std::string_view::npos) {
      return Status::invalidArgument("more than one TAB; the utterance must not contain TAB", where);
    }
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (text.empty()) return Status::invalidArgument("empty utterance", where);
    if (text.size() > kMaxUtteranceBytes) {
      return Status::invalidArgument("utterance longer than " + std::to_string(kMaxUtteranceBytes) + " bytes", where);
    }
    out.push_back(Example{std::string(intent), std::string(text), line_no});
  }
  if (out.empty()) return Status::invalidArgument("no examples", source);
  return out;
}

Result<std::string> readFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::notFound("cannot open file", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::unavailable("cannot read " + path);
  std::string data = std::move(ss).str();
  if (data.size() > max_bytes) {
    return Status::resourceExhausted("file larger than " + std::to_string(max_bytes) + " bytes", path);
  }
  return data;
}

Result<std::vector<Example>> loadExamples(const std::string& path) {
  auto data = readFile(path, size_t{64} << 20);
  if (!data) return data.status();
  return parseExamples(*data, path);
}

std::vector<std::string> intentsOf(const std::vector<Example>& examples) {
  std::set<std::string> s;
  for (const auto& e : examples) s.insert(e.intent);
  return {s.begin(), s.end()};
}

}  // namespace outpost::ivr
