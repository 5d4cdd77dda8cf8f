-- default: segment, skill and priority classification in zh-CN and English (plugin API 1).
-- First match wins: fraud > card loss > complaint > VIP. See docs/plugin-api.md.

local find, lower, upper, max = string.find, string.lower, string.upper, math.max

local RULES = {
  {segment = 'fraud', skill = 'fraud', level = 3, priority = 95,
   words = {'fraud', 'scam', 'stolen', 'unauthorized', '盗刷', '诈骗', '被盗', '欺诈'}},
  {segment = 'card_loss', skill = 'cards', level = 2, priority = 90,
   words = {'lost card', 'lost my card', 'card lost', 'block my card', '挂失', '卡丢', '丢卡', '丢了'}},
  {segment = 'complaint', skill = 'complaints', level = 2, priority = 70,
   words = {'complain', 'complaint', 'angry', 'unacceptable', '投诉', '不满', '生气', '太差'}},
  {segment = 'vip', words = {'vip', '贵宾'}},  -- after the value test (classify_contact)
}

-- Built at load time: every rule's keywords, lowercased, in rule order, in two lists —
-- ASCII words and the others (zh-CN) — with the rule each belongs to, so a call walks
-- only the list(s) its text can match, once, and stops at the first hit.
local WORDS = {ascii = {words = {}, rule = {}}, other = {words = {}, rule = {}}}
for i, r in ipairs(RULES) do
  for _, w in ipairs(r.words) do
    local list = find(w, '[\128-\255]') and WORDS.other or WORDS.ascii
    list.words[#list.words + 1] = lower(w)
    list.rule[#list.rule + 1] = i
  end
end

-- The first rule before `best` with a keyword in `text` (else `best`).
local function firstRule(text, list, best)
  local words, rule = list.words, list.rule
  for k = 1, #words do
    local r = rule[k]
    if r >= best then return best end
    if find(text, words[k], 1, true) then return r end
  end
  return best
end

local VIP = #RULES

function classify_contact(contact, ctx)
  local attrs = contact.attributes or {}
  local text = attrs.text or ''
  -- The first rule whose intent is the contact's, or whose keyword its text mentions.
  local best = VIP + 1
  local intent = contact.intent
  for i = 1, VIP - 1 do
    if intent == RULES[i].segment then best = i break end
  end
  if text ~= '' then
    -- Pure ASCII text (the common English case) can only match ASCII words; other text
    -- the others, and ASCII words only when it has ASCII letters (which lower or upper
    -- changes).
    local other = utf8.len(text) ~= #text
    local lowered = lower(text)
    if not other or lowered ~= text or upper(text) ~= text then best = firstRule(lowered, WORDS.ascii, best) end
    if other then best = firstRule(lowered, WORDS.other, best) end
  end
  if best < VIP then
    local r = RULES[best]
    return {segment = r.segment, priority = max(contact.priority or 0, r.priority), skills = {[r.skill] = r.level}}
  end
  if best == VIP or (contact.value or 0) >= ctx.config.vip_value or attrs.vip == 'true' then
    return {segment = 'vip', priority = max(contact.priority or 0, ctx.config.vip_priority)}
  end
  return nil
end

-- Incentives and alerts (on_event): points for resolved contacts (more on first
-- contact, more again for a heavy segment), an alert when a VIP or fraud caller
-- gives up after waiting longer than `abandon_alert_s`.
local HEAVY = {fraud = true, complaint = true, card_loss = true}

function on_event(event, ctx)
  if event.type == 'completed' then
    if not event.outcome.resolved then return nil end
    local points = event.outcome.first_contact_resolution and 3 or 1
    if HEAVY[event.contact.segment] then points = points + 2 end
    return {{kind = 'points', agent = event.agent, points = points,
             reason = 'resolved ' .. event.contact.segment .. ' contact ' .. event.contact.id}}
  end
  if event.type == 'abandoned' then
    local seg = event.contact.segment
    if (seg == 'vip' or seg == 'fraud') and event.wait_ms >= ctx.config.abandon_alert_s * 1000 then
      return {{kind = 'alert', severity = 'warning',
               message = seg .. ' contact ' .. event.contact.id .. ' abandoned after ' ..
                         math.floor(event.wait_ms / 1000) .. ' s'}}
    end
  end
  return nil
end
