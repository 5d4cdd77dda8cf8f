// End to end, in headless Debian Chromium against the real outpostd (--demo, a temp
// data folder, a free loopback port): a wrong password shows a clear message; an
// agent logs in and goes ready; a contact created through the API (as the supervisor)
// shows on the supervisor's wallboard live, then is offered to the agent with its
// context; accept, wrap up (code, outcome, notes), "my day" counts it; the page in
// English; the supervisor forces an agent's state and asks why a contact was routed;
// the admin adds a wrap-up code; the WebSocket is cut and reconnects;
// outpostd restarts while the agent handles a contact and the desktop picks up where it
// was.
//
//   node tests/e2e/agent_flow.mjs <outpostd> <screenshot dir>

import { check, login, runFlow, unlabelledControls, until } from './support.mjs';

await runFlow('agent_flow', [], async ({ daemon, base, browser, shot }) => {
  const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
  const supCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const agent = await agentCtx.newPage();
  const sup = await supCtx.newPage();
  const supApi = await daemon.api('supervisor');

  await check('the desktop is served by outpostd (index, assets, SPA routes)', async () => {
    const index = await fetch(`${base}/agent`);
    if (index.status !== 200 || !(index.headers.get('content-type') ?? '').startsWith('text/html')) {
      throw new Error(`GET /agent: ${index.status} ${index.headers.get('content-type')}`);
    }
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const js = await fetch(base + asset);
    if (js.status !== 200 || !(js.headers.get('cache-control') ?? '').includes('immutable')) {
      throw new Error(`GET ${asset}: ${js.status} ${js.headers.get('cache-control')}`);
    }
    const traversal = await fetch(`${base}/assets/%2e%2e/%2e%2e/CMakeLists.txt`);
    if (traversal.status !== 404) throw new Error(`path traversal answered ${traversal.status}`);
  });

  await check('a wrong password shows a clear message', async () => {
    await login(agent, base, 'agent01', 'not-the-password');
    const error = agent.getByTestId('login-error');
    await error.waitFor({ timeout: 10000 });
    const text = await error.innerText();
    if (!text.includes('用户名或密码错误')) throw new Error(`message was "${text}"`);
    await shot(agent, 'login-wrong-password-zh-CN');
  });

  await check('the agent logs in (zh-CN by default) and the supervisor opens the wallboard', async () => {
    await login(agent, base, 'agent01', daemon.logins.agent01);
    await agent.getByTestId('presence-state').waitFor({ timeout: 10000 });
    if ((await agent.locator('html').getAttribute('lang')) !== 'zh-CN') throw new Error('not zh-CN');
    // The supervisor logs in with the keyboard only: the username field has the focus.
    await sup.goto(base + '/');
    await sup.getByLabel('用户名').waitFor();
    await sup.keyboard.type('supervisor');
    await sup.keyboard.press('Tab');
    await sup.keyboard.type(daemon.logins.supervisor);
    await sup.keyboard.press('Enter');
    await sup.getByTestId('wallboard').waitFor({ timeout: 10000 });
    await until('the supervisor socket', () => sup.evaluate(() => window.__outpost?.state().connected));
    await until('the agent socket', () => agent.evaluate(() => window.__outpost?.state().connected));
  });

  await check('knowledge search: search, open an article (keyboard)', async () => {
    const kb = agent.getByTestId('knowledge');
    await kb.getByLabel('搜索知识库').fill('营业时间');
    await agent.keyboard.press('Enter');
    const hit = agent.getByTestId('kb-hit-branch_hours');
    await hit.waitFor({ timeout: 10000 });
    await hit.focus();
    await agent.keyboard.press('Enter');
    const article = agent.getByTestId('kb-article');
    await article.waitFor({ timeout: 10000 });
    if (!(await article.innerText()).includes('营业时间')) throw new Error('article title missing');
    await shot(agent, 'knowledge-zh-CN');
    await article.getByRole('button').click();
  });

  const contact = (id, extra = {}) =>
    supApi.call('POST', '/api/v1/contacts', {
      id,
      queue: 'retail-voice',
      channel: 'voice',
      language: 'zh-CN',
      segment: 'vip',
      intent: { code: 'card-lost', confidence: 0.87 },
      ivr_path: ['main', 'cards', 'lost-card'],
      attributes: { customer: '张先生', customer_id: 'cust-8841', account_tail: '8841' },
      ...extra,
    });

  await check('a contact created through the API shows on the wallboard live', async () => {
    await contact('e2e-1');
    await until('waiting = 1 on the wallboard', async () => (await sup.getByTestId('waiting-retail-voice').innerText()) === '1');
    // The hour of history the wallboard's charts start from after a reload.
    await until('the waiting contact in the history', async () => {
      const history = await supApi.call('GET', '/api/v1/queue-stats/history');
      const retail = history.items.find((q) => q.queue === 'retail-voice');
      return retail && retail.points.some((p) => p.waiting_max >= 1);
    });
    await shot(sup, 'wallboard-zh-CN');
  });

  await check('the agent goes ready and the offer appears with its context (every control labelled)', async () => {
    await agent.getByRole('button', { name: '就绪' }).click();
    const offer = agent.getByTestId('offer');
    await offer.waitFor({ timeout: 10000 });
    const text = await offer.innerText();
    for (const want of ['card-lost', '87%', 'lost-card', '张先生', '贵宾']) {
      if (!text.includes(want)) throw new Error(`offer lacks "${want}": ${text}`);
    }
    if (!(await agent.getByTestId('why').innerText()).trim()) throw new Error('no routing explanation');
    await shot(agent, 'offer-zh-CN');
    const unlabelled = [...(await unlabelledControls(agent)), ...(await unlabelledControls(sup))];
    if (unlabelled.length) throw new Error(`controls without a label: ${unlabelled.join(' | ')}`);
  });

  await check('accept (from the keyboard): the handling view; the wallboard counts the answer live', async () => {
    await until('Accept has the focus', () => agent.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'accept'));
    await agent.keyboard.press('Enter');
    await agent.getByTestId('handling').waitFor({ timeout: 10000 });
    await until('presence busy', async () => (await agent.getByTestId('presence-state').getAttribute('data-state')) === 'busy');
    await until('answered = 1 on the wallboard', async () => (await sup.getByTestId('answered-retail-voice').innerText()) === '1');
    await until('waiting = 0 on the wallboard', async () => (await sup.getByTestId('waiting-retail-voice').innerText()) === '0');
    await shot(agent, 'handling-zh-CN');
  });

  await check('wrap-up stays open until the agent finishes it; "my day" counts the contact', async () => {
    await agent.getByTestId('end-contact').click();
    let form = agent.getByTestId('wrapup');
    await form.waitFor();
    // Neither a reload nor a reconnect closes the agent's after-contact work.
    await agent.reload();
    form = agent.getByTestId('wrapup');
    await form.waitFor({ timeout: 10000 });
    await until('the socket after the reload', () => agent.evaluate(() => window.__outpost?.state().connected));
    if (!(await form.isVisible())) throw new Error('wrap-up closed after the reload');
    await form.getByLabel('小结代码').selectOption('resolved');
    await form.getByLabel('备注').fill('客户挂失银行卡，已补办。');
    await shot(agent, 'wrapup-zh-CN');
    const unlabelled = await unlabelledControls(agent);
    if (unlabelled.length) throw new Error(`controls without a label: ${unlabelled.join(' | ')}`);
    await agent.getByTestId('finish-wrapup').click();
    await agent.getByTestId('idle').waitFor({ timeout: 10000 });
    await until('my day: handled 1', async () => (await agent.getByTestId('myday-handled').innerText()) === '1');
    await until('my day: FCR 100%', async () => (await agent.getByTestId('myday-fcr').innerText()) === '100%');
  });

  await check('the English switch translates the page', async () => {
    await agent.getByLabel('语言').selectOption('en');
    await agent.getByRole('heading', { name: 'My day' }).waitFor();
    if ((await agent.locator('html').getAttribute('lang')) !== 'en') throw new Error('lang attribute not en');
    await contact('e2e-2', { intent: { code: 'balance', confidence: 0.64 }, attributes: { customer: '张先生', customer_id: 'cust-8841' } });
    await agent.getByTestId('offer').waitFor({ timeout: 30000 });
    await agent.getByRole('button', { name: 'Accept' }).waitFor();
    // The customer's earlier contact at this site, with its wrap-up code.
    await until('the earlier contact', async () => (await agent.getByTestId('earlier').innerText()).includes('resolved'));
    await shot(agent, 'offer-en');
    await sup.getByLabel('语言').selectOption('en');
    await sup.getByRole('heading', { name: 'Queues now' }).waitFor();
    await shot(sup, 'wallboard-en');
    await agent.getByTestId('accept').click();
    await agent.getByTestId('handling').waitFor({ timeout: 10000 });
    await shot(agent, 'handling-en');
  });

  await check('the supervisor forces an agent not ready with a reason (recorded as forced)', async () => {
    await sup.getByLabel('New state for a02').selectOption('not_ready');
    await sup.getByLabel('Reason for a02').selectOption('meeting');
    await sup.locator('tr[data-agent="a02"]').getByRole('button', { name: 'Apply' }).click();
    await until('a02 shows not ready', async () => (await sup.getByTestId('state-a02').innerText()) === 'Not ready');
    const p = await supApi.call('GET', '/api/v1/agents/a02/presence');
    if (p.state !== 'not_ready' || p.reason !== 'meeting' || p.changed_by !== 'supervisor') {
      throw new Error(`presence: ${JSON.stringify(p)}`);
    }
  });

  await check('the supervisor asks why a contact went where it went', async () => {
    const decisions = sup.getByTestId('decisions');
    await decisions.getByRole('button', { name: 'Explain' }).first().click();
    const detail = sup.getByRole('region', { name: /Why contact e2e-\d went where it went/ });
    await detail.waitFor({ timeout: 10000 });
    const text = await detail.innerText();
    for (const want of ['longest idle', 'queued', 'offered', 'accepted']) {
      if (!text.includes(want)) throw new Error(`explanation lacks "${want}": ${text}`);
    }
  });

  await check('the admin adds a wrap-up code and deactivates it', async () => {
    const adminCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const admin = await adminCtx.newPage();
    await login(admin, base, 'admin', daemon.logins.admin);
    await admin.getByRole('button', { name: '管理' }).click();
    await admin.getByRole('tab', { name: '小结代码' }).click();
    const form = admin.getByRole('form', { name: '新建小结代码' });
    await form.getByLabel('代码').fill('warranty');
    await form.getByLabel('中文名称').fill('保修咨询');
    await form.getByLabel('英文名称').fill('Warranty question');
    await form.getByRole('button', { name: '添加' }).click();
    const row = admin.locator('tr[data-row="warranty"]');
    await row.waitFor({ timeout: 10000 });
    await row.getByRole('button', { name: '停用' }).click();
    await row.getByRole('button', { name: '启用' }).waitFor({ timeout: 10000 });
    const code = await supApi.call('GET', '/api/v1/wrapup-codes/warranty');
    if (code.active !== false || code.name.en !== 'Warranty question') throw new Error(JSON.stringify(code));
    await shot(admin, 'admin-wrapup-codes-zh-CN');
    const unlabelled = await unlabelledControls(admin);
    if (unlabelled.length) throw new Error(`controls without a label: ${unlabelled.join(' | ')}`);
    await adminCtx.close();
  });

  await check('the WebSocket is cut: an offline banner, then it reconnects by itself', async () => {
    await agent.evaluate(() => window.__outpost.drop());
    await agent.getByTestId('offline-banner').waitFor({ timeout: 5000 });
    await agent.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 15000 });
    await agent.getByTestId('handling').waitFor();
  });

  await check('outpostd restarts mid-contact: banner while down, the agent keeps their place', async () => {
    await daemon.stop();
    await agent.getByTestId('offline-banner').waitFor({ timeout: 10000 });
    await shot(agent, 'offline-banner-en');
    await daemon.start();
    await agent.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 30000 });
    await agent.getByTestId('handling').waitFor({ timeout: 10000 });
    await agent.getByTestId('end-contact').click();
    const form = agent.getByTestId('wrapup');
    await form.getByLabel('Wrap-up code').selectOption('callback');
    await form.getByLabel('Resolved', { exact: true }).uncheck();
    await shot(agent, 'wrapup-en');
    await agent.getByTestId('finish-wrapup').click();
    await until('my day: handled 2', async () => (await agent.getByTestId('myday-handled').innerText()) === '2', 15000);
    await until('my day: FCR 50%', async () => (await agent.getByTestId('myday-fcr').innerText()) === '50%');
    await shot(agent, 'myday-en');
  });
});
