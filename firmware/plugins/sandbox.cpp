#include "plugins/sandbox.h"

#include <lua.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>


// GCC 12 at -O2 reports std::variant members of Value as maybe-uninitialized when a
// Value is moved into a Result (a known false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
namespace outpost::plugins {
namespace {

// The hook fires every this many instructions (and on every one once tripped).
constexpr int kHookEvery = 1000;

int readonlyError(lua_State* L) { return luaL_error(L, "attempt to modify a read-only table"); }

int readonlyPairs(lua_State* L) {
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "__index");
  lua_pushcfunction(L, [](lua_State* S) -> int {
    lua_settop(S, 2);
    if (lua_next(S, 1)) return 2;
    lua_pushnil(S);
    return 1;
  });
  lua_insert(L, -2);
  lua_pushnil(L);
  return 3;
}

int readonlyLen(lua_State* L) {
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "__index");
  lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, -1)));
  return 1;
}

// Replaces the table on top with a read-only proxy of it.
void wrapReadOnly(lua_State* L) {
  lua_newtable(L);                 // real proxy
  lua_createtable(L, 0, 5);        // real proxy mt
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readonlyError);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, readonlyPairs);
  lua_setfield(L, -2, "__pairs");
  lua_pushcfunction(L, readonlyLen);
  lua_setfield(L, -2, "__len");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);         // real proxy
  lua_remove(L, -2);               // proxy
}

// Pushes `v` (integers as Lua integers); tables read-only when `readonly`.
void pushValue(lua_State* L, const Value& v, bool readonly) {
  luaL_checkstack(L, 4, "nested too deeply");
  if (v.isNil()) {
    lua_pushnil(L);
  } else if (v.isBool()) {
    lua_pushboolean(L, v.asBool() ? 1 : 0);
  } else if (v.isNumber()) {
    const double d = v.asNumber();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
      lua_pushinteger(L, static_cast<lua_Integer>(d));
    } else {
      lua_pushnumber(L, d);
    }
  } else if (v.isString()) {
    lua_pushlstring(L, v.asString().data(), v.asString().size());
  } else if (v.isArray()) {
    const auto& a = v.asArray();
    lua_createtable(L, static_cast<int>(a.size()), 0);
    for (size_t i = 0; i < a.size(); ++i) {
      pushValue(L, a[i], readonly);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
    if (readonly) wrapReadOnly(L);
  } else {
    const auto& o = v.asObject();
    lua_createtable(L, 0, static_cast<int>(o.size()));
    for (const auto& [k, e] : o) {
      lua_pushlstring(L, k.data(), k.size());
      pushValue(L, e, readonly);
      lua_rawset(L, -3);
    }
    if (readonly) wrapReadOnly(L);
  }
}

// Converts the value at `idx` without raising Lua errors.
Status toValue(lua_State* L, int idx, int depth, size_t& items, const Limits& limits, Value& out,
               const std::string& path) {
  idx = lua_absindex(L, idx);
  if (++items > limits.max_result_items) {
    return Status::resourceExhausted("more than " + std::to_string(limits.max_result_items) + " values", path);
  }
  switch (lua_type(L, idx)) {
    case LUA_TNIL: out = Value(); return Status::ok();
    case LUA_TBOOLEAN: out = Value(lua_toboolean(L, idx) != 0); return Status::ok();
    case LUA_TNUMBER: out = Value(static_cast<double>(lua_tonumber(L, idx))); return Status::ok();
    case LUA_TSTRING: {
      size_t n = 0;
      const char* s = lua_tolstring(L, idx, &n);
      if (n > limits.max_string_bytes) return Status::resourceExhausted("string too long", path);
      out = Value(std::string(s, n));
      return Status::ok();
    }
    case LUA_TTABLE: break;
    default:
      return Status::invalidArgument(std::string("a ") + lua_typename(L, lua_type(L, idx)) +
                                         " cannot be returned (plain data only)",
                                     path);
  }
  if (depth >= limits.max_result_depth) return Status::invalidArgument("nested too deeply", path);
  if (!lua_checkstack(L, 4)) return Status::resourceExhausted("out of Lua stack", path);
  Value::Object obj;
  std::map<lua_Integer, Value> list;
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    Value item;
    if (lua_type(L, -2) == LUA_TSTRING) {
      size_t n = 0;
      const char* k = lua_tolstring(L, -2, &n);
      std::string key(k, n);
      if (Status s = toValue(L, -1, depth + 1, items, limits, item, path + "/" + key); !s) {
        lua_pop(L, 2);
        return s;
      }
      obj.emplace(std::move(key), std::move(item));
    } else if (lua_isinteger(L, -2)) {
      const lua_Integer k = lua_tointeger(L, -2);
      if (Status s = toValue(L, -1, depth + 1, items, limits, item, path + "/" + std::to_string(k)); !s) {
        lua_pop(L, 2);
        return s;
      }
      list.emplace(k, std::move(item));
    } else {
      lua_pop(L, 2);
      return Status::invalidArgument("table keys must be strings or list positions", path);
    }
    lua_pop(L, 1);
  }
  if (!obj.empty() && !list.empty()) {
    return Status::invalidArgument("a table with both list items and named fields", path);
  }
  if (!obj.empty()) {
    out = Value(std::move(obj));
    return Status::ok();
  }
  Value::Array arr;
  lua_Integer expect = 1;
  for (auto& [k, e] : list) {
    if (k != expect++) return Status::invalidArgument("a list with holes (position " + std::to_string(k) + ")", path);
    arr.push_back(std::move(e));
  }
  out = Value(std::move(arr));
  return Status::ok();
}

int traceback(lua_State* L) {
  const char* msg = lua_tostring(L, 1);
  if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  luaL_traceback(L, L, msg, 1);
  return 1;
}

}  // namespace

struct Sandbox::CallInfo {
  const char* name;
  const std::vector<Value>* args;
  int env_ref;
  int config_ref;
  Sandbox::ArgPusher first = nullptr;
  const void* first_data = nullptr;
  bool push_ctx = false;  // a ctx table {now, config} after args
  int64_t now_ms = 0;
};

namespace {

// Runs inside lua_pcall: pushes the arguments and calls the rule.
int trampoline(lua_State* L) {
  auto* ci = static_cast<Sandbox::CallInfo*>(lua_touserdata(L, 1));
  lua_rawgeti(L, LUA_REGISTRYINDEX, ci->env_ref);
  if (lua_getfield(L, -1, ci->name) != LUA_TFUNCTION) return luaL_error(L, "%s is not a function", ci->name);
  if (ci->first) ci->first(L, ci->first_data);
  for (const Value& v : *ci->args) pushValue(L, v, false);
  if (ci->push_ctx) {
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, static_cast<lua_Integer>(ci->now_ms));
    lua_setfield(L, -2, "now");
  }
  if (ci->config_ref != LUA_NOREF && lua_istable(L, -1)) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ci->config_ref);
    lua_setfield(L, -2, "config");
  }
  const int nargs = static_cast<int>(ci->args->size()) + (ci->first ? 1 : 0) + (ci->push_ctx ? 1 : 0);
  lua_call(L, nargs, 1);
  return 1;
}

int safeRep(lua_State* L) {
  size_t l = 0;
  size_t lsep = 0;
  luaL_checklstring(L, 1, &l);
  const lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (n > 0) {
    const double total = static_cast<double>(l) * static_cast<double>(n) + static_cast<double>(lsep) * static_cast<double>(n - 1);
    const size_t cap = Sandbox::of(L)->limits().max_string_bytes;
    if (total > static_cast<double>(cap)) {
      return luaL_error(L, "string.rep: a result of %f bytes is over the limit of %d", total, static_cast<int>(cap));
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int safeConcat(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t lsep = 0;
  luaL_optlstring(L, 2, "", &lsep);
  const lua_Integer i = luaL_optinteger(L, 3, 1);
  const lua_Integer j = lua_isnoneornil(L, 4) ? luaL_len(L, 1) : luaL_checkinteger(L, 4);
  const Limits& lim = Sandbox::of(L)->limits();
  if (i <= j) {
    if (static_cast<double>(j) - static_cast<double>(i) >= static_cast<double>(lim.max_concat_items)) {
      return luaL_error(L, "table.concat: more than %d items", static_cast<int>(lim.max_concat_items));
    }
    double total = 0;
    for (lua_Integer k = i; k <= j; ++k) {
      lua_geti(L, 1, k);
      size_t n = 0;
      if (lua_isstring(L, -1)) {
        lua_tolstring(L, -1, &n);
      }
      lua_pop(L, 1);
      total += static_cast<double>(n) + static_cast<double>(lsep);
      if (total > static_cast<double>(lim.max_string_bytes)) {
        return luaL_error(L, "table.concat: the result is over the limit of %d bytes",
                          static_cast<int>(lim.max_string_bytes));
      }
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// xpcall whose handler runs as ordinary (hooked) code. The stock xpcall runs the
// handler at the point of the error; when the error came from the count hook, Lua
// has hooks disabled there, so a looping handler would never be stopped.
int safeXpcall(lua_State* L) {
  const int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  luaL_checkstack(L, n + 2, "too many arguments");
  lua_pushvalue(L, 1);
  for (int i = 3; i <= n; ++i) lua_pushvalue(L, i);
  if (lua_pcall(L, n - 2, LUA_MULTRET, 0) == LUA_OK) {
    lua_pushboolean(L, 1);
    lua_insert(L, n + 1);
    return lua_gettop(L) - n;
  }
  lua_pushvalue(L, 2);
  lua_insert(L, -2);
  lua_call(L, 1, 1);
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  return 2;
}

// setmetatable that refuses __gc: Lua runs finalizers with hooks disabled, so a
// finalizer could loop for ever. (A __gc added after setmetatable is never called.)
int safeSetmetatable(lua_State* L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) return luaL_error(L, "setmetatable: __gc metamethods are not allowed");
    lua_pop(L, 1);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// Replaces t[name] (t on top) with `fn` holding the original as upvalue 1.
void wrapField(lua_State* L, const char* name, lua_CFunction fn) {
  lua_getfield(L, -1, name);
  lua_pushcclosure(L, fn, 1);
  lua_setfield(L, -2, name);
}

// Opens the allowed libraries and returns the rules' environment (pcall'd).
int openLibs(lua_State* L) {
  auto seed_ptr = static_cast<uint64_t*>(lua_touserdata(L, 2));
  lua_settop(L, 0);
  // base into the (hidden) global table; the rules never see it.
  luaL_requiref(L, "_G", luaopen_base, 0);
  lua_pop(L, 1);
  luaL_requiref(L, "string", luaopen_string, 0);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  wrapField(L, "rep", safeRep);
  installPatternFunctions(L, lua_gettop(L));
  lua_pop(L, 1);
  luaL_requiref(L, "table", luaopen_table, 0);
  wrapField(L, "concat", safeConcat);
  lua_pop(L, 1);
  luaL_requiref(L, "math", luaopen_math, 0);
  lua_getfield(L, -1, "randomseed");
  lua_pushinteger(L, static_cast<lua_Integer>(*seed_ptr & 0x7fffffffffffffffull));
  lua_call(L, 1, 0);
  lua_pushnil(L);
  lua_setfield(L, -2, "randomseed");
  lua_pop(L, 1);
  luaL_requiref(L, "utf8", luaopen_utf8, 0);
  lua_pop(L, 1);
  luaL_requiref(L, "os", luaopen_os, 0);
  lua_pop(L, 1);
  // The string metatable: protected.
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);

  // The environment, from the allowlist.
  lua_newtable(L);  // env
  lua_pushglobaltable(L);
  static const char* const kBase[] = {"assert", "error", "getmetatable", "ipairs", "next", "pairs",
                                      "pcall", "rawequal", "rawget", "rawlen", "select",
                                      "tonumber", "tostring", "type", "_VERSION"};
  for (const char* name : kBase) {
    lua_getfield(L, -1, name);
    lua_setfield(L, -3, name);
  }
  lua_getfield(L, -1, "setmetatable");
  lua_pushcclosure(L, safeSetmetatable, 1);
  lua_setfield(L, -3, "setmetatable");
  lua_pushcfunction(L, safeXpcall);
  lua_setfield(L, -3, "xpcall");
  lua_pop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  for (const char* lib : {"string", "table", "math", "utf8"}) {
    lua_getfield(L, -1, lib);
    wrapReadOnly(L);
    lua_setfield(L, -3, lib);
  }
  lua_createtable(L, 0, 3);
  lua_getfield(L, -2, "os");
  for (const char* f : {"time", "date", "clock"}) {
    lua_getfield(L, -1, f);
    lua_setfield(L, -3, f);
  }
  lua_pop(L, 1);
  wrapReadOnly(L);
  lua_setfield(L, -3, "os");
  lua_pop(L, 1);  // LOADED
  // outpost.log (plus shared values added later); kept writable until the first load.
  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, &Sandbox::logFn);
  lua_setfield(L, -2, "log");
  lua_setfield(L, -2, "outpost");
  lua_pushvalue(L, -1);
  lua_setfield(L, -2, "_G");
  return 1;
}

}  // namespace

Sandbox::Sandbox(const Clock& clock, Limits limits, LogSink log)
    : clock_(clock), limits_(limits), log_(std::move(log)) {}

Sandbox::~Sandbox() {
  if (L_) {
    // Finalizers a rule set run at close: they stop at their first instruction.
    tripped_ = true;
    trip_msg_ = "closing";
    enforce_ = false;
    lua_sethook(L_, &Sandbox::hook, LUA_MASKCOUNT, 1);
    lua_close(L_);
  }
}

Sandbox* Sandbox::of(lua_State* L) { return *static_cast<Sandbox**>(lua_getextraspace(L)); }

void* Sandbox::allocate(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* sb = static_cast<Sandbox*>(ud);
  const size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    std::free(ptr);
    sb->mem_used_ -= old;
    return nullptr;
  }
  if (nsize > old && sb->enforce_ && sb->mem_used_ - old + nsize > sb->limits_.memory_bytes) {
    if (!sb->tripped_) {
      sb->tripped_ = true;
      sb->trip_msg_ = "memory quota of " + std::to_string(sb->limits_.memory_bytes) + " bytes exhausted";
    }
    return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (!p) return nullptr;
  sb->mem_used_ = sb->mem_used_ - old + nsize;
  return p;
}

void Sandbox::trip(lua_State* L, const std::string& what) {
  if (!tripped_) {
    tripped_ = true;
    trip_msg_ = what;
    lua_Debug ar;
    if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
      trip_msg_ = std::string(ar.short_src) + ":" + std::to_string(ar.currentline) + ": " + what;
    }
  }
  lua_sethook(L, &Sandbox::hook, LUA_MASKCOUNT, 1);
}

void Sandbox::hook(lua_State* L, ::lua_Debug* /*ar*/) {
  Sandbox* sb = of(L);
  if (!sb->tripped_) {
    sb->used_ += kHookEvery;
    if (sb->used_ > sb->limits_.instructions) {
      sb->trip(L, "instruction budget of " + std::to_string(sb->limits_.instructions) + " exhausted");
    } else if (sb->clock_.monoNow() > sb->deadline_) {
      sb->trip(L, "deadline of " + std::to_string(sb->limits_.deadline.count()) + " ms passed");
    } else {
      return;
    }
  }
  lua_sethook(L, &Sandbox::hook, LUA_MASKCOUNT, 1);
  luaL_error(L, "limit: %s", sb->trip_msg_.c_str());
}

int Sandbox::logFn(lua_State* L) {
  Sandbox* sb = of(L);
  const int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; ++i) {
    if (i > 1) luaL_addchar(&b, ' ');
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  if (++sb->log_lines_ <= sb->limits_.max_log_lines && sb->log_) {
    size_t len = 0;
    const char* s = lua_tolstring(L, -1, &len);
    sb->log_(std::string_view(s, std::min<size_t>(len, 1024)));
  }
  return 0;
}

Result<std::unique_ptr<Sandbox>> Sandbox::create(const Clock& clock, Limits limits, uint64_t seed, LogSink log) {
  std::unique_ptr<Sandbox> sb(new Sandbox(clock, limits, std::move(log)));
  sb->L_ = lua_newstate(&Sandbox::allocate, sb.get());
  if (!sb->L_) return Status::resourceExhausted("cannot create a Lua state");
  *static_cast<Sandbox**>(lua_getextraspace(sb->L_)) = sb.get();
  // Generational collection: a hook call leaves only young garbage (the contact, ctx and
  // result tables), which a minor collection frees without walking the bundle's own
  // long-lived tables — the incremental collector marked all of them every cycle, which
  // was most of classify_contact's p99 (bench/plugins_bench: p99 22 → 9 µs, p50 −6%).
  lua_gc(sb->L_, LUA_GCGEN, 0, 0);
  // Armed before any code exists: every thread created later inherits it.
  lua_sethook(sb->L_, &Sandbox::hook, LUA_MASKCOUNT, kHookEvery);
  lua_pushcfunction(sb->L_, openLibs);
  lua_pushlightuserdata(sb->L_, sb.get());
  lua_pushlightuserdata(sb->L_, &seed);
  if (lua_pcall(sb->L_, 2, 1, 0) != LUA_OK) {
    return Status::internal(std::string("building the Lua sandbox: ") + lua_tostring(sb->L_, -1));
  }
  sb->env_ref_ = luaL_ref(sb->L_, LUA_REGISTRYINDEX);
  return sb;
}

Status Sandbox::setShared(const std::string& name, const Value& value) {
  if (broken_) return Status::failedPrecondition("the sandbox hit a limit and must be rebuilt");
  struct Args {
    const std::string* name;
    const Value* value;
    int env_ref;
  } args{&name, &value, env_ref_};
  lua_settop(L_, 0);
  lua_pushcfunction(L_, [](lua_State* L) -> int {
    auto* a = static_cast<Args*>(lua_touserdata(L, 1));
    lua_rawgeti(L, LUA_REGISTRYINDEX, a->env_ref);
    lua_getfield(L, -1, "outpost");
    pushValue(L, *a->value, true);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, a->name->c_str());
    return 1;
  });
  lua_pushlightuserdata(L_, &args);
  const int rc = lua_pcall(L_, 1, 1, 0);
  if (rc != LUA_OK) {
    std::string msg = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "error";
    lua_settop(L_, 0);
    return Status::internal("outpost." + name + ": " + msg);
  }
  if (name == "config") {
    if (config_ref_ != LUA_NOREF) luaL_unref(L_, LUA_REGISTRYINDEX, config_ref_);
    config_ref_ = luaL_ref(L_, LUA_REGISTRYINDEX);
  }
  lua_settop(L_, 0);
  return Status::ok();
}

void Sandbox::begin() {
  lua_settop(L_, 0);
  used_ = 0;
  log_lines_ = 0;
  deadline_ = clock_.monoNow() + limits_.deadline;
  traceback_.clear();
  enforce_ = true;
  lua_sethook(L_, &Sandbox::hook, LUA_MASKCOUNT, kHookEvery);
}

Status Sandbox::finish(int rc) {
  enforce_ = false;
  if (tripped_ || rc == LUA_ERRMEM) {
    broken_ = true;
    if (lua_type(L_, -1) == LUA_TSTRING) traceback_ = lua_tostring(L_, -1);
    lua_settop(L_, 0);
    return Status::resourceExhausted(tripped_ ? trip_msg_ : "out of memory");
  }
  if (rc != LUA_OK) {
    std::string msg = lua_type(L_, -1) == LUA_TSTRING ? lua_tostring(L_, -1) : "error";
    traceback_ = msg;
    const auto nl = msg.find('\n');
    if (nl != std::string::npos) msg.resize(nl);
    lua_settop(L_, 0);
    return Status::invalidArgument(msg);
  }
  return Status::ok();
}

Status Sandbox::load(const std::string& chunk_name, std::string_view text) {
  if (broken_) return Status::failedPrecondition("the sandbox hit a limit and must be rebuilt");
  if (text.size() > limits_.max_chunk_bytes) {
    return Status::resourceExhausted(chunk_name + ": " + std::to_string(text.size()) + " bytes, over the limit of " +
                                     std::to_string(limits_.max_chunk_bytes));
  }
  begin();
  lua_pushcfunction(L_, traceback);
  const std::string name = "=" + chunk_name;
  int rc = luaL_loadbufferx(L_, text.data(), text.size(), name.c_str(), "t");
  if (rc != LUA_OK) {
    Status s = finish(rc);
    return Status(s.code(), s.isOk() ? "cannot load" : s.message(), chunk_name);
  }
  lua_rawgeti(L_, LUA_REGISTRYINDEX, env_ref_);
  lua_setupvalue(L_, -2, 1);
  rc = lua_pcall(L_, 0, 0, 1);
  Status s = finish(rc);
  lua_settop(L_, 0);
  return s;
}

bool Sandbox::hasFunction(const std::string& name) const {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, env_ref_);
  lua_pushlstring(L_, name.data(), name.size());  // may not raise: state has room
  const bool fn = lua_rawget(L_, -2) == LUA_TFUNCTION;
  lua_pop(L_, 2);
  return fn;
}

void Sandbox::pushPlain(lua_State* L, const Value& value) { pushValue(L, value, false); }

Result<Value> Sandbox::call(const std::string& name, const std::vector<Value>& args, bool ctx_config) {
  return callWith(name, nullptr, nullptr, args, ctx_config);
}

Result<Value> Sandbox::callWith(const std::string& name, ArgPusher push_first, const void* data,
                                const std::vector<Value>& args, bool ctx_config) {
  CallInfo ci{name.c_str(), &args, env_ref_, ctx_config && !args.empty() ? config_ref_ : LUA_NOREF, push_first, data};
  return run(name, ci);
}

Result<Value> Sandbox::callHook(const std::string& name, ArgPusher push_first, const void* data,
                                const std::vector<Value>& args, int64_t now_ms, ResultReader* reader) {
  CallInfo ci{name.c_str(), &args, env_ref_, config_ref_, push_first, data, true, now_ms};
  return run(name, ci, reader);
}

Result<Value> Sandbox::run(const std::string& name, CallInfo& ci, ResultReader* reader) {
  if (broken_) return Status::failedPrecondition("the sandbox hit a limit and must be rebuilt");
  begin();
  lua_pushcfunction(L_, traceback);
  lua_pushcfunction(L_, trampoline);
  lua_pushlightuserdata(L_, &ci);
  const int rc = lua_pcall(L_, 1, 1, 1);
  if (Status s = finish(rc); !s) return s;
  if (reader && reader->read(L_, -1, reader->out)) {
    reader->done = true;
    lua_settop(L_, 0);
    return Value();
  }
  Value out;
  size_t items = 0;
  Status s = toValue(L_, -1, 0, items, limits_, out, "");
  lua_settop(L_, 0);
  if (!s) return Status(StatusCode::kInvalidArgument, name + " returned " + s.message(), s.where());
  return out;
}

}  // namespace outpost::plugins
