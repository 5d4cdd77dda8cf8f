// The admin's edit forms as data: which fields a directory entity has, how a form's
// values become a create (POST) or change (PATCH) body, and which field a server
// problem (its JSON pointer, e.g. "/name/zh" or "/skills/0/level") belongs to.
// No I/O here (forms.test.ts).

export type FieldKind = 'text' | 'int' | 'num' | 'select' | 'bool' | 'langs' | 'password';

export interface FieldDef {
  path: string; // JSON pointer without the leading slash: "tier", "name/zh"
  kind: FieldKind;
  label: string; // i18n key
  options?: string[];
  min?: number;
  max?: number;
  createOnly?: boolean; // the id: only when creating
  required?: boolean; // when creating
  group?: string; // fields sent together on a change (both halves of a name)
  nullable?: boolean; // empty text means null
}

export type Values = Record<string, string | boolean | string[]>;

const name = (): FieldDef[] => [
  { path: 'name/zh', kind: 'text', label: 'admin.nameZh', required: true, group: 'name' },
  { path: 'name/en', kind: 'text', label: 'admin.nameEn', required: true, group: 'name' },
];

export const ENTITY_FIELDS: Record<string, FieldDef[]> = {
  users: [
    { path: 'username', kind: 'text', label: 'admin.col.username', createOnly: true, required: true },
    { path: 'role', kind: 'select', label: 'admin.col.role', options: ['agent', 'supervisor', 'admin'], required: true },
    { path: 'agent_id', kind: 'text', label: 'admin.col.agent_id', nullable: true },
    { path: 'display_name', kind: 'text', label: 'admin.col.display_name' },
    { path: 'disabled', kind: 'bool', label: 'admin.col.disabled' },
    { path: 'password', kind: 'password', label: 'admin.password', required: true },
  ],
  agents: [
    { path: 'id', kind: 'text', label: 'admin.col.id', createOnly: true, required: true },
    ...name(),
    { path: 'team', kind: 'text', label: 'admin.col.team' },
    { path: 'tier', kind: 'int', label: 'admin.col.tier', min: 1, max: 4, required: true },
    { path: 'languages', kind: 'langs', label: 'admin.col.languages' },
    { path: 'voice_capacity', kind: 'int', label: 'admin.col.voice_capacity', min: 0, max: 1 },
    { path: 'chat_capacity', kind: 'int', label: 'admin.col.chat_capacity', min: 0, max: 8 },
  ],
  skills: [{ path: 'code', kind: 'text', label: 'admin.col.code', createOnly: true, required: true }, ...name()],
  queues: [
    { path: 'code', kind: 'text', label: 'admin.col.code', createOnly: true, required: true },
    ...name(),
    { path: 'channel', kind: 'select', label: 'admin.col.channel', options: ['voice', 'chat'], createOnly: true, required: true },
    { path: 'sl_target_pct', kind: 'int', label: 'admin.col.sl_target_pct', min: 1, max: 100 },
    { path: 'sl_threshold_s', kind: 'int', label: 'admin.col.sl_threshold_s', min: 1, max: 3600 },
    { path: 'offer_timeout_s', kind: 'int', label: 'admin.col.offer_timeout_s', min: 3, max: 300 },
    { path: 'strategy', kind: 'select', label: 'admin.col.strategy', options: ['longest_idle', 'least_occupied', 'reward_weighted'] },
    { path: 'wrap_up_s', kind: 'int', label: 'admin.col.wrap_up_s', min: 0, max: 3600 },
  ],
  wrapup: [{ path: 'code', kind: 'text', label: 'admin.col.code', createOnly: true, required: true }, ...name(), { path: 'active', kind: 'bool', label: 'admin.col.active' }],
};

function getPath(row: Record<string, unknown>, path: string): unknown {
  let v: unknown = row;
  for (const part of path.split('/')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('/');
  let o = obj;
  for (const part of parts.slice(0, -1)) {
    if (!o[part] || typeof o[part] !== 'object') o[part] = {};
    o = o[part] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]] = value;
}

// The form's starting values from an entity as the server sent it (or blank).
export function initialValues(fields: FieldDef[], row: Record<string, unknown> | null): Values {
  const out: Values = {};
  for (const f of fields) {
    const v = row ? getPath(row, f.path) : undefined;
    if (f.kind === 'bool') out[f.path] = v === true;
    else if (f.kind === 'langs') out[f.path] = Array.isArray(v) ? (v as string[]) : ['zh-CN'];
    else if (f.kind === 'password') out[f.path] = '';
    else out[f.path] = v === undefined || v === null ? (f.kind === 'select' && f.options && !row ? f.options[0] : '') : String(v);
  }
  return out;
}

function valueOf(f: FieldDef, v: string | boolean | string[]): unknown {
  if (f.kind === 'int' || f.kind === 'num') {
    const text = String(v).trim();
    // Not a number is sent as typed, so the server says what is wrong with it.
    return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  if (f.kind === 'text' && f.nullable && String(v).trim() === '') return null;
  return v;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// The body to send: everything (creating; empty optional fields left out) or only what
// changed (a change; a name goes as a whole; an empty password means "keep it").
export function buildBody(fields: FieldDef[], initial: Values, values: Values, creating: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const changedGroups = new Set<string>();
  if (!creating) {
    for (const f of fields) if (f.group && !same(initial[f.path], values[f.path])) changedGroups.add(f.group);
  }
  for (const f of fields) {
    const v = values[f.path];
    if (creating) {
      if (!f.required && (v === '' || (f.kind === 'text' && f.nullable && v === ''))) continue;
      setPath(body, f.path, valueOf(f, v));
      continue;
    }
    if (f.createOnly) continue;
    if (f.kind === 'password') {
      if (v !== '') body[f.path] = v;
      continue;
    }
    if (f.group ? changedGroups.has(f.group) : !same(initial[f.path], v)) setPath(body, f.path, valueOf(f, v));
  }
  return body;
}

// The form field a problem's JSON pointer belongs to ("/name/zh" → "name/zh",
// "/tier" → "tier"); null when it is none of them (shown above the form).
export function fieldOfProblem(fields: FieldDef[], pointer: string | null): string | null {
  if (!pointer || !pointer.startsWith('/')) return null;
  const p = pointer.slice(1);
  let best: string | null = null;
  for (const f of fields) {
    if ((p === f.path || p.startsWith(f.path + '/')) && (!best || f.path.length > best.length)) best = f.path;
  }
  if (!best) {
    // "/name" for a name missing as a whole: its first half.
    const f = fields.find((x) => x.path.startsWith(p + '/'));
    if (f) best = f.path;
  }
  return best;
}
