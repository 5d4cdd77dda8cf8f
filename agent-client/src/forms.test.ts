import { describe, expect, it } from 'vitest';
import { buildBody, ENTITY_FIELDS, fieldOfProblem, initialValues } from './forms';

const agent = { id: 'a07', name: { zh: '赵敏', en: 'Zhao Min' }, team: 'team-b', tier: 3, languages: ['zh-CN'], voice_capacity: 1, chat_capacity: 3, skills: [] };

describe('admin forms', () => {
  it('sends only what changed, a name as a whole, numbers as numbers', () => {
    const fields = ENTITY_FIELDS.agents.filter((f) => !f.createOnly);
    const initial = initialValues(fields, agent);
    expect(initial.tier).toBe('3');
    expect(buildBody(fields, initial, initial, false)).toEqual({});
    const body = buildBody(fields, initial, { ...initial, tier: '2', 'name/en': 'Min Zhao', languages: ['zh-CN', 'en'] }, false);
    expect(body).toEqual({ tier: 2, name: { zh: '赵敏', en: 'Min Zhao' }, languages: ['zh-CN', 'en'] });
    // What is not a number goes as typed, so the server names the problem.
    expect(buildBody(fields, initial, { ...initial, chat_capacity: 'x' }, false)).toEqual({ chat_capacity: 'x' });
  });

  it('creates with every required field; a password only when given on a change', () => {
    const fields = ENTITY_FIELDS.users;
    const blank = initialValues(fields, null);
    expect(blank.role).toBe('agent');
    const body = buildBody(fields, blank, { ...blank, username: 'agent13', password: 'a long passphrase', display_name: '' }, true);
    expect(body).toEqual({ username: 'agent13', role: 'agent', disabled: false, password: 'a long passphrase' });
    const edit = fields.filter((f) => !f.createOnly);
    const user = { username: 'agent01', role: 'agent', agent_id: 'a01', display_name: '王芳', disabled: false };
    const init = initialValues(edit, user);
    expect(buildBody(edit, init, init, false)).toEqual({});
    expect(buildBody(edit, init, { ...init, password: 'new secret words' }, false)).toEqual({ password: 'new secret words' });
    expect(buildBody(edit, init, { ...init, agent_id: '' }, false)).toEqual({ agent_id: null });
  });

  it('puts a server problem next to the field its pointer names', () => {
    const fields = ENTITY_FIELDS.agents;
    expect(fieldOfProblem(fields, '/tier')).toBe('tier');
    expect(fieldOfProblem(fields, '/name/zh')).toBe('name/zh');
    expect(fieldOfProblem(fields, '/name')).toBe('name/zh');
    expect(fieldOfProblem(fields, '/languages/1')).toBe('languages');
    expect(fieldOfProblem(fields, '/skills/0/level')).toBeNull();
    expect(fieldOfProblem(fields, null)).toBeNull();
    expect(fieldOfProblem(fields, '?limit')).toBeNull();
  });
});
