// The seed-001 competency model ("智能化趋势下呼叫中心人员胜任力转型探索"): three
// dimensions, eleven items, 33 questions scored 1 (poor) to 5 (good). The seed names
// the dimensions and the pilot's three weakest items (interpersonal skill 3.32,
// affinity 3.53, understanding 3.62); the other items and the questions are written
// for Outpost from the seed's definitions of each dimension.

#include "learning/framework.h"

namespace outpost::learning {
namespace {

Framework build() {
  Framework f;
  f.id = "seed-001";
  f.version = 1;
  f.name = {"呼叫中心人员胜任力模型", "Contact-center agent competency model"};
  f.dimensions = {
      {"work-ability", {"工作能力", "Work ability"}},
      {"professional-knowledge", {"专业知识", "Professional knowledge"}},
      {"professional-quality", {"职业素质", "Professional quality"}},
  };
  f.items = {
      {"interpersonal", "work-ability", {"人际交往能力", "Interpersonal skill"}},
      {"affinity", "work-ability", {"亲和力", "Affinity"}},
      {"understanding", "work-ability", {"理解能力", "Understanding"}},
      {"expression", "work-ability", {"沟通表达能力", "Clear expression"}},
      {"soothing", "work-ability", {"情绪安抚能力", "Calming customers"}},
      {"problem-solving", "work-ability", {"问题解决能力", "Problem solving"}},
      {"business-knowledge", "professional-knowledge", {"业务知识", "Product and service knowledge"}},
      {"marketing-knowledge", "professional-knowledge", {"营销知识", "Sales and marketing knowledge"}},
      {"verification", "professional-knowledge", {"查证与运用能力", "Looking up and applying knowledge"}},
      {"service-awareness", "professional-quality", {"主动服务意识", "Proactive service"}},
      {"loyalty", "professional-quality", {"企业忠诚度", "Commitment to the organisation"}},
  };
  f.questions = {
      {"interpersonal-1", "interpersonal", {"能与不同类型的客户建立良好的关系", "Builds a good relationship with very different kinds of customers"}},
      {"interpersonal-2", "interpersonal", {"在意见不一致时仍能保持合作的态度", "Stays cooperative when the customer disagrees"}},
      {"interpersonal-3", "interpersonal", {"能与同事和其他部门顺畅协作解决客户问题", "Works smoothly with colleagues and other teams to solve a customer's problem"}},
      {"affinity-1", "affinity", {"语气亲切自然,让客户愿意交流", "Sounds warm and natural, so customers want to talk"}},
      {"affinity-2", "affinity", {"能与客户产生情感上的共鸣", "Connects with the customer's feelings"}},
      {"affinity-3", "affinity", {"称呼、问候和结束语得体,让客户感到被尊重", "Greets, addresses and closes in a way that makes the customer feel respected"}},
      {"understanding-1", "understanding", {"能准确听出客户的真实诉求", "Hears what the customer really needs"}},
      {"understanding-2", "understanding", {"能换位思考,从客户角度理解问题", "Puts themself in the customer's place to understand the problem"}},
      {"understanding-3", "understanding", {"复述确认客户问题,避免误解", "Restates the problem to confirm it and avoid misunderstandings"}},
      {"expression-1", "expression", {"解释业务时条理清楚、简明易懂", "Explains products and rules clearly, in order and in plain words"}},
      {"expression-2", "expression", {"避免使用客户听不懂的专业术语", "Avoids jargon the customer does not understand"}},
      {"expression-3", "expression", {"能根据客户反应调整表达方式", "Adjusts how they explain to the customer's reactions"}},
      {"soothing-1", "soothing", {"面对情绪激动的客户能保持冷静", "Stays calm with an upset customer"}},
      {"soothing-2", "soothing", {"能有效安抚客户情绪,化解不满", "Calms the customer and defuses dissatisfaction"}},
      {"soothing-3", "soothing", {"处理投诉时先处理情绪再处理事情", "In a complaint, deals with feelings first and then with the facts"}},
      {"problem-solving-1", "problem-solving", {"能快速定位问题并给出解决方案", "Finds the problem quickly and offers a solution"}},
      {"problem-solving-2", "problem-solving", {"对疑难问题能主动跟进直至解决", "Follows a difficult case through until it is solved"}},
      {"problem-solving-3", "problem-solving", {"能一次性解决客户问题,减少重复来电", "Solves the problem in one contact, so the customer need not call again"}},
      {"business-knowledge-1", "business-knowledge", {"熟练掌握主要产品和业务规则", "Knows the main products and business rules well"}},
      {"business-knowledge-2", "business-knowledge", {"及时掌握新业务和政策变化", "Keeps up with new products and policy changes"}},
      {"business-knowledge-3", "business-knowledge", {"解答业务问题准确无误", "Answers product questions accurately"}},
      {"marketing-knowledge-1", "marketing-knowledge", {"了解当前的营销活动和优惠", "Knows the current campaigns and offers"}},
      {"marketing-knowledge-2", "marketing-knowledge", {"能根据客户需求推荐合适的产品", "Recommends products that fit the customer's needs"}},
      {"marketing-knowledge-3", "marketing-knowledge", {"推荐产品时尊重客户意愿,不强行推销", "Respects the customer's wishes and never pushes a sale"}},
      {"verification-1", "verification", {"能快速在知识库中查到所需信息", "Finds what they need in the knowledge base quickly"}},
      {"verification-2", "verification", {"不确定时先查证再答复,不凭猜测回答", "Checks before answering when unsure, never guesses"}},
      {"verification-3", "verification", {"能把查到的信息灵活运用到客户的具体情况", "Applies what they looked up to the customer's own situation"}},
      {"service-awareness-1", "service-awareness", {"主动发现并提醒客户可能遇到的问题", "Spots and mentions problems the customer may run into"}},
      {"service-awareness-2", "service-awareness", {"在客户开口前主动提供帮助", "Offers help before the customer has to ask"}},
      {"service-awareness-3", "service-awareness", {"对服务质量有高标准的自我要求", "Holds themself to a high standard of service"}},
      {"loyalty-1", "loyalty", {"认同企业的服务理念和价值观", "Shares the organisation's service values"}},
      {"loyalty-2", "loyalty", {"维护企业形象,遵守纪律和规范", "Protects the organisation's reputation and follows its rules"}},
      {"loyalty-3", "loyalty", {"愿意为团队和企业的发展付出努力", "Puts effort into the team's and the organisation's progress"}},
  };
  return f;
}

}  // namespace

const Framework& defaultFramework() {
  static const Framework f = build();
  return f;
}

}  // namespace outpost::learning
