// Step-limited Lua pattern functions: string.find, string.match, string.gmatch and
// string.gsub with the semantics of Lua 5.4's patterns, on Outpost's own backtracking
// matcher that counts steps. A C function is never interrupted by the count hook, so
// the stock matcher can backtrack for seconds on a 60-byte subject; this one stops
// after Limits::pattern_steps and trips the sandbox.
//
// Lua errors longjmp through these functions: they hold only trivially destructible
// locals.

#include <lua.hpp>

#include <cctype>
#include <cstring>
#include <string>

#include "plugins/sandbox.h"

namespace outpost::plugins {
namespace {

constexpr int kMaxCaptures = 32;
constexpr int kMaxDepth = 200;
constexpr ptrdiff_t kUnfinished = -1;
constexpr ptrdiff_t kPosition = -2;

struct Capture {
  const char* start;
  ptrdiff_t len;
};

struct Matcher {
  lua_State* L;
  const char* subject;
  const char* subject_end;
  const char* pattern_end;
  uint64_t steps;
  uint64_t max_steps;
  int depth;
  int level;
  Capture cap[kMaxCaptures];
};

[[noreturn]] void fail(Matcher& m, const char* msg) {
  luaL_error(m.L, "%s", msg);
  __builtin_unreachable();
}

void step(Matcher& m) {
  if (++m.steps > m.max_steps) {
    Sandbox* sb = Sandbox::of(m.L);
    sb->trip(m.L, "pattern matching over the limit of " + std::to_string(m.max_steps) + " steps");
    luaL_error(m.L, "limit: pattern matching over the limit of %d steps", static_cast<int>(m.max_steps));
  }
}

bool inClass(int c, int cls) {
  bool r;
  switch (std::tolower(cls)) {
    case 'a': r = std::isalpha(c); break;
    case 'c': r = std::iscntrl(c); break;
    case 'd': r = std::isdigit(c); break;
    case 'g': r = std::isgraph(c); break;
    case 'l': r = std::islower(c); break;
    case 'p': r = std::ispunct(c); break;
    case 's': r = std::isspace(c); break;
    case 'u': r = std::isupper(c); break;
    case 'w': r = std::isalnum(c); break;
    case 'x': r = std::isxdigit(c); break;
    default: return cls == c;
  }
  return std::isupper(cls) ? !r : r;
}

// The end of the single-character class that starts at p.
const char* classEnd(Matcher& m, const char* p) {
  const char c = *p++;
  if (c == '%') {
    if (p >= m.pattern_end) fail(m, "malformed pattern (ends with '%')");
    return p + 1;
  }
  if (c == '[') {
    if (p < m.pattern_end && *p == '^') ++p;
    // The first character of a set may be ']' itself.
    bool first = true;
    for (;;) {
      if (p >= m.pattern_end) fail(m, "malformed pattern (missing ']')");
      if (*p == ']' && !first) return p + 1;
      first = false;
      if (*p == '%') {
        ++p;
        if (p >= m.pattern_end) fail(m, "malformed pattern (missing ']')");
      }
      ++p;
    }
  }
  return p;
}

// A set [..] from p ('[') to close (']').
bool inSet(int c, const char* p, const char* close) {
  bool negate = false;
  ++p;
  if (*p == '^') {
    negate = true;
    ++p;
  }
  while (p < close) {
    const auto ch = static_cast<unsigned char>(*p);
    if (ch == '%' && p + 1 < close) {
      if (inClass(c, static_cast<unsigned char>(p[1]))) return !negate;
      p += 2;
    } else if (p + 2 < close && p[1] == '-') {
      if (ch <= c && c <= static_cast<unsigned char>(p[2])) return !negate;
      p += 3;
    } else {
      if (ch == c) return !negate;
      ++p;
    }
  }
  return negate;
}

bool single(const Matcher& m, const char* s, const char* p, const char* ep) {
  if (s >= m.subject_end) return false;
  const int c = static_cast<unsigned char>(*s);
  switch (*p) {
    case '.': return true;
    case '%': return inClass(c, static_cast<unsigned char>(p[1]));
    case '[': return inSet(c, p, ep - 1);
    default: return static_cast<unsigned char>(*p) == c;
  }
}

const char* match(Matcher& m, const char* s, const char* p);

const char* greedy(Matcher& m, const char* s, const char* p, const char* ep) {
  ptrdiff_t n = 0;
  while (single(m, s + n, p, ep)) {
    step(m);
    ++n;
  }
  for (; n >= 0; --n) {
    if (const char* r = match(m, s + n, ep + 1)) return r;
  }
  return nullptr;
}

const char* lazy(Matcher& m, const char* s, const char* p, const char* ep) {
  for (;;) {
    if (const char* r = match(m, s, ep + 1)) return r;
    if (!single(m, s, p, ep)) return nullptr;
    ++s;
  }
}

const char* openCapture(Matcher& m, const char* s, const char* p, ptrdiff_t what) {
  if (m.level >= kMaxCaptures) fail(m, "too many captures");
  m.cap[m.level] = {s, what};
  ++m.level;
  const char* r = match(m, s, p);
  if (!r) --m.level;
  return r;
}

const char* closeCapture(Matcher& m, const char* s, const char* p) {
  int open = -1;
  for (int i = m.level - 1; i >= 0; --i) {
    if (m.cap[i].len == kUnfinished) {
      open = i;
      break;
    }
  }
  if (open < 0) fail(m, "invalid pattern capture");
  m.cap[open].len = s - m.cap[open].start;
  const char* r = match(m, s, p);
  if (!r) m.cap[open].len = kUnfinished;
  return r;
}

const char* balance(Matcher& m, const char* s, const char* p) {
  if (p + 1 >= m.pattern_end) fail(m, "malformed pattern (missing arguments to '%b')");
  if (s >= m.subject_end || *s != p[0]) return nullptr;
  int open = 1;
  while (++s < m.subject_end) {
    step(m);
    if (*s == p[1]) {
      if (--open == 0) return s + 1;
    } else if (*s == p[0]) {
      ++open;
    }
  }
  return nullptr;
}

const char* backReference(Matcher& m, const char* s, int digit) {
  const int i = digit - '1';
  if (i < 0 || i >= m.level || m.cap[i].len == kUnfinished) fail(m, "invalid capture index in pattern");
  const size_t len = static_cast<size_t>(m.cap[i].len == kPosition ? 0 : m.cap[i].len);
  if (static_cast<size_t>(m.subject_end - s) >= len && std::memcmp(m.cap[i].start, s, len) == 0) return s + len;
  return nullptr;
}

const char* matchBody(Matcher& m, const char* s, const char* p) {
  for (;;) {
    step(m);
    if (p >= m.pattern_end) return s;
    switch (*p) {
      case '(':
        if (p + 1 < m.pattern_end && p[1] == ')') return openCapture(m, s, p + 2, kPosition);
        return openCapture(m, s, p + 1, kUnfinished);
      case ')':
        return closeCapture(m, s, p + 1);
      case '$':
        if (p + 1 == m.pattern_end) return s == m.subject_end ? s : nullptr;
        break;
      case '%':
        if (p + 1 < m.pattern_end && p[1] == 'b') {
          s = balance(m, s, p + 2);
          if (!s) return nullptr;
          p += 4;
          continue;
        }
        if (p + 1 < m.pattern_end && p[1] == 'f') {
          p += 2;
          if (p >= m.pattern_end || *p != '[') fail(m, "missing '[' after '%f' in pattern");
          const char* ep = classEnd(m, p);
          const int prev = s == m.subject ? 0 : static_cast<unsigned char>(s[-1]);
          const int cur = s < m.subject_end ? static_cast<unsigned char>(*s) : 0;
          if (!inSet(prev, p, ep - 1) && inSet(cur, p, ep - 1)) {
            p = ep;
            continue;
          }
          return nullptr;
        }
        if (p + 1 < m.pattern_end && std::isdigit(static_cast<unsigned char>(p[1]))) {
          s = backReference(m, s, static_cast<unsigned char>(p[1]));
          if (!s) return nullptr;
          p += 2;
          continue;
        }
        break;
      default:
        break;
    }
    const char* ep = classEnd(m, p);
    const char q = ep < m.pattern_end ? *ep : '\0';
    if (!single(m, s, p, ep)) {
      if (q == '*' || q == '?' || q == '-') {
        p = ep + 1;
        continue;
      }
      return nullptr;
    }
    switch (q) {
      case '?':
        if (const char* r = match(m, s + 1, ep + 1)) return r;
        p = ep + 1;
        continue;
      case '+': return greedy(m, s + 1, p, ep);
      case '*': return greedy(m, s, p, ep);
      case '-': return lazy(m, s, p, ep);
      default:
        ++s;
        p = ep;
        continue;
    }
  }
}

const char* match(Matcher& m, const char* s, const char* p) {
  if (m.depth-- == 0) fail(m, "pattern too complex");
  const char* r = matchBody(m, s, p);
  ++m.depth;
  return r;
}

void init(Matcher& m, lua_State* L, const char* s, size_t ls, const char* p, size_t lp) {
  m.L = L;
  m.subject = s;
  m.subject_end = s + ls;
  m.pattern_end = p + lp;
  m.steps = 0;
  m.max_steps = Sandbox::of(L)->limits().pattern_steps;
  m.depth = kMaxDepth;
  m.level = 0;
}

void reset(Matcher& m) {
  m.level = 0;
  m.depth = kMaxDepth;
}

void pushCapture(Matcher& m, int i, const char* s, const char* e) {
  if (i >= m.level) {
    if (i != 0) fail(m, "invalid capture index");
    lua_pushlstring(m.L, s, static_cast<size_t>(e - s));
    return;
  }
  const ptrdiff_t len = m.cap[i].len;
  if (len == kUnfinished) fail(m, "unfinished capture");
  if (len == kPosition) {
    lua_pushinteger(m.L, (m.cap[i].start - m.subject) + 1);
  } else {
    lua_pushlstring(m.L, m.cap[i].start, static_cast<size_t>(len));
  }
}

// Pushes the captures (or the whole match when there are none and s is set).
int pushCaptures(Matcher& m, const char* s, const char* e) {
  const int n = (m.level == 0 && s) ? 1 : m.level;
  luaL_checkstack(m.L, n, "too many captures");
  for (int i = 0; i < n; ++i) pushCapture(m, i, s, e);
  return n;
}

size_t startIndex(lua_Integer pos, size_t len) {
  if (pos > 0) return static_cast<size_t>(pos);
  if (pos == 0) return 1;
  if (pos < -static_cast<lua_Integer>(len)) return 1;
  return len + static_cast<size_t>(pos) + 1;
}

bool plain(const char* p, size_t lp) {
  for (size_t i = 0; i < lp; ++i) {
    if (std::strchr("^$*+?.([%-", p[i]) && p[i] != '\0') return false;
  }
  return true;
}

int findOrMatch(lua_State* L, bool find) {
  size_t ls = 0;
  size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  const size_t start = startIndex(luaL_optinteger(L, 3, 1), ls);
  if (start > ls + 1) {
    lua_pushnil(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || plain(p, lp))) {
    const void* at = lp == 0 ? s + start - 1 : memmem(s + start - 1, ls - (start - 1), p, lp);
    if (!at) {
      lua_pushnil(L);
      return 1;
    }
    const auto pos = static_cast<const char*>(at) - s;
    lua_pushinteger(L, pos + 1);
    lua_pushinteger(L, pos + static_cast<lua_Integer>(lp));
    return 2;
  }
  Matcher m;
  const bool anchor = lp > 0 && *p == '^';
  if (anchor) {
    ++p;
    --lp;
  }
  init(m, L, s, ls, p, lp);
  const char* s1 = s + start - 1;
  do {
    reset(m);
    if (const char* e = match(m, s1, p)) {
      if (find) {
        lua_pushinteger(L, (s1 - s) + 1);
        lua_pushinteger(L, e - s);
        return pushCaptures(m, nullptr, nullptr) + 2;
      }
      return pushCaptures(m, s1, e);
    }
    step(m);
  } while (s1++ < m.subject_end && !anchor);
  lua_pushnil(L);
  return 1;
}

int strFind(lua_State* L) { return findOrMatch(L, true); }
int strMatch(lua_State* L) { return findOrMatch(L, false); }

struct GMatch {
  const char* src;
  const char* last;
  Matcher m;
};

int gmatchNext(lua_State* L) {
  auto* g = static_cast<GMatch*>(lua_touserdata(L, lua_upvalueindex(3)));
  g->m.L = L;
  g->m.steps = 0;
  for (const char* src = g->src; src <= g->m.subject_end; ++src) {
    reset(g->m);
    const char* e = match(g->m, src, lua_tostring(L, lua_upvalueindex(2)));
    if (e && e != g->last) {
      g->src = g->last = e;
      return pushCaptures(g->m, src, e);
    }
    step(g->m);
  }
  return 0;
}

int strGmatch(lua_State* L) {
  size_t ls = 0;
  size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  const size_t start = startIndex(luaL_optinteger(L, 3, 1), ls);
  lua_settop(L, 2);
  auto* g = static_cast<GMatch*>(lua_newuserdatauv(L, sizeof(GMatch), 0));
  init(g->m, L, s, ls, p, lp);
  g->src = start > ls + 1 ? s + ls + 1 : s + start - 1;
  g->last = nullptr;
  lua_pushcclosure(L, gmatchNext, 3);
  return 1;
}

void addReplacement(Matcher& m, luaL_Buffer& b, const char* s, const char* e, int repl_type) {
  lua_State* L = m.L;
  if (repl_type == LUA_TSTRING || repl_type == LUA_TNUMBER) {
    size_t l = 0;
    const char* r = lua_tolstring(L, 3, &l);
    for (size_t i = 0; i < l; ++i) {
      if (r[i] != '%') {
        luaL_addchar(&b, r[i]);
        continue;
      }
      ++i;
      if (i >= l) fail(m, "invalid use of '%' in replacement string");
      if (r[i] == '%') {
        luaL_addchar(&b, '%');
      } else if (r[i] == '0') {
        luaL_addlstring(&b, s, static_cast<size_t>(e - s));
      } else if (std::isdigit(static_cast<unsigned char>(r[i]))) {
        pushCapture(m, r[i] - '1', s, e);
        luaL_tolstring(L, -1, nullptr);
        lua_remove(L, -2);
        luaL_addvalue(&b);
      } else {
        fail(m, "invalid use of '%' in replacement string");
      }
    }
    return;
  }
  if (repl_type == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    const int n = pushCaptures(m, s, e);
    lua_call(L, n, 1);
  } else {
    pushCapture(m, 0, s, e);
    lua_gettable(L, 3);
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(&b, s, static_cast<size_t>(e - s));
  } else if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  } else {
    luaL_addvalue(&b);
  }
}

int strGsub(lua_State* L) {
  size_t ls = 0;
  size_t lp = 0;
  const char* src = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  const int tr = lua_type(L, 3);
  const lua_Integer max_n = luaL_optinteger(L, 4, static_cast<lua_Integer>(ls) + 1);
  luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                   "string/function/table");
  const size_t cap = Sandbox::of(L)->limits().max_string_bytes;
  const bool anchor = lp > 0 && *p == '^';
  if (anchor) {
    ++p;
    --lp;
  }
  Matcher m;
  init(m, L, src, ls, p, lp);
  const char* last = nullptr;
  lua_Integer n = 0;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (n < max_n) {
    reset(m);
    const char* e = match(m, src, p);
    if (e && e != last) {
      ++n;
      addReplacement(m, b, src, e, tr);
      src = last = e;
    } else if (src < m.subject_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    step(m);
    if (luaL_bufflen(&b) > cap) luaL_error(L, "string.gsub: the result is over the limit of %d bytes", static_cast<int>(cap));
    if (anchor) break;
  }
  luaL_addlstring(&b, src, static_cast<size_t>(m.subject_end - src));
  if (luaL_bufflen(&b) > cap) luaL_error(L, "string.gsub: the result is over the limit of %d bytes", static_cast<int>(cap));
  luaL_pushresult(&b);
  lua_pushinteger(L, n);
  return 2;
}

}  // namespace

void installPatternFunctions(lua_State* L, int idx) {
  lua_pushcfunction(L, strFind);
  lua_setfield(L, idx, "find");
  lua_pushcfunction(L, strMatch);
  lua_setfield(L, idx, "match");
  lua_pushcfunction(L, strGmatch);
  lua_setfield(L, idx, "gmatch");
  lua_pushcfunction(L, strGsub);
  lua_setfield(L, idx, "gsub");
}

}  // namespace outpost::plugins
