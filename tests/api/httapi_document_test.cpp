// The xml/freeswitch-httapi documents against mod_httapi's documented format: a
// <document type="xml/freeswitch-httapi"> with <variables> and <work>; <speak> with the
// `name` the keys are posted in, digit-timeout, input-timeout, loops, terminators and
// <bind> patterns ("~" = regular expression); <execute application data>; <hangup cause>.
// Parsed back with POCO's XML parser, so escaping is checked too.

#include <gtest/gtest.h>

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>

#include "api/httapi_document.h"

namespace outpost::api::httapi {
namespace {

using Poco::AutoPtr;
using Poco::XML::Document;
using Poco::XML::Element;

AutoPtr<Document> parse(const std::string& xml) {
  Poco::XML::DOMParser parser;
  return parser.parseString(xml);
}

StepView menu() {
  StepView v;
  v.session_id = "ivr-fs-1";
  v.language = "en";
  v.say = {"Welcome.", "Press 1 for balance."};
  v.state = "active";
  v.kind = "menu";
  v.expects = "dtmf";
  v.digit_timeout_ms = 6000;
  return v;
}

TEST(HttapiDocument, WaitingNodeSpeaksAndCollectsKeys) {
  auto doc = parse(render(menu()));
  Element* root = doc->documentElement();
  EXPECT_EQ(root->tagName(), "document");
  EXPECT_EQ(root->getAttribute("type"), "xml/freeswitch-httapi");
  ASSERT_NE(root->getChildElement("variables"), nullptr);
  EXPECT_EQ(root->getChildElement("variables")->getChildElement("outpost_ivr_session")->innerText(), "ivr-fs-1");
  EXPECT_EQ(root->getChildElement("variables")->getChildElement("outpost_language")->innerText(), "en");
  Element* work = root->getChildElement("work");
  ASSERT_NE(work, nullptr);
  Element* speak = work->getChildElement("speak");
  ASSERT_NE(speak, nullptr);
  EXPECT_EQ(speak->getAttribute("name"), "outpost_digits");
  EXPECT_EQ(speak->getAttribute("digit-timeout"), "6000");
  EXPECT_EQ(speak->getAttribute("input-timeout"), "3000");
  EXPECT_EQ(speak->getAttribute("loops"), "1");
  EXPECT_EQ(speak->getAttribute("terminators"), "#");
  Element* bind = speak->getChildElement("bind");
  ASSERT_NE(bind, nullptr);
  EXPECT_EQ(bind->innerText(), "~[0-9*#]");
  EXPECT_NE(speak->innerText().find("Welcome. Press 1 for balance."), std::string::npos);
  EXPECT_EQ(work->getChildElement("hangup"), nullptr);
}

TEST(HttapiDocument, CollectNodeTakesSeveralKeys) {
  StepView v = menu();
  v.kind = "collect";
  auto doc = parse(render(v));
  Element* bind = doc->documentElement()->getChildElement("work")->getChildElement("speak")->getChildElement("bind");
  ASSERT_NE(bind, nullptr);
  EXPECT_EQ(bind->innerText(), "~[0-9*]+");
}

TEST(HttapiDocument, TransferSetsTheContactAndTransfers) {
  StepView v = menu();
  v.state = "transferred";
  v.say = {"Connecting you."};
  v.contact_id = "c-123";
  v.transfer_target = transferTarget("agents_{queue} XML outpost", "cards-voice", "c-123");
  EXPECT_EQ(v.transfer_target, "agents_cards-voice XML outpost");
  auto doc = parse(render(v));
  Element* root = doc->documentElement();
  EXPECT_EQ(root->getChildElement("variables")->getChildElement("outpost_contact_id")->innerText(), "c-123");
  Element* work = root->getChildElement("work");
  Element* speak = work->getChildElement("speak");
  ASSERT_NE(speak, nullptr);
  EXPECT_FALSE(speak->hasAttribute("name")) << "nothing to collect";
  EXPECT_EQ(speak->getChildElement("bind"), nullptr);
  Element* exec = work->getChildElement("execute");
  ASSERT_NE(exec, nullptr);
  EXPECT_EQ(exec->getAttribute("application"), "transfer");
  EXPECT_EQ(exec->getAttribute("data"), "agents_cards-voice XML outpost");
}

TEST(HttapiDocument, EndedSessionHangsUp) {
  for (const char* state : {"self_served", "hung_up", "expired"}) {
    StepView v = menu();
    v.state = state;
    auto doc = parse(render(v));
    Element* hangup = doc->documentElement()->getChildElement("work")->getChildElement("hangup");
    ASSERT_NE(hangup, nullptr) << state;
    EXPECT_EQ(hangup->getAttribute("cause"), "NORMAL_CLEARING");
  }
}

TEST(HttapiDocument, PromptTextCannotInjectElements) {
  StepView v = menu();
  v.say = {"</speak><execute application=\"bridge\" data=\"sofia/x\"/>", "a & b 'q' \x01 中文"};
  const std::string xml = render(v);
  auto doc = parse(xml);
  Element* work = doc->documentElement()->getChildElement("work");
  EXPECT_EQ(work->getChildElement("execute"), nullptr);
  EXPECT_NE(work->getChildElement("speak")->innerText().find("</speak><execute application=\"bridge\""),
            std::string::npos);
  EXPECT_NE(work->getChildElement("speak")->innerText().find("a & b 'q'  中文"), std::string::npos);
  EXPECT_EQ(escape("<>&\"'"), "&lt;&gt;&amp;&quot;&apos;");
}

TEST(HttapiDocument, EmptyDocumentHasNoWork) {
  auto doc = parse(emptyDocument());
  EXPECT_EQ(doc->documentElement()->getAttribute("type"), "xml/freeswitch-httapi");
  EXPECT_EQ(doc->documentElement()->getChildElement("work")->firstChild(), nullptr);
}

}  // namespace
}  // namespace outpost::api::httapi

namespace outpost::api::httapi {
namespace {

TEST(HttapiForm, DecodesAsModHttapiPosts) {
  auto f = parseForm("session_id=3f2a&Caller-Caller-ID-Number=%2B86138&outpost_digits=12%23&note=a+b&empty=&flag");
  ASSERT_TRUE(f.isOk()) << f.status().toString();
  EXPECT_EQ(f->at("session_id"), "3f2a");
  EXPECT_EQ(f->at("Caller-Caller-ID-Number"), "+86138");
  EXPECT_EQ(f->at("outpost_digits"), "12#");
  EXPECT_EQ(f->at("note"), "a b");
  EXPECT_EQ(f->at("empty"), "");
  EXPECT_EQ(f->at("flag"), "");
  EXPECT_TRUE(parseForm("")->empty());
  EXPECT_FALSE(parseForm("a=%zz").isOk());
}

}  // namespace
}  // namespace outpost::api::httapi
