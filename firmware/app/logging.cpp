#include "app/logging.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/Formatter.h>
#include <Poco/FormattingChannel.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/PatternFormatter.h>

#include <sstream>

namespace outpost::app {
namespace {

const char* priorityName(Poco::Message::Priority p) {
  switch (p) {
    case Poco::Message::PRIO_FATAL: return "fatal";
    case Poco::Message::PRIO_CRITICAL: return "critical";
    case Poco::Message::PRIO_ERROR: return "error";
    case Poco::Message::PRIO_WARNING: return "warning";
    case Poco::Message::PRIO_NOTICE: return "notice";
    case Poco::Message::PRIO_INFORMATION: return "information";
    case Poco::Message::PRIO_DEBUG: return "debug";
    case Poco::Message::PRIO_TRACE: return "trace";
  }
  return "information";
}

class JsonFormatter final : public Poco::Formatter {
 public:
  void format(const Poco::Message& msg, std::string& text) override {
    Poco::JSON::Object o;
    o.set("time", Poco::DateTimeFormatter::format(msg.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ"));
    o.set("level", priorityName(msg.getPriority()));
    o.set("logger", msg.getSource());
    o.set("thread", msg.getThread());
    o.set("message", msg.getText());
    std::ostringstream out;
    o.stringify(out);
    text = out.str();
  }
};

}  // namespace

void setupLogging(const std::string& level, const std::string& format) {
  Poco::AutoPtr<Poco::Formatter> formatter;
  if (format == "json") {
    formatter = new JsonFormatter;
  } else {
    formatter = new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t");
  }
  Poco::AutoPtr<Poco::Channel> console(new Poco::ConsoleChannel);  // std::clog, i.e. stderr
  Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, console));
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::root().setLevel(level);
  // Loggers created before this point keep their old settings; reset them all.
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
}

}  // namespace outpost::app
