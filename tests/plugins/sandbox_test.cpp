// Each case tries one way out of the sandbox and must be contained.
#include "plugins/sandbox.h"

#include <gtest/gtest.h>

namespace outpost::plugins {
namespace {

class SandboxTest : public ::testing::Test {
 protected:
  std::unique_ptr<Sandbox> make(Limits limits = {}) {
    auto sb = Sandbox::create(clock_, limits, 42, [this](std::string_view l) { logs_.emplace_back(l); });
    EXPECT_TRUE(sb.isOk()) << sb.status().toString();
    return std::move(sb.value());
  }
  // Loads `body` as function f() and calls it.
  Result<Value> run(Sandbox& sb, const std::string& body, std::vector<Value> args = {}) {
    Status s = sb.load("rule.lua", "function f(...)\n" + body + "\nend\n");
    if (!s) return s;
    return sb.call("f", args);
  }
  SimulatedClock clock_;
  std::vector<std::string> logs_;
};

TEST_F(SandboxTest, PlainCallsAndMarshalling) {
  auto sb = make();
  auto r = run(*sb, "local c = ...\nreturn {name = c.name .. '!', n = #c.list, list = {c.list[2], 1.5}, ok = true}",
               {Value(Value::Object{{"name", "x"}, {"list", Value::Array{1, 2, 3}}})});
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(toJsonText(r.value()), R"({"list":[2,1.5],"n":3,"name":"x!","ok":true})");
  EXPECT_FALSE(sb->broken());
}

TEST_F(SandboxTest, DangerousGlobalsAreAbsent) {
  auto sb = make();
  for (const char* name : {"load", "loadfile", "dofile", "require", "collectgarbage", "print", "io", "debug",
                           "package", "rawset", "coroutine", "loadstring", "module"}) {
    auto r = run(*sb, std::string("return ") + name + " == nil");
    ASSERT_TRUE(r.isOk()) << name << ": " << r.status().toString();
    EXPECT_EQ(r.value(), Value(true)) << name;
  }
  auto r = run(*sb, "return string.dump == nil and os.execute == nil and os.exit == nil and os.getenv == nil "
                    "and os.remove == nil and math.randomseed == nil and os.time ~= nil");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r.value(), Value(true));
  r = run(*sb, "return load('return _G')");
  EXPECT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("load"), std::string::npos) << r.status().message();
}

TEST_F(SandboxTest, StringMetatableIsProtected) {
  auto sb = make();
  auto r = run(*sb, "return getmetatable('')");
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r.value(), Value(false));
  r = run(*sb, "getmetatable('').__index.rep = nil");
  EXPECT_FALSE(r.isOk());
  r = run(*sb, "return setmetatable('', {})");
  EXPECT_FALSE(r.isOk());
  r = run(*sb, "string.upper = function() return 'pwned' end");
  EXPECT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("read-only"), std::string::npos) << r.status().message();
  r = run(*sb, "return ('abc'):upper()");
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r.value(), Value("ABC"));
}

TEST_F(SandboxTest, SharedTablesAreReadOnly) {
  auto sb = make();
  ASSERT_TRUE(sb->setShared("config", Value(Value::Object{{"vip_value", 100}, {"tags", Value::Array{"a", "b"}}})));
  auto r = run(*sb, "outpost.config.vip_value = 1");
  EXPECT_FALSE(r.isOk());
  r = run(*sb, "outpost.config.tags[1] = 'z'");
  EXPECT_FALSE(r.isOk());
  r = run(*sb, "setmetatable(outpost.config, nil)");
  EXPECT_FALSE(r.isOk());
  r = run(*sb, "table.insert(outpost.config.tags, 'c')");
  EXPECT_FALSE(r.isOk());
  r = run(*sb, "local n = 0 for k, v in pairs(outpost.config) do n = n + 1 end\n"
               "return {n, #outpost.config.tags, outpost.config.tags[2], outpost.config.vip_value}");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(toJsonText(r.value()), R"([2,2,"b",100])");
}

TEST_F(SandboxTest, BytecodeIsRefused) {
  auto sb = make();
  Status s = sb->load("evil.lua", std::string("\x1bLua\x54\x00", 6));
  EXPECT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("binary"), std::string::npos) << s.message();
}

TEST_F(SandboxTest, ChunkSizeIsCapped) {
  Limits l;
  l.max_chunk_bytes = 100;
  auto sb = make(l);
  Status s = sb->load("big.lua", std::string(200, ' '));
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
}

TEST_F(SandboxTest, SyntaxErrorNamesFileAndLine) {
  auto sb = make();
  Status s = sb->load("main.lua", "local x = 1\nfunction (\n");
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("main.lua:2"), std::string::npos) << s.message();
}

TEST_F(SandboxTest, InfiniteLoopHitsTheBudget) {
  auto sb = make();
  auto r = run(*sb, "while true do end");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("instruction budget"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("rule.lua:2"), std::string::npos) << r.status().message();
  EXPECT_TRUE(sb->broken());
  EXPECT_FALSE(sb->call("f", {}).isOk());
}

TEST_F(SandboxTest, PcallCannotSwallowTheLimit) {
  auto sb = make();
  auto r = run(*sb,
               "for i = 1, 1000 do pcall(function() while true do end end) end\n"
               "while true do pcall(error, 'x') end\nreturn 'escaped'");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  auto sb2 = make();
  r = run(*sb2, "local ok = xpcall(function() while true do end end, function() while true do end end)\n"
                "return 'escaped'");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(SandboxTest, LoopAtLoadTimeIsLimited) {
  auto sb = make();
  Status s = sb->load("main.lua", "while true do end");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(sb->broken());
}

TEST_F(SandboxTest, DeadlineFromTheInjectedClock) {
  Limits l;
  l.instructions = 1'000'000'000;
  l.deadline = std::chrono::milliseconds(10);
  auto sb = make(l);
  // A rule that (for the test) advances the simulated clock through a log line.
  auto sb2 = Sandbox::create(clock_, l, 1, [this](std::string_view) { clock_.advance(std::chrono::milliseconds(20)); });
  ASSERT_TRUE(sb2.isOk());
  ASSERT_TRUE(sb2.value()->load("rule.lua", "function f() outpost.log('tick') while true do end end"));
  auto r = sb2.value()->call("f", {});
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("deadline"), std::string::npos) << r.status().message();
}

TEST_F(SandboxTest, MemoryBombsAreContained) {
  Limits l;
  l.memory_bytes = 2 * 1024 * 1024;
  auto sb = make(l);
  auto r = run(*sb, "local t = {} for i = 1, 1e9 do t[i] = {i, i, i} end");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(sb->broken());
  auto sb2 = make(l);
  r = run(*sb2, "local s = 'x' while true do pcall(function() s = s .. s end) end");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_LE(sb2->memoryUsed(), l.memory_bytes);
}

TEST_F(SandboxTest, StringRepBomb) {
  auto sb = make();
  auto r = run(*sb, "return #string.rep('x', 1e12)");
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("string.rep"), std::string::npos) << r.status().message();
  r = run(*sb, "return #('ab'):rep(1e9, ',')");
  ASSERT_FALSE(r.isOk());
  r = run(*sb, "return #('ab'):rep(3, ',')");
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r.value(), Value(8));
}

TEST_F(SandboxTest, TableConcatIsBounded) {
  auto sb = make();
  auto r = run(*sb, "return table.concat({}, ',', 1, 1e15)");
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("table.concat"), std::string::npos) << r.status().message();
  r = run(*sb, "return table.concat({'a', 'b', 3}, '-')");
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r.value(), Value("a-b-3"));
}

TEST_F(SandboxTest, PathologicalPatternStops) {
  auto sb = make();
  auto r = run(*sb, "return string.find(string.rep('a', 60), string.rep('a*', 30) .. 'b')");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("pattern"), std::string::npos) << r.status().message();
  auto sb2 = make();
  r = run(*sb2, "local ok = pcall(string.match, string.rep('a', 60), ('.-'):rep(20) .. 'b')\n"
                "while true do end");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(SandboxTest, PatternSemantics) {
  auto sb = make();
  auto r = run(*sb,
               "local out = {}\n"
               "out[1] = string.match('key = value', '(%w+)%s*=%s*(%w+)')\n"
               "out[2] = select(2, string.match('key = value', '(%w+)%s*=%s*(%w+)'))\n"
               "out[3] = string.find('hello world', 'o w')\n"
               "out[4] = string.find('a.b', '.', 1, true)\n"
               "out[5] = (string.gsub('hello world', 'o', '0'))\n"
               "out[6] = (string.gsub('abc', '%w', '%0%0'))\n"
               "local words = {} for w in string.gmatch('one two  three', '%a+') do words[#words + 1] = w end\n"
               "out[7] = table.concat(words, ',')\n"
               "out[8] = string.match('THE (quick) fox', '%b()')\n"
               "out[9] = string.match('  trim  ', '^%s*(.-)%s*$')\n"
               "out[10] = (string.gsub('$name is $age', '%$(%w+)', {name = 'Li', age = 30}))\n"
               "out[11] = (string.gsub('abc', '%w', function(c) return c:upper() .. '.' end))\n"
               "out[12] = string.match('2026-11-23', '^(%d+)-(%d+)')\n"
               "out[13] = string.find('THE (quick) fox', '%f[%a]%a+', 5)\n"
               "out[14] = string.match('[x]', '[]x[]+')\n"
               "out[15] = string.match('hello', '()ll()')\n"
               "out[16] = (string.gsub('hello world', '(o)', '[%1]', 1))\n"
               "out[17] = string.match('abab', '(ab)%1')\n"
               "out[18] = string.match('x', '^$') == nil\n"
               "return out");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(toJsonText(r.value()),
            R"x(["key","value",5,2,"hell0 w0rld","aabbcc","one,two,three","(quick)","trim","Li is 30","A.B.C.","2026",6,"[x]",3,"hell[o] world","ab",true])x");
}

TEST_F(SandboxTest, RandomIsSeededByTheHost) {
  auto a = make();
  auto b = make();
  auto ra = run(*a, "return {math.random(1, 1000000), math.random(1, 1000000)}");
  auto rb = run(*b, "return {math.random(1, 1000000), math.random(1, 1000000)}");
  ASSERT_TRUE(ra.isOk() && rb.isOk());
  EXPECT_EQ(ra.value(), rb.value());
}

TEST_F(SandboxTest, DeepRecursionIsAnError) {
  auto sb = make();
  auto r = run(*sb, "local function g(n) return g(n + 1) + 1 end return g(1)");
  EXPECT_FALSE(r.isOk());
}

TEST_F(SandboxTest, NonDataResultsAreRefused) {
  auto sb = make();
  auto r = run(*sb, "return {f = function() end}");
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("function"), std::string::npos);
  EXPECT_EQ(r.status().where(), "/f");
  r = run(*sb, "local t = {} t.t = t return t");
  EXPECT_FALSE(r.isOk());
  r = run(*sb, "local t = {} for i = 1, 20000 do t[i] = i end return t");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SandboxTest, ErrorsCarryLineAndTraceback) {
  auto sb = make();
  auto r = run(*sb, "local x = nil\nreturn x.field");
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("rule.lua:3"), std::string::npos) << r.status().message();
  EXPECT_NE(sb->lastTraceback().find("stack traceback"), std::string::npos);
  EXPECT_FALSE(sb->broken());
  auto ok = run(*sb, "return 1");
  EXPECT_TRUE(ok.isOk());
}

TEST_F(SandboxTest, LogIsCapped) {
  Limits l;
  l.max_log_lines = 3;
  auto sb = make(l);
  auto r = run(*sb, "for i = 1, 10 do outpost.log('line', i) end");
  ASSERT_TRUE(r.isOk());
  ASSERT_EQ(logs_.size(), 3u);
  EXPECT_EQ(logs_[0], "line 1");
}

}  // namespace
}  // namespace outpost::plugins

namespace outpost::plugins {
namespace {

TEST(SandboxEscapes, FinalizersAreRefused) {
  SimulatedClock clock;
  auto sb = Sandbox::create(clock, {}, 1);
  ASSERT_TRUE(sb.isOk());
  Status s = sb.value()->load("gc.lua", "setmetatable({}, {__gc = function() while true do end end})");
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("__gc"), std::string::npos) << s.message();
  // Adding __gc later never marks the object for finalization.
  s = sb.value()->load("gc2.lua", "local mt = {} setmetatable({}, mt) mt.__gc = function() while true do end end");
  EXPECT_TRUE(s.isOk()) << s.toString();
}

TEST(SandboxEscapes, XpcallHandlerIsStillLimited) {
  SimulatedClock clock;
  auto sb = Sandbox::create(clock, {}, 1);
  ASSERT_TRUE(sb.isOk());
  ASSERT_TRUE(sb.value()->load("x.lua",
                               "function f() return xpcall(function() while true do end end, "
                               "function(m) while true do end end) end\n"
                               "function g() return xpcall(function(a) error('boom: ' .. a) end, "
                               "function(m) return 'handled ' .. m end, 'x') end"));
  auto g = sb.value()->call("g", {});
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(g.value(), Value(false));
  auto r = sb.value()->call("f", {});
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace outpost::plugins
