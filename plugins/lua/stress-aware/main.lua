-- stress-aware: after a run of complaint or negative contacts an agent gets lighter
-- contacts for a while (plugin API 1, rank_candidates).
--
-- A heavy contact (segment complaint/fraud, intent complaint, or attributes.sentiment
-- "negative") goes to the candidates whose recent run of heavy contacts is below
-- ctx.config.streak first; agents at or above it move to the end (never dropped, so a
-- contact is not refused because everyone is stressed). Light contacts keep the
-- built-in order.
--
-- Rules keep no state between calls, so the run length comes from the candidate's
-- `recent_heavy` field: the host counts each agent's current run of heavy contacts
-- among those accepted within plugins.recent_window (2 h), which is "for a while".
-- A candidate without the field (an older host) counts as rested.

local HEAVY = {complaint = true, fraud = true}

local function heavy(contact)
  local attrs = contact.attributes or {}
  return HEAVY[contact.segment or ''] or contact.intent == 'complaint' or attrs.sentiment == 'negative'
end

function rank_candidates(contact, candidates, ctx)
  if not heavy(contact) then return nil end
  local rested, tired = {}, {}
  for _, c in ipairs(candidates) do
    if (c.recent_heavy or 0) >= ctx.config.streak then
      tired[#tired + 1] = c.id
    else
      rested[#rested + 1] = c.id
    end
  end
  if #tired == 0 then return nil end
  for _, id in ipairs(tired) do rested[#rested + 1] = id end
  return rested
end
