// End to end, in headless Debian Chromium against the real outpostd (as agent_flow.mjs):
// a chat contact arrives, the customer's message shows in the offer, the agent accepts
// and replies, the reply is in the transcript and on the server, the customer's next
// message arrives live; the admin edits the directory (an agent's skill level, tier,
// capacity; a user's role; a password reset) and sees the server's problem next to a
// field; rule-bundle status; the supervisor's decision explanation in zh-CN; the IVR
// metrics on the wallboard.
//
//   node tests/e2e/desk_flow.mjs <outpostd> <screenshot dir>

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, login, repo, runFlow, unlabelledControls, until } from './support.mjs';

await runFlow('desk_flow', [
  '--set', `plugins.trust_file=${join(repo, 'plugins', 'lua', 'demo-trust.txt')}`,
  '--set', 'plugins.site=demo',
  '--set', 'http.max_body_bytes=1048576',
], async ({ daemon, base, browser, shot }) => {
  const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const agent = await agentCtx.newPage();
  const supApi = await daemon.api('supervisor');

  const supCtx = await browser.newContext({ viewport: { width: 1280, height: 1100 }, locale: 'zh-CN' });
  const sup = await supCtx.newPage();
  await check('the supervisor opens the wallboard (it hears the routing decisions live)', async () => {
    await login(sup, base, 'supervisor', daemon.logins.supervisor);
    await sup.getByTestId('wallboard').waitFor({ timeout: 10000 });
    await until('the supervisor socket', () => sup.evaluate(() => window.__outpost?.state().connected));
  });

  await check('a chat arrives: the customer\'s message shows in the offer; accept; reply; the reply is in the transcript', async () => {
    // a09: tier 3, takes chats (the standard ring starts at T3–T4).
    await login(agent, base, 'agent09', daemon.logins.agent09);
    await agent.getByTestId('presence-state').waitFor({ timeout: 10000 });
    await until('the agent socket', () => agent.evaluate(() => window.__outpost?.state().connected));
    await agent.getByRole('button', { name: '就绪' }).click();
    await until('ready', async () => (await agent.getByTestId('presence-state').getAttribute('data-state')) === 'ready');
    await supApi.call('POST', '/api/v1/contacts', {
      id: 'chat-1', queue: 'online-chat', channel: 'chat', language: 'zh-CN', segment: 'standard',
      intent: { code: 'balance', confidence: 0.81 }, ivr_path: [], attributes: { customer: '李女士', customer_id: 'cust-2001' },
    });
    await supApi.call('POST', '/api/v1/contacts/chat-1/messages', { text: '你好，我的信用卡账单金额不对。' });
    const offer = agent.getByTestId('offer');
    await offer.waitFor({ timeout: 15000 });
    await until('the customer message in the offer', async () => (await offer.getByTestId('transcript').innerText()).includes('账单金额不对'));
    await agent.getByTestId('accept').click();
    const handling = agent.getByTestId('handling');
    await handling.waitFor({ timeout: 10000 });
    await until('the transcript while handling', async () => (await handling.getByTestId('transcript').innerText()).includes('账单金额不对'));
    await handling.getByLabel('回复').fill('您好，我来帮您核对账单。');
    await agent.keyboard.press('Enter');
    await until('the reply in the transcript', async () => (await handling.getByTestId('transcript').innerText()).includes('我来帮您核对账单'));
    // The reply can reach the transcript over the WebSocket before the POST answers;
    // the box is cleared when it does.
    await until('the reply box cleared', async () => (await handling.getByLabel('回复').inputValue()) === '');
    const stored = await supApi.call('GET', '/api/v1/contacts/chat-1/messages');
    const texts = stored.items.map((m) => `${m.from}:${m.text}`);
    if (texts.length !== 2 || texts[1] !== 'agent:您好，我来帮您核对账单。') throw new Error(`stored: ${JSON.stringify(texts)}`);
    // The customer's next message arrives live.
    await supApi.call('POST', '/api/v1/contacts/chat-1/messages', { text: '好的，谢谢！' });
    await until('the live customer message', async () => (await handling.getByTestId('transcript').innerText()).includes('好的，谢谢'));
    await shot(agent, 'chat-zh-CN');
    const unlabelled = await unlabelledControls(agent);
    if (unlabelled.length) throw new Error(`controls without a label: ${unlabelled.join(' | ')}`);
    await agent.getByLabel('语言').selectOption('en');
    await handling.getByRole('button', { name: 'Send' }).waitFor();
    await shot(agent, 'chat-en');
    await agent.getByLabel('Language').selectOption('zh-CN');
  });

  await check('the supervisor reads why the chat went to a09, in Chinese from the decision\'s fields', async () => {
    const decisions = sup.getByTestId('decisions');
    await until('the chat decision on the wallboard', async () => (await decisions.innerText()).includes('chat-1'));
    await decisions.getByRole('button', { name: '说明' }).first().click();
    const detail = sup.getByRole('region', { name: '联络 chat-1 的分配原因' });
    await detail.waitFor({ timeout: 10000 });
    const text = await detail.getByTestId('explanation').innerText();
    for (const want of ['符合条件坐席', '周婷', '最低占用', '决策时机', '有效优先级']) {
      if (!text.includes(want)) throw new Error(`explanation lacks "${want}": ${text}`);
    }
    // Not the server's English one-liner.
    if (/\b(agent|idle|eligible)\b/.test(text)) throw new Error(`English left in: ${text}`);
    await shot(sup, 'decision-zh-CN');
  });

  await check('the wallboard shows the IVR: containment, no-match per node, transfers by intent, confidence', async () => {
    const start = (language = 'zh-CN') => supApi.call('POST', '/api/v1/ivr/sessions', { channel: 'voice', caller_id: '+8613800002222', language });
    const input = (id, body) => supApi.call('POST', `/api/v1/ivr/sessions/${id}/input`, body);
    const a = await start();
    await input(a.id, { dtmf: '8' }); // no match at the main menu
    await input(a.id, { dtmf: '3' });
    await input(a.id, { text: '有帮助，谢谢' });
    await input(a.id, { dtmf: '5' }); // self-served
    const b = await start('en');
    await input(b.id, { dtmf: '4' });
    await input(b.id, { text: 'I lost my bank card yesterday' }); // intent card_lost
    const done = await input(b.id, { dtmf: '4111111111111111#' });
    if (done.state !== 'transferred') throw new Error(`IVR session b: ${JSON.stringify(done)}`);
    const m = await supApi.call('GET', '/api/v1/ivr/metrics');
    const panel = sup.getByTestId('ivr-metrics');
    await panel.getByRole('button', { name: '刷新' }).click();
    await until('two IVR sessions', async () => (await panel.getByTestId('ivr-sessions').innerText()) === String(m.sessions) && m.sessions >= 2);
    const contained = await panel.getByTestId('ivr-containment').innerText();
    if (contained !== `${Math.round(m.containment * 100)}%`) throw new Error(`containment ${contained} vs ${m.containment}`);
    const main = panel.locator('tr[data-node="main"]');
    await main.waitFor();
    if (!(await main.innerText()).includes('1')) throw new Error(`main node: ${await main.innerText()}`);
    await until('the transfer by intent', async () => (await panel.getByTestId('ivr-intents').innerText()).includes('card_lost'));
    await shot(sup, 'wallboard-ivr-zh-CN');
    await sup.getByLabel('语言').selectOption('en');
    await panel.getByRole('heading', { name: 'IVR' }).waitFor();
    await shot(sup, 'wallboard-ivr-en');
    const unlabelled = await unlabelledControls(sup);
    if (unlabelled.length) throw new Error(`controls without a label: ${unlabelled.join(' | ')}`);
  });

  const adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const admin = await adminCtx.newPage();
  const adminApi = await daemon.api('admin');

  await check('the admin changes an agent\'s skill level and tier; a refused value shows the server\'s reason at the field', async () => {
    await login(admin, base, 'admin', daemon.logins.admin);
    await admin.getByRole('button', { name: '管理' }).click();
    await admin.getByRole('tab', { name: '坐席' }).click();
    const row = admin.locator('tr[data-row="a07"]');
    await row.waitFor({ timeout: 10000 });
    await row.getByRole('button', { name: '编辑 a07' }).click();
    const editor = admin.getByTestId('admin-editor');
    await editor.waitFor();
    const skills = editor.getByTestId('agent-skills');
    await skills.getByLabel('账户服务等级', { exact: true }).fill('5');
    await skills.getByRole('button', { name: '设置账户服务等级' }).click();
    await until('the new level in the table', async () => (await row.locator('td[data-col="skills"]').innerText()).includes('account:5'));
    const skillsNow = await adminApi.call('GET', '/api/v1/agents/a07/skills');
    if (!skillsNow.skills.some((s) => s.skill === 'account' && s.level === 5)) throw new Error(JSON.stringify(skillsNow));
    // A tier out of range: the server's problem next to the tier field, nothing saved.
    await editor.getByLabel('层级').fill('9');
    await editor.getByTestId('admin-save').click();
    const tierError = editor.locator('label:has(input[name="tier"]) [role="alert"]');
    await tierError.waitFor({ timeout: 10000 });
    if (!(await tierError.innerText()).includes('tier')) throw new Error(`tier problem: ${await tierError.innerText()}`);
    if ((await editor.locator('input[name="tier"]').getAttribute('aria-invalid')) !== 'true') throw new Error('tier not marked invalid');
    await shot(admin, 'admin-agent-problem-zh-CN');
    await editor.getByLabel('层级').fill('2');
    await editor.getByLabel('会话并发').fill('2');
    await editor.getByTestId('admin-save').click();
    await until('tier 2 in the table', async () => (await row.locator('td[data-col="tier"]').innerText()) === '2');
    if (!(await admin.getByTestId('admin-saved').innerText()).includes('a07')) throw new Error('no saved notice');
    const a07 = await adminApi.call('GET', '/api/v1/agents/a07');
    if (a07.tier !== 2 || a07.chat_capacity !== 2) throw new Error(JSON.stringify(a07));
    const unlabelled = await unlabelledControls(admin);
    if (unlabelled.length) throw new Error(`controls without a label: ${unlabelled.join(' | ')}`);
  });

  await check('the admin creates a user, changes the role and resets the password', async () => {
    await admin.getByRole('tab', { name: '用户' }).click();
    await admin.getByTestId('admin-new').click();
    const editor = admin.getByTestId('admin-editor');
    await editor.getByLabel('用户名').fill('lead2');
    await editor.getByLabel('角色').selectOption('supervisor');
    await editor.getByLabel('显示名').fill('二号主管');
    await editor.getByLabel('密码').fill('x');
    await editor.getByTestId('admin-save').click();
    // Too short a password: said at the password field.
    await editor.locator('label:has(input[name="password"]) [role="alert"]').waitFor({ timeout: 10000 });
    await editor.getByLabel('密码').fill('night shift lead 2026');
    await editor.getByTestId('admin-save').click();
    const row = admin.locator('tr[data-row="lead2"]');
    await row.waitFor({ timeout: 10000 });
    await row.getByRole('button', { name: '编辑 lead2' }).click();
    await editor.getByLabel('角色').selectOption('admin');
    await editor.getByLabel('新密码').fill('a brand new passphrase');
    await editor.getByTestId('admin-save').click();
    await until('role admin in the table', async () => (await row.locator('td[data-col="role"]').innerText()) === 'admin');
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'lead2', password: 'a brand new passphrase' }),
    });
    if (res.status !== 200) throw new Error(`login with the reset password: ${res.status}`);
    await shot(admin, 'admin-users-zh-CN');
  });

  await check('rule bundles: status (version, state, counters, installed at) and rollback with a confirmation', async () => {
    const dir = join(repo, 'plugins', 'lua', 'demo-bank');
    const files = {};
    const listed = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).files.map((f) => f.path);
    for (const f of ['manifest.json', 'manifest.sig', ...listed]) files[f] = readFileSync(join(dir, f), 'utf8');
    await adminApi.call('POST', '/api/v1/rules/install', { files });
    await admin.getByRole('tab', { name: '规则包' }).click();
    const rules = admin.getByTestId('rules');
    const active = rules.locator('tr[data-bundle="active"]');
    await active.waitFor({ timeout: 10000 });
    const text = await active.innerText();
    for (const want of ['demo-bank', '1', '生效中', 'admin']) if (!text.includes(want)) throw new Error(`rules row lacks "${want}": ${text}`);
    await rules.getByTestId('rules-rollback').click();
    await rules.getByTestId('rules-confirm').waitFor();
    await shot(admin, 'admin-rules-zh-CN');
    await rules.getByRole('button', { name: '确认回滚' }).click();
    // Only one version installed: the appliance refuses, and says why.
    const msg = rules.getByTestId('rules-message');
    await msg.waitFor({ timeout: 10000 });
    if (!(await msg.innerText()).includes('设备拒绝')) throw new Error(`rollback message: ${await msg.innerText()}`);
    await admin.getByLabel('语言').selectOption('en');
    await rules.getByRole('heading', { name: 'Lua rule bundles' }).waitFor();
    await shot(admin, 'admin-rules-en');
    await admin.getByLabel('Language').selectOption('zh-CN');
  });
});
