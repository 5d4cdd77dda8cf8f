-- practice: targeted practice — which low-risk contacts may go to trainees, with a cap
-- (plugin API 1, rank_candidates).
--
-- A trainee for a contact is a candidate that has the contact's skill only in
-- practice_skills. Low risk: not VIP/complaint/fraud/card_loss, priority at most
-- ctx.config.max_priority and value below ctx.config.max_value. Low-risk contacts go to
-- trainees under the cap first (practice_today < ctx.config.daily_cap), then the others
-- in the built-in order; trainees at the cap are left out. Other contacts never go to
-- trainees (they are filtered out). Nothing to change → nil (built-in order).
--
-- practice_today is supplied by the host: the practice contacts the agent accepted
-- since the site's midnight (plugins.utc_offset_minutes); without it (an older host) a
-- trainee counts as 0 and the cap does not bind.

local RISKY = {vip = true, complaint = true, fraud = true, card_loss = true}

local function firstSkill(contact)
  return next(contact.skills or {})
end

local function isTrainee(c, skill)
  if (c.skills or {})[skill] then return false end
  for _, s in ipairs(c.practice_skills or {}) do
    if s == skill then return true end
  end
  return false
end

function rank_candidates(contact, candidates, ctx)
  local skill = firstSkill(contact)
  if not skill then return nil end
  local cfg = ctx.config
  local low_risk = not RISKY[contact.segment or ''] and (contact.priority or 0) <= cfg.max_priority and
                   (contact.value or 0) < cfg.max_value
  local trainees, others, changed = {}, {}, false
  for _, c in ipairs(candidates) do
    if isTrainee(c, skill) then
      changed = true
      if low_risk and (c.practice_today or 0) < cfg.daily_cap then trainees[#trainees + 1] = c.id end
    else
      others[#others + 1] = c.id
    end
  end
  if not changed then return nil end
  for _, id in ipairs(others) do trainees[#trainees + 1] = id end
  return trainees
end
