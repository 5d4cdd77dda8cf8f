-- default: segment, skill and priority classification in zh-CN and English (plugin API 1).
-- First match wins: fraud > card loss > complaint > VIP. See docs/plugin-api.md.

local RULES = {
  {segment = 'fraud', skill = 'fraud', level = 3, priority = 95,
   words = {'fraud', 'scam', 'stolen', 'unauthorized', '盗刷', '诈骗', '被盗', '欺诈'}},
  {segment = 'card_loss', skill = 'cards', level = 2, priority = 90,
   words = {'lost card', 'lost my card', 'card lost', 'block my card', '挂失', '卡丢', '丢卡', '丢了'}},
  {segment = 'complaint', skill = 'complaints', level = 2, priority = 70,
   words = {'complain', 'complaint', 'angry', 'unacceptable', '投诉', '不满', '生气', '太差'}},
}

local function mentions(text, words)
  local lower = string.lower(text)
  for _, w in ipairs(words) do
    if string.find(lower, w, 1, true) then return true end
  end
  return false
end

function classify_contact(contact, ctx)
  local attrs = contact.attributes or {}
  local text = attrs.text or ''
  for _, r in ipairs(RULES) do
    if contact.intent == r.segment or mentions(text, r.words) then
      return {segment = r.segment, priority = math.max(contact.priority or 0, r.priority),
              skills = {[r.skill] = r.level}}
    end
  end
  if (contact.value or 0) >= ctx.config.vip_value or attrs.vip == 'true' or mentions(text, {'vip', '贵宾'}) then
    return {segment = 'vip', priority = math.max(contact.priority or 0, ctx.config.vip_priority)}
  end
  return nil
end
