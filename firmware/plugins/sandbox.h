#pragma once

// Sandbox: one lua_State (PUC Lua 5.4) that runs one bundle's rules, with limits.
//
//   - Libraries are opened one by one: base without load/loadfile/dofile/
//     collectgarbage/print/rawset/warn, string without dump, table, math (random
//     seeded by the host, randomseed removed), utf8, os.time/date/clock. The rules
//     see an environment built from that allowlist; library tables and the values
//     given with setShared() are read-only proxies; the string metatable is
//     protected (getmetatable("") is false).
//   - Chunks are text only (mode "t"), at most Limits::max_chunk_bytes.
//   - Per call (and per chunk run at load): an instruction budget counted by a count
//     hook set when the state is created, before any rule code exists; once a limit
//     trips the hook fires on every instruction and raises again, so a pcall inside
//     the rule cannot swallow it. A wall-clock deadline read from the injected Clock
//     in the same hook. A quota allocator for the whole state.
//   - C functions are not interrupted by hooks, so string.find/match/gmatch/gsub run
//     on Outpost's own step-limited matcher (patterns.cpp), and string.rep,
//     table.concat and gsub refuse results over Limits::max_string_bytes.
//   - Every call goes through lua_pcall with a traceback handler; nothing unwinds
//     through C++ objects. After a limit or an out-of-memory the sandbox is broken():
//     its owner discards it and builds a fresh one.
//
// Thread-safety: none; one thread uses a sandbox at a time.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "plugins/value.h"

struct lua_State;
struct lua_Debug;

namespace outpost::plugins {

struct Limits {
  uint64_t instructions = 1'000'000;           // VM instructions per call
  std::chrono::milliseconds deadline{50};      // wall-clock per call
  size_t memory_bytes = 16u * 1024 * 1024;     // the whole state
  size_t max_chunk_bytes = 256u * 1024;        // one source file
  size_t max_string_bytes = 1024u * 1024;      // string.rep, table.concat, gsub results
  uint64_t pattern_steps = 200'000;            // one pattern function call
  size_t max_concat_items = 100'000;           // table.concat range
  int max_result_depth = 8;                    // results returned to the host
  size_t max_result_items = 10'000;
  int max_log_lines = 20;                      // outpost.log per call
};

class Sandbox {
 public:
  using LogSink = std::function<void(std::string_view line)>;

  // A fresh state with the hook armed and the environment built.
  static Result<std::unique_ptr<Sandbox>> create(const Clock& clock, Limits limits, uint64_t seed,
                                                 LogSink log = nullptr);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Installs outpost.<name> (and for "config" also ctx.config) as a deep read-only table.
  Status setShared(const std::string& name, const Value& value);
  // Compiles `text` (text only, size-capped) and runs it in the environment, under
  // the per-call limits. Errors say file and line.
  Status load(const std::string& chunk_name, std::string_view text);
  bool hasFunction(const std::string& name) const;
  // Calls the global function `name` with `args`. kResourceExhausted: a limit or the
  // memory quota (the sandbox is broken() afterwards); kInvalidArgument: the rule
  // raised an error or returned something that is not plain data.
  // With `ctx_config`, the last argument (a table) gets the field config = the
  // shared "config" table.
  Result<Value> call(const std::string& name, const std::vector<Value>& args, bool ctx_config = false);
  // The same with a first argument pushed straight into Lua by `push_first(L, data)`
  // (no Value in between: the hooks' hot path), then `args`. `push_first` runs inside
  // the protected call and must push exactly one value.
  using ArgPusher = void (*)(lua_State* L, const void* data);
  Result<Value> callWith(const std::string& name, ArgPusher push_first, const void* data,
                         const std::vector<Value>& args, bool ctx_config = false);
  // The hooks' form: `push_first` (may be null), then `args`, then ctx = {now =
  // `now_ms`, config = the shared "config" table}, built straight in Lua (a fresh
  // table per call: a rule may write to its ctx).
  // A reader, when given, takes the result straight off the Lua stack (no Value in
  // between: the hot path) — `read(L, idx, out)` returns true when it took it (then
  // `done` is set and callHook returns nil), false to leave it to the plain-data
  // conversion and the caller's validation, which say what is wrong. It must not
  // raise Lua errors.
  struct ResultReader {
    bool (*read)(lua_State* L, int idx, void* out);
    void* out;
    bool done = false;
  };
  Result<Value> callHook(const std::string& name, ArgPusher push_first, const void* data,
                         const std::vector<Value>& args, int64_t now_ms, ResultReader* reader = nullptr);
  // Pushes a plain value as call() does (whole numbers as integers), for ArgPushers.
  static void pushPlain(lua_State* L, const Value& value);

  bool broken() const { return broken_; }
  size_t memoryUsed() const { return mem_used_; }
  uint64_t lastInstructions() const { return used_; }
  // The traceback of the last failed call or load.
  const std::string& lastTraceback() const { return traceback_; }

  // --- for the C callbacks (sandbox.cpp, patterns.cpp) ---
  const Limits& limits() const { return limits_; }
  // Records a limit: the current call fails and every later instruction raises.
  void trip(lua_State* L, const std::string& what);
  static Sandbox* of(lua_State* L);
  static int logFn(lua_State* L);
  struct CallInfo;  // one call's function and arguments (sandbox.cpp)

 private:
  Sandbox(const Clock& clock, Limits limits, LogSink log);
  static void* allocate(void* ud, void* ptr, size_t osize, size_t nsize);
  static void hook(lua_State* L, ::lua_Debug* ar);
  Status build(uint64_t seed);
  void begin();
  // Runs the function under the call limits; pcall status handled into a Status.
  Status finish(int rc);
  Result<Value> run(const std::string& name, CallInfo& ci, ResultReader* reader = nullptr);

  const Clock& clock_;
  Limits limits_;
  LogSink log_;
  lua_State* L_ = nullptr;
  int env_ref_ = 0;
  int config_ref_ = -2;  // LUA_NOREF
  bool enforce_ = false;     // quota applies (during loads and calls)
  bool broken_ = false;
  bool tripped_ = false;
  std::string trip_msg_;
  size_t mem_used_ = 0;
  uint64_t used_ = 0;
  MonoTime deadline_{};
  int log_lines_ = 0;
  std::string traceback_;
};

// Installs the step-limited string.find/match/gmatch/gsub into the table at `idx`
// (patterns.cpp).
void installPatternFunctions(lua_State* L, int idx);

}  // namespace outpost::plugins
