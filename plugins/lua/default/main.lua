-- default: segment, skill and priority classification in zh-CN and English (plugin API 1).
-- First match wins: fraud > card loss > complaint > VIP. See docs/plugin-api.md.

local find, lower, upper, max = string.find, string.lower, string.upper, math.max

-- Keyword lists are split at load time into ASCII words and the others (zh-CN), each
-- lowercased once, so a call only searches the lists its text can match.
local function wordSets(words)
  local set = {ascii = {}, other = {}}
  for _, w in ipairs(words) do
    local list = find(w, '[\128-\255]') and set.other or set.ascii
    list[#list + 1] = lower(w)
  end
  return set
end

local RULES = {
  {segment = 'fraud', skill = 'fraud', level = 3, priority = 95,
   words = {'fraud', 'scam', 'stolen', 'unauthorized', '盗刷', '诈骗', '被盗', '欺诈'}},
  {segment = 'card_loss', skill = 'cards', level = 2, priority = 90,
   words = {'lost card', 'lost my card', 'card lost', 'block my card', '挂失', '卡丢', '丢卡', '丢了'}},
  {segment = 'complaint', skill = 'complaints', level = 2, priority = 70,
   words = {'complain', 'complaint', 'angry', 'unacceptable', '投诉', '不满', '生气', '太差'}},
}
for _, r in ipairs(RULES) do r.words = wordSets(r.words) end
local VIP_WORDS = wordSets({'vip', '贵宾'})

local function anyOf(text, list)
  for i = 1, #list do
    if find(text, list[i], 1, true) then return true end
  end
  return false
end

-- `text` is lowercased; `ascii`/`other`: whether it has ASCII letters / other bytes.
local function mentions(text, ascii, other, words)
  return (ascii and anyOf(text, words.ascii)) or (other and anyOf(text, words.other)) or false
end

function classify_contact(contact, ctx)
  local attrs = contact.attributes or {}
  local text = attrs.text or ''
  -- Which lists can match: pure ASCII text (the common English case) only the ASCII
  -- words; other text the others, and the ASCII words too when it has ASCII letters
  -- (lower or upper changes exactly those).
  local other = utf8.len(text) ~= #text
  local lowered = lower(text)
  local ascii = not other or lowered ~= text or upper(text) ~= text
  text = lowered
  local intent = contact.intent
  for i = 1, #RULES do
    local r = RULES[i]
    if intent == r.segment or mentions(text, ascii, other, r.words) then
      return {segment = r.segment, priority = max(contact.priority or 0, r.priority),
              skills = {[r.skill] = r.level}}
    end
  end
  if (contact.value or 0) >= ctx.config.vip_value or attrs.vip == 'true' or mentions(text, ascii, other, VIP_WORDS) then
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
