-- demo-bank: classification and ranking rules for the demo bank site (plugin API 1).
-- Hooks get plain tables; ctx.now is the decision's time (epoch ms), ctx.config the
-- bundle's declared config (read-only). See docs/plugin-api.md.

local FRAUD_WORDS = {'fraud', 'stolen', 'lost card', '盗刷', '挂失', '被盗'}
local COMPLAINT_WORDS = {'complain', 'complaint', 'angry', '投诉', '不满'}

local function mentions(text, words)
  local lower = string.lower(text)
  for _, w in ipairs(words) do
    if string.find(lower, w, 1, true) then return true end
  end
  return false
end

function classify_contact(contact, ctx)
  local text = contact.attributes.text or ''
  if mentions(text, FRAUD_WORDS) or contact.intent == 'card_fraud' then
    outpost.log('fraud contact', contact.id)
    return {segment = 'vip', priority = 95, skills = {fraud = 3}}
  end
  if mentions(text, COMPLAINT_WORDS) or contact.intent == 'complaint' then
    return {segment = 'complaint', priority = math.max(contact.priority, 70)}
  end
  if contact.value >= ctx.config.vip_value then
    return {segment = 'vip', priority = math.max(contact.priority, ctx.config.vip_priority)}
  end
  -- Outside office hours (UTC+8) standard contacts wait a little less.
  local hour = (os.date('!*t', ctx.now // 1000).hour + 8) % 24
  if hour < 9 or hour >= 18 then
    return {priority = math.min(100, contact.priority + 10)}
  end
  return nil
end

-- VIP and complaint contacts: the agent with the best level in the contact's first
-- skill first, then the built-in order; others keep the built-in order (nil).
function rank_candidates(contact, candidates, ctx)
  if contact.segment ~= 'vip' and contact.segment ~= 'complaint' then return nil end
  local skill = next(contact.skills)
  if not skill then return nil end
  local order = {}
  for i, c in ipairs(candidates) do order[i] = {c = c, i = i} end
  table.sort(order, function(a, b)
    local la, lb = a.c.skills[skill] or 0, b.c.skills[skill] or 0
    if la ~= lb then return la > lb end
    return a.i < b.i
  end)
  local out = {}
  for i, e in ipairs(order) do out[i] = e.c.id end
  return out
end

-- IVR (flow.json, nodes "main" and "ask"): key 8 at the main menu is the private
-- banking line (not a menu option: the rule takes it); a caller at "ask" who mentions
-- fraud goes straight to a card specialist, ahead of the intent model. Anything else:
-- nil, and the node's own behaviour applies. ("next" names the node to enter: Lua
-- reserves "goto".)
local FRAUD_IVR_WORDS = {'fraud', 'scam', 'stolen', '盗刷', '诈骗', '被盗'}

function ivr_action(session, input, ctx)
  if session.node == 'main' and input.dtmf == '8' then
    return {next = 'to_wealth', slots = {line = 'private_banking'},
            say = {zh = '私人银行专线。', en = 'Private banking line.'}}
  end
  if session.node == 'ask' and input.text and mentions(input.text, FRAUD_IVR_WORDS) then
    return {say = {zh = '听起来可能是盗刷，正在为您优先转接反欺诈专员。',
                   en = 'This sounds like fraud: connecting you to a card specialist first.'},
            transfer = {queue = 'cards-voice', chat_queue = 'online-chat', priority = 95, segment = 'fraud',
                        skills = {cards = 3}}}
  end
  return nil
end
