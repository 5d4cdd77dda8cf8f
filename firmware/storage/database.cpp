#include "storage/database.h"

#include <cctype>
#include <utility>

namespace outpost::storage {
namespace {

// SQLITE_TRANSIENT is an old-style cast in sqlite3.h; spell it without one.
sqlite3_destructor_type transient() {
  return reinterpret_cast<sqlite3_destructor_type>(static_cast<intptr_t>(-1));
}

// Non-null pointer for empty text/blobs: SQLite binds NULL for a null pointer.
const char* nonNull(std::string_view s) { return s.data() != nullptr ? s.data() : ""; }

// SQL shortened for error messages.
std::string shortSql(std::string_view sql) {
  constexpr size_t kMax = 80;
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= kMax) {
      out += "...";
      break;
    }
  }
  return out;
}

bool onlySpaceOrSemicolons(const char* p) {
  if (p == nullptr) return true;
  for (; *p != '\0'; ++p) {
    if (*p != ';' && std::isspace(static_cast<unsigned char>(*p)) == 0) return false;
  }
  return true;
}

std::string lowerWord(std::string_view text, size_t& pos) {
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])) != 0) ++pos;
  std::string word;
  while (pos < text.size()) {
    const char c = text[pos];
    if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == '(' || c == ';' || c == ',') break;
    word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    ++pos;
  }
  return word;
}

// "inserting into skills", "updating agents", ... from the statement's text.
std::string describeStatement(std::string_view sql) {
  size_t pos = 0;
  std::string verb = lowerWord(sql, pos);
  if (verb == "with") return "running \"" + shortSql(sql) + "\"";
  if (verb == "insert" || verb == "replace") {
    std::string w = lowerWord(sql, pos);
    if (w == "or") {
      lowerWord(sql, pos);      // conflict resolution
      w = lowerWord(sql, pos);  // "into"
    }
    if (w == "into") return "inserting into " + lowerWord(sql, pos);
  } else if (verb == "update") {
    std::string w = lowerWord(sql, pos);
    if (w == "or") {
      lowerWord(sql, pos);
      w = lowerWord(sql, pos);
    }
    return "updating " + w;
  } else if (verb == "delete") {
    if (lowerWord(sql, pos) == "from") return "deleting from " + lowerWord(sql, pos);
  } else if (verb == "select") {
    return "reading \"" + shortSql(sql) + "\"";
  }
  return "running \"" + shortSql(sql) + "\"";
}

// Runs a one-row pragma without the statement cache; returns its first column.
Result<std::string> pragmaValue(Database& db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db.handle(), sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    Status st = db.errorStatus(rc, std::string("running \"") + sql + "\"");
    sqlite3_finalize(stmt);
    return st;
  }
  rc = sqlite3_step(stmt);
  std::string value;
  if (rc == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    if (text != nullptr) value.assign(reinterpret_cast<const char*>(text));
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  }
  Status st = rc == SQLITE_OK ? Status::ok() : db.errorStatus(rc, std::string("running \"") + sql + "\"");
  sqlite3_finalize(stmt);
  if (!st) return st;
  return value;
}

}  // namespace

// --- Query -------------------------------------------------------------------------

Query::Query(Query&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      owned_(other.owned_),
      bind_rc_(other.bind_rc_),
      bind_index_(other.bind_index_) {}

Query::~Query() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  db_->borrowed_.erase(stmt_);
}

Query& Query::noteBind(int index, int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
    bind_index_ = index;
  }
  return *this;
}

Query& Query::bind(int index, int64_t value) {
  if (stmt_ == nullptr) return noteBind(index, SQLITE_MISUSE);
  return noteBind(index, sqlite3_bind_int64(stmt_, index, value));
}

Query& Query::bind(int index, double value) {
  if (stmt_ == nullptr) return noteBind(index, SQLITE_MISUSE);
  return noteBind(index, sqlite3_bind_double(stmt_, index, value));
}

Query& Query::bind(int index, std::string_view text) {
  if (stmt_ == nullptr) return noteBind(index, SQLITE_MISUSE);
  return noteBind(index,
                  sqlite3_bind_text64(stmt_, index, nonNull(text), text.size(), transient(), SQLITE_UTF8));
}

Query& Query::bindBlob(int index, std::string_view bytes) {
  if (stmt_ == nullptr) return noteBind(index, SQLITE_MISUSE);
  return noteBind(index, sqlite3_bind_blob64(stmt_, index, nonNull(bytes), bytes.size(), transient()));
}

Query& Query::bindNull(int index) {
  if (stmt_ == nullptr) return noteBind(index, SQLITE_MISUSE);
  return noteBind(index, sqlite3_bind_null(stmt_, index));
}

std::string Query::context() const {
  const char* sql = stmt_ != nullptr ? sqlite3_sql(stmt_) : nullptr;
  return describeStatement(sql != nullptr ? sql : "");
}

Result<bool> Query::step() {
  if (stmt_ == nullptr) return Status::internal("stepping a moved-from or invalid query");
  if (bind_rc_ != SQLITE_OK) {
    return Status::internal(context() + ": binding parameter " + std::to_string(bind_index_) +
                            " failed: " + sqlite3_errstr(bind_rc_));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->errorStatus(rc, context());
}

Status Query::exec() {
  for (;;) {
    Result<bool> row = step();
    if (!row) return row.status();
    if (!*row) return Status::ok();
  }
}

int64_t Query::columnInt(int col) const { return sqlite3_column_int64(stmt_, col); }

double Query::columnDouble(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Query::columnText(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  const int n = sqlite3_column_bytes(stmt_, col);
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(n));
}

std::string Query::columnBlob(int col) const {
  const void* blob = sqlite3_column_blob(stmt_, col);
  if (blob == nullptr) return {};
  const int n = sqlite3_column_bytes(stmt_, col);
  return std::string(static_cast<const char*>(blob), static_cast<size_t>(n));
}

bool Query::columnIsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::optional<std::string> Query::columnOptText(int col) const {
  if (columnIsNull(col)) return std::nullopt;
  return columnText(col);
}

std::optional<int64_t> Query::columnOptInt(int col) const {
  if (columnIsNull(col)) return std::nullopt;
  return columnInt(col);
}

// --- Database ----------------------------------------------------------------------

Result<std::unique_ptr<Database>> Database::open(const std::string& path, const OpenOptions& options) {
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  // From here on the Database owns the handle (even a failed open allocates one).
  std::unique_ptr<Database> db(new Database(handle, path));
  if (handle == nullptr) return Status::resourceExhausted("opening database " + path + ": out of memory");
  sqlite3_extended_result_codes(handle, 1);
  if (rc != SQLITE_OK) {
    Status st = db->errorStatus(rc, "opening database " + path);
    if ((rc & 0xff) == SQLITE_CANTOPEN) return Status::unavailable(st.message());
    return st;
  }
  sqlite3_busy_timeout(handle, options.busy_timeout_ms);

  // Errors while setting up the connection name the file.
  auto inFile = [&path](const Status& st) {
    return Status(st.code(), "opening database " + path + ": " + st.message());
  };
  if (options.read_only) {
    if (Status st = db->exec("PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"); !st) return inFile(st);
    // Reading the schema now turns "not a database" into an error at open time.
    Result<std::string> version = pragmaValue(*db, "PRAGMA schema_version");
    if (!version) return inFile(version.status());
    return db;
  }

  Result<std::string> mode = pragmaValue(*db, "PRAGMA journal_mode=WAL");
  if (!mode) return inFile(mode.status());
  if (*mode != "wal") {
    return Status::failedPrecondition("opening database " + path +
                                      ": could not switch to WAL journal mode (journal_mode is \"" + *mode +
                                      "\"); is the file on a local file system?");
  }
  if (Status st = db->exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !st) return inFile(st);
  return db;
}

Database::~Database() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  statements_.clear();
  // close_v2 so a forgotten statement cannot make the close fail and leak the handle.
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Status Database::exec(std::string_view sql) {
  const std::string text(sql);  // sqlite3_exec needs NUL-terminated text
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::ok();
  return errorStatus(rc, "running \"" + shortSql(sql) + "\"");
}

Result<Query> Database::query(std::string_view sql) {
  std::string key(sql);
  auto it = statements_.find(key);
  if (it != statements_.end() && !borrowed_.contains(it->second)) {
    borrowed_.insert(it->second);
    return Query(*this, it->second);
  }
  const bool cache = it == statements_.end();
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                    cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return errorStatus(rc, "preparing \"" + shortSql(sql) + "\"");
  }
  if (stmt == nullptr)
    return Status::internal("preparing \"" + shortSql(sql) + "\": no statement in the text");
  if (!onlySpaceOrSemicolons(tail)) {
    sqlite3_finalize(stmt);
    return Status::internal("preparing \"" + shortSql(sql) + "\": more than one statement; use exec()");
  }
  if (!cache) {
    Query q(*this, stmt);
    q.owned_ = true;
    return q;
  }
  statements_.emplace(std::move(key), stmt);
  borrowed_.insert(stmt);
  return Query(*this, stmt);
}

int64_t Database::lastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

Status Database::errorStatus(int rc, std::string_view context) const {
  // Prefer the connection's extended code and message when they belong to `rc`.
  int code = rc;
  std::string detail;
  const int last = db_ != nullptr ? sqlite3_extended_errcode(db_) : SQLITE_OK;
  if (db_ != nullptr && (last & 0xff) == (rc & 0xff)) {
    if (rc == (rc & 0xff)) code = last;
    detail = sqlite3_errmsg(db_);
  } else {
    detail = sqlite3_errstr(rc);
  }
  std::string message = std::string(context) + ": " + detail;

  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      switch (code) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
          return Status::alreadyExists(std::move(message));
        case SQLITE_CONSTRAINT_FOREIGNKEY:
          return Status::failedPrecondition(std::move(message));
        case SQLITE_CONSTRAINT_TRIGGER:
          // ON DELETE/UPDATE RESTRICT is enforced like a trigger and reported so.
          if (detail.starts_with("FOREIGN KEY constraint failed")) {
            return Status::failedPrecondition(std::move(message));
          }
          return Status::internal(std::move(message));
        case SQLITE_CONSTRAINT_CHECK:
          return Status::invalidArgument(std::move(message));
        default:
          return Status::internal(std::move(message));
      }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::unavailable(std::move(message));
    case SQLITE_FULL:
      return Status::resourceExhausted(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::dataLoss(std::move(message));
    default:
      return Status::internal(std::move(message));
  }
}

}  // namespace outpost::storage
