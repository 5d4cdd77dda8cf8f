// docs/configuration.md documents exactly the keys of outpostd's config schema.
//
// The doc has a table "All keys at a glance" (| `key` | type | `default` | allowed |) and
// a "### `key`" section per key. For every key of daemonConfigSchema() the table gives
// its type, default and limits as the schema has them, and no table row, section or
// inline `section.key` names a key the schema does not know. Every default passes
// Config::set, the ```ini examples load, and the error messages quoted in the doc are
// the ones outpostd prints.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/daemon.h"
#include "app/daemon_config.h"
#include "core/config.h"
#include "source_tree.h"

namespace outpost::app {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The `code` spans of a piece of Markdown text.
std::vector<std::string> codeSpans(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    const auto open = text.find('`', pos);
    if (open == std::string::npos) break;
    const auto close = text.find('`', open + 1);
    if (close == std::string::npos) break;
    out.push_back(text.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  return out;
}

struct FencedBlock {
  std::string language;
  std::string text;
  int line = 0;
};

struct ConfigDoc {
  std::map<std::string, std::vector<std::string>> rows;  // key → cells of its table row
  std::set<std::string> sections;                        // keys with a "### `key`" heading
  std::vector<std::string> prose;                        // lines outside fenced blocks
  std::vector<FencedBlock> blocks;
  std::vector<std::string> errors;
  std::string text;
};

const std::regex& keyPattern() {
  static const std::regex kKey("^[a-z]+\\.[a-z0-9_.]+$");  // auth.pbkdf2_iterations has a digit
  return kKey;
}

ConfigDoc readDoc(const std::string& text) {
  ConfigDoc doc;
  doc.text = text;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  FencedBlock* block = nullptr;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.rfind("```", 0) == 0) {
      if (block == nullptr) {
        doc.blocks.push_back(FencedBlock{trim(line.substr(3)), "", line_no});
        block = &doc.blocks.back();
      } else {
        block = nullptr;
      }
      continue;
    }
    if (block != nullptr) {
      block->text += line + "\n";
      continue;
    }
    doc.prose.push_back(line);
    if (line.rfind("### ", 0) == 0) {
      const auto spans = codeSpans(line);
      if (spans.size() == 1 && std::regex_match(spans[0], keyPattern())) doc.sections.insert(spans[0]);
      continue;
    }
    if (line.rfind("|", 0) != 0) continue;
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|') {
        cells.push_back(trim(cell));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    if (cells.empty()) continue;
    const std::string& first = cells[0];
    if (first.size() < 3 || first.front() != '`' || first.back() != '`') continue;
    const std::string key = first.substr(1, first.size() - 2);
    if (!std::regex_match(key, keyPattern())) continue;
    if (!doc.rows.emplace(key, cells).second) {
      doc.errors.push_back("line " + std::to_string(line_no) + ": `" + key + "` has a second table row");
    }
  }
  if (block != nullptr) doc.errors.push_back("a ``` block is not closed");
  return doc;
}

std::string docPath() {
  return outpost::source_tree::sourcePath("docs/configuration.md");
}

std::string typeWord(ConfigType type) {
  switch (type) {
    case ConfigType::kString:
      return "string";
    case ConfigType::kInt:
      return "integer";
    case ConfigType::kBool:
      return "boolean";
    case ConfigType::kDuration:
      return "duration";
    case ConfigType::kEnum:
      return "enum";
    case ConfigType::kHostPort:
      return "host:port";
  }
  return "?";
}

class ConfigDocs : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = docPath();
    std::ifstream in(path);
    ASSERT_TRUE(in) << "cannot read " << path << " (is OUTPOST_SOURCE_DIR set? ctest sets it)";
    std::stringstream text;
    text << in.rdbuf();
    doc_ = readDoc(text.str());
    for (const auto& e : doc_.errors) ADD_FAILURE() << path << ": " << e;
  }

  const ConfigSchema& schema_ = daemonConfigSchema();
  ConfigDoc doc_;
};

TEST_F(ConfigDocs, EveryKeyHasATableRowWithTypeDefaultAndLimits) {
  ASSERT_FALSE(schema_.keys().empty());
  for (const auto& spec : schema_.keys()) {
    auto it = doc_.rows.find(spec.key);
    if (it == doc_.rows.end()) {
      ADD_FAILURE() << "`" << spec.key << "` has no row in the table of keys (default " << spec.default_value
                    << ")";
      continue;
    }
    const auto& cells = it->second;
    ASSERT_GE(cells.size(), 4u) << "`" << spec.key << "`: the row needs | key | type | default | allowed |";
    EXPECT_EQ(cells[1], typeWord(spec.type)) << "`" << spec.key << "`: type";
    const std::string want_default = spec.default_value.empty() ? "`\"\"`" : "`" + spec.default_value + "`";
    EXPECT_EQ(cells[2], want_default) << "`" << spec.key << "`: default";

    const std::string& allowed = cells[3];
    const auto spans = codeSpans(allowed);
    switch (spec.type) {
      case ConfigType::kInt: {
        std::set<int64_t> values;
        for (const auto& s : spans) {
          if (auto n = parseInt(s)) values.insert(*n);
        }
        EXPECT_TRUE(values.count(spec.min) && values.count(spec.max))
            << "`" << spec.key << "`: allowed should show `" << spec.min << "` – `" << spec.max << "`, is \""
            << allowed << "\"";
        break;
      }
      case ConfigType::kDuration: {
        std::set<int64_t> ms;
        for (const auto& s : spans) {
          if (auto d = parseDuration(s)) ms.insert(d->count());
        }
        EXPECT_TRUE(ms.count(spec.min) && ms.count(spec.max))
            << "`" << spec.key << "`: allowed should show " << spec.min << " ms – " << spec.max
            << " ms, is \"" << allowed << "\"";
        break;
      }
      case ConfigType::kEnum: {
        const std::set<std::string> shown(spans.begin(), spans.end());
        const std::set<std::string> want(spec.allowed.begin(), spec.allowed.end());
        EXPECT_EQ(shown, want) << "`" << spec.key << "`: allowed values";
        break;
      }
      case ConfigType::kBool: {
        const std::set<std::string> shown(spans.begin(), spans.end());
        EXPECT_TRUE(shown.count("true") && shown.count("false")) << "`" << spec.key << "`: allowed";
        break;
      }
      case ConfigType::kHostPort:
        EXPECT_NE(allowed.find("host:port"), std::string::npos) << "`" << spec.key << "`: allowed";
        break;
      case ConfigType::kString:
        break;
    }
  }
}

TEST_F(ConfigDocs, EveryKeyHasASection) {
  for (const auto& spec : schema_.keys()) {
    EXPECT_TRUE(doc_.sections.count(spec.key)) << "no \"### `" << spec.key << "`\" section describing it";
  }
}

TEST_F(ConfigDocs, NoKeyInTheDocIsUnknownToTheSchema) {
  for (const auto& [key, cells] : doc_.rows) {
    EXPECT_NE(schema_.find(key), nullptr) << "the table lists `" << key << "`, which outpostd does not know";
  }
  for (const auto& key : doc_.sections) {
    EXPECT_NE(schema_.find(key), nullptr)
        << "a section describes `" << key << "`, which outpostd does not know";
  }
  // Inline `section.key` mentions in the prose (file names such as `outpost.db` have
  // other prefixes and are not keys).
  std::set<std::string> prefixes;
  for (const auto& spec : schema_.keys()) prefixes.insert(spec.key.substr(0, spec.key.find('.')));
  for (const auto& line : doc_.prose) {
    for (const auto& span : codeSpans(line)) {
      const std::string token = span.substr(0, span.find_first_of(" ="));
      if (!std::regex_match(token, keyPattern())) continue;
      if (prefixes.count(token.substr(0, token.find('.'))) == 0) continue;
      EXPECT_NE(schema_.find(token), nullptr)
          << "the doc mentions `" << span << "` in \"" << line << "\", but there is no such key";
    }
  }
}

TEST_F(ConfigDocs, EveryDefaultPassesValidation) {
  Config config(schema_);
  for (const auto& spec : schema_.keys()) {
    const Status s = config.set(spec.key, spec.default_value, "default");
    EXPECT_TRUE(s.isOk()) << spec.key << " = \"" << spec.default_value << "\": " << s.toString();
  }
}

TEST_F(ConfigDocs, ConfigFileExamplesLoad) {
  int examples = 0;
  for (const auto& block : doc_.blocks) {
    if (block.language != "ini") continue;
    ++examples;
    Config config(schema_);
    const Status s = config.loadText(block.text, "configuration.md:" + std::to_string(block.line));
    EXPECT_TRUE(s.isOk()) << "the ```ini example at line " << block.line
                          << " does not load: " << s.toString();
  }
  EXPECT_GE(examples, 2) << "expected the format sample and the production example as ```ini blocks";
}

TEST_F(ConfigDocs, ProductionExampleServesHttpsOnTheLan) {
  const FencedBlock* production = nullptr;
  for (const auto& block : doc_.blocks) {
    if (block.language == "ini" && block.text.find("http.tls.cert") != std::string::npos) production = &block;
  }
  ASSERT_NE(production, nullptr) << "no ```ini example with http.tls.cert";
  Config config(schema_);
  ASSERT_TRUE(config.loadText(production->text, "production example").isOk());
  EXPECT_EQ(config.getHostPort("http.listen").host, "0.0.0.0");
  EXPECT_EQ(config.getHostPort("http.listen").port, 8443);
  EXPECT_EQ(config.getString("http.tls.cert").rfind("/etc/outpost/", 0), 0u);
  EXPECT_EQ(config.getString("http.tls.key").rfind("/etc/outpost/", 0), 0u);
  EXPECT_FALSE(config.getBool("http.allow_plain_lan"));
}

// The messages quoted under "When a value is wrong" are what outpostd prints
// ("outpostd: " + Status::describe(), see firmware/app/main.cpp).
class ConfigDocsMessages : public ConfigDocs {
 protected:
  void expectQuoted(const Status& s) {
    ASSERT_FALSE(s.isOk());
    const std::string line = "outpostd: " + s.describe();
    EXPECT_NE(doc_.text.find(line), std::string::npos)
        << "docs/configuration.md should quote the real message:\n"
        << line;
  }
};

TEST_F(ConfigDocsMessages, SingleValueErrorsAreQuotedVerbatim) {
  Config config(schema_);
  expectQuoted(config.set("http.listn", "0.0.0.0:8443", "--set http.listn"));
  expectQuoted(config.set("log.level", "verbose", "/etc/outpost/outpost.conf:7"));
  expectQuoted(config.set("http.threads", "500", "--set http.threads"));
  expectQuoted(config.set("auth.session_ttl", "8", "--set auth.session_ttl"));

  std::string file = "# outpost.conf\n\nhttp.listen = 0.0.0.0:8443\n";
  for (int line = 4; line < 12; ++line) file += "# filler\n";
  file += "http.listen = 127.0.0.1:8080\n";
  Config twice(schema_);
  expectQuoted(twice.loadText(file, "/etc/outpost/outpost.conf"));
}

TEST_F(ConfigDocsMessages, StartUpChecksAreQuotedVerbatim) {
  // Both checks run before the daemon touches the disk; the data folder points into a
  // temporary folder all the same.
  const std::string data =
      (std::filesystem::temp_directory_path() / "outpost-config-docs-never-created").string();
  {
    Config config(schema_);
    ASSERT_TRUE(config.set("storage.data_dir", data, "test").isOk());
    ASSERT_TRUE(config.set("http.listen", "0.0.0.0:8443", "--listen").isOk());
    Daemon daemon(config, DaemonOptions{});
    expectQuoted(daemon.start());
  }
  {
    Config config(schema_);
    ASSERT_TRUE(config.set("storage.data_dir", data, "test").isOk());
    ASSERT_TRUE(config.set("http.tls.cert", "/etc/outpost/tls/outpost.crt", "--set http.tls.cert").isOk());
    Daemon daemon(config, DaemonOptions{});
    expectQuoted(daemon.start());
  }
  EXPECT_FALSE(std::filesystem::exists(data));
}

TEST(ConfigDocsReader, FindsRowsSectionsAndBlocks) {
  const ConfigDoc doc = readDoc(
      "# Title\n"
      "| Key | Type | Default | Allowed |\n"
      "|---|---|---|---|\n"
      "| `http.threads` | integer | `16` | `1` – `256` |\n"
      "| `--listen HOST:PORT` | option | | |\n"
      "### `http.threads`\n"
      "```ini\n"
      "| `not.a_row` | x | y | z |\n"
      "```\n");
  EXPECT_TRUE(doc.errors.empty());
  ASSERT_EQ(doc.rows.size(), 1u);
  EXPECT_EQ(doc.rows.at("http.threads")[2], "`16`");
  EXPECT_EQ(doc.sections, std::set<std::string>{"http.threads"});
  ASSERT_EQ(doc.blocks.size(), 1u);
  EXPECT_EQ(doc.blocks[0].language, "ini");
}

}  // namespace
}  // namespace outpost::app
