#include "site/demo.h"

#include <map>

namespace outpost::site {

const DemoSite& demoSite() {
  static const DemoSite kDemo = [] {
    DemoSite d;
    d.site = Site{"demo-bank-bj01", {"示例银行北京朝阳支行", "Demo Bank Beijing Chaoyang Branch"}, "Asia/Shanghai", "zh-CN"};
    d.skills = {
        {"account", {"账户服务", "Account services"}},
        {"cards", {"银行卡业务", "Card services"}},
        {"loans", {"贷款业务", "Loans"}},
        {"wealth", {"理财业务", "Wealth management"}},
        {"complaints", {"投诉处理", "Complaint handling"}},
        {"english", {"英语服务", "English service"}},
    };
    const std::vector<std::string> zh{"zh-CN"};
    const std::vector<std::string> both{"zh-CN", "en"};
    d.agents = {
        {"a01", {"王芳", "Wang Fang"}, both, "team-a", 1, 1, 3, {{"account", 5}, {"complaints", 5}, {"wealth", 4}, {"english", 4}}},
        {"a02", {"李强", "Li Qiang"}, zh, "team-a", 1, 1, 3, {{"loans", 5}, {"wealth", 5}, {"complaints", 4}}},
        {"a03", {"张伟", "Zhang Wei"}, both, "team-a", 1, 1, 3, {{"cards", 5}, {"account", 4}, {"complaints", 4}, {"english", 5}}},
        {"a04", {"刘洋", "Liu Yang"}, zh, "team-a", 2, 1, 3, {{"account", 4}, {"cards", 4}, {"complaints", 3}}},
        {"a05", {"陈静", "Chen Jing"}, both, "team-b", 2, 1, 3, {{"wealth", 4}, {"loans", 3}, {"english", 3}}},
        {"a06", {"杨磊", "Yang Lei"}, zh, "team-b", 2, 1, 3, {{"loans", 4}, {"account", 3}}},
        {"a07", {"赵敏", "Zhao Min"}, zh, "team-b", 3, 1, 3, {{"account", 3}, {"cards", 3}}},
        {"a08", {"黄磊", "Huang Lei"}, zh, "team-b", 3, 1, 2, {{"cards", 3}, {"loans", 2}}},
        {"a09", {"周婷", "Zhou Ting"}, both, "team-c", 3, 0, 3, {{"account", 3}, {"english", 3}}},
        {"a10", {"吴昊", "Wu Hao"}, zh, "team-c", 4, 1, 2, {{"account", 2}, {"cards", 2}}},
        {"a11", {"徐丽", "Xu Li"}, zh, "team-c", 4, 1, 2, {{"account", 2}}},
        {"a12", {"孙浩", "Sun Hao"}, zh, "team-c", 4, 0, 3, {{"cards", 1}, {"account", 1}}},
    };
    d.queues = {
        {"retail-voice", {"个人业务热线", "Retail banking line"}, Channel::kVoice, 80, 20, 15, {{"account", 1}}},
        {"cards-voice", {"银行卡热线", "Card services line"}, Channel::kVoice, 80, 20, 15, {{"cards", 1}}},
        {"wealth-voice", {"贷款与理财热线", "Loans and wealth line"}, Channel::kVoice, 85, 30, 20, {{"wealth", 2}}},
        {"online-chat", {"在线客服", "Online chat"}, Channel::kChat, 90, 60, 30, {{"account", 1}}},
    };
    // Reward-style allocation: the quality × efficiency scores of the last review.
    const std::map<std::string, double> scores{{"a01", 1.8}, {"a02", 1.6}, {"a03", 1.7}, {"a04", 1.3},
                                               {"a05", 1.2}, {"a06", 1.1}, {"a07", 1.0}, {"a08", 0.9},
                                               {"a09", 1.0}, {"a10", 0.8}, {"a11", 0.7}, {"a12", 0.6}};
    for (auto& a : d.agents) a.reward_score = scores.at(a.id);
    // Targeted practice: newer agents get low-risk contacts in the skills they are learning.
    d.agents[9].practice_skills = {"loans"};     // a10
    d.agents[10].practice_skills = {"cards"};    // a11
    d.agents[11].practice_skills = {"english"};  // a12
    // Tier rings: VIP and complaints start with the senior tiers, standard contacts with the
    // newer ones (seed 003's "ladder"); both widen while they wait.
    const std::vector<RingRule> rings = {
        {"complaint", 0, 1, 2}, {"complaint", 30, 1, 3},
        {"vip", 0, 1, 2},       {"vip", 30, 1, 3},
        {"standard", 0, 3, 4},  {"standard", 20, 2, 4},
        {"*", 0, 2, 4},
    };
    for (auto& q : d.queues) q.rings = rings;
    d.queues[1].strategy = "reward_weighted";  // cards-voice
    d.queues[2].strategy = "reward_weighted";  // wealth-voice
    d.queues[3].strategy = "least_occupied";   // online-chat
    d.queues[3].wrap_up_s = 5;
    d.wrapup_codes = {
        {"resolved", {"已解决", "Resolved"}, true},
        {"callback", {"需回电", "Callback needed"}, true},
        {"transferred", {"已转接", "Transferred"}, true},
        {"complaint-logged", {"投诉已登记", "Complaint logged"}, true},
        {"sales-lead", {"销售线索", "Sales lead"}, true},
        {"no-action", {"无需处理", "No action needed"}, true},
    };
    d.not_ready_reasons = {
        {"break", {"休息", "Break"}},
        {"lunch", {"午餐", "Lunch"}},
        {"training", {"培训学习", "Training"}},
        {"meeting", {"会议", "Meeting"}},
    };
    for (const auto& a : d.agents) {
      d.users.push_back(User{"agent" + a.id.substr(1), Role::kAgent, a.id, a.name.zh, false});
    }
    d.users.push_back(User{"supervisor", Role::kSupervisor, std::nullopt, "值班主管 Duty supervisor", false});
    d.users.push_back(User{"admin", Role::kAdmin, std::nullopt, "站点管理员 Site admin", false});
    return d;
  }();
  return kDemo;
}

}  // namespace outpost::site
