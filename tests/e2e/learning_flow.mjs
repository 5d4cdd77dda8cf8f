// End to end, the learning area in headless Debian Chromium against the real outpostd
// (--demo, a temp data folder, a free loopback port), with two demo courses signed by a
// test key and imported with outpostctl: a supervisor assessment makes a01's weak items;
// the agent opens their map (steps with reasons), reads a lesson, takes the quiz and a
// drill against the simulated customer, and the points update; the page in English; the
// supervisor sees the team's competency heat map, plan progress and before/after.
//
//   node tests/e2e/learning_flow.mjs <outpostd> <screenshot dir> <outpostctl>

import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon, check, launch, login, publishScreenshots, repo, screenshotter, unlabelledControls, until } from './support.mjs';

const [binary, shotsDir = 'e2e-screenshots', ctl] = process.argv.slice(2);
if (!binary || !ctl) {
  console.error('usage: learning_flow.mjs <outpostd> <screenshot dir> <outpostctl>');
  process.exit(2);
}

const daemon = new Daemon(binary);
const shot = screenshotter(shotsDir);
const work = mkdtempSync(join(tmpdir(), 'outpost-e2e-learning-'));
let browser;
let code = 0;
const watchdog = setTimeout(() => {
  console.error('learning_flow: overall time limit (240 s) reached');
  process.exit(1);
}, 240000);

const COURSES = ['calm-angry-customer', 'explaining-fees'];
const run = (...args) => execFileSync(ctl, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

try {
  await daemon.start();
  const base = daemon.base;
  const supApi = await daemon.api('supervisor');

  await check('demo courses are signed and imported with outpostctl', async () => {
    run('keys', 'generate', '--id', 'hq-content', '--out', join(work, 'keys'));
    const dirs = [];
    for (const id of COURSES) {
      const dir = join(work, id);
      cpSync(join(repo, 'content', 'demo', id), dir, { recursive: true });
      run('package', 'seal', dir);
      run('package', 'sign', '--key', join(work, 'keys', 'hq-content.key'), '--key-id', 'hq-content', dir);
      dirs.push(dir);
    }
    run('content', 'import', '--data-dir', daemon.dataDir, '--trust', join(work, 'keys', 'hq-content.pub'), ...dirs);
    const courses = await supApi.call('GET', '/api/v1/learning/courses');
    if (courses.items.length !== COURSES.length) throw new Error(`${courses.items.length} courses`);
  });

  await check('a supervisor assessment gives a01 weak items (calming, affinity, interpersonal)', async () => {
    const f = await supApi.call('GET', '/api/v1/learning/framework');
    const weak = new Set(['soothing', 'affinity', 'interpersonal']);
    const answers = {};
    for (const d of f.dimensions) for (const i of d.items) for (const q of i.questions) answers[q.id] = weak.has(i.code) ? 2 : 5;
    await supApi.call('POST', '/api/v1/learning/agents/a01/assessments', { source: 'supervisor', answers });
  });

  browser = await launch();
  const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const agent = await agentCtx.newPage();
  const points = async () => Number(await agent.getByTestId('learning-points').innerText());

  await check('the agent opens the learning area: the map lists steps, each with its reason', async () => {
    await login(agent, base, 'agent01', daemon.logins.agent01);
    await agent.getByRole('button', { name: '学习', exact: true }).click();
    await agent.getByTestId('learning-map').waitFor({ timeout: 10000 });
    const steps = await agent.getByTestId('map-step').count();
    if (steps < 3) throw new Error(`${steps} steps`);
    const reason = await agent.getByTestId('map-reason').first().innerText();
    if (!reason.includes('低于标准')) throw new Error(`reason was "${reason}"`);
    if ((await points()) !== 0) throw new Error(`points ${await points()}`);
    const bad = await unlabelledControls(agent);
    if (bad.length) throw new Error(`controls without a name: ${bad.join(' | ')}`);
    await shot(agent, 'learning-map-zh');
  });

  await check('a lesson: read it, mark it read, points go up', async () => {
    await agent.getByTestId('open-lesson-calm-1').click();
    await agent.getByTestId('lesson-body').waitFor({ timeout: 10000 });
    const body = await agent.getByTestId('lesson-body').innerText();
    if (!body.includes('情绪')) throw new Error(`lesson body: ${body.slice(0, 80)}`);
    await agent.getByTestId('lesson-complete').click();
    await agent.getByTestId('lesson-done').waitFor({ timeout: 10000 });
    await until('10 points', async () => (await points()) === 10, 10000);
    await shot(agent, 'learning-lesson-zh');
    await agent.getByTestId('learning-back').click();
    await agent.getByTestId('learning-map').waitFor();
    if (await agent.getByTestId('open-lesson-calm-1').count()) throw new Error('the read lesson is still on the map');
  });

  await check('a quiz: answer, submit, scored with explanations, points go up', async () => {
    const manifest = JSON.parse(readFileSync(join(repo, 'content', 'demo', 'calm-angry-customer', 'manifest.json'), 'utf8'));
    const quiz = manifest.quizzes[0];
    await agent.getByTestId(`open-quiz-${quiz.id}`).click();
    await agent.getByTestId('quiz').waitFor({ timeout: 10000 });
    for (const q of quiz.questions) {
      const box = agent.getByTestId(`question-${q.id}`);
      const inputs = box.locator('input');
      for (let i = 0; i < q.options.length; ++i) if (q.options[i].correct) await inputs.nth(i).check();
    }
    await agent.getByTestId('quiz-submit').click();
    const result = agent.getByTestId('quiz-result');
    await result.waitFor({ timeout: 10000 });
    const text = await result.innerText();
    if (!text.includes('通过')) throw new Error(`result: ${text}`);
    // 10 (lesson) + 20 (passed) + 10 (perfect)
    await until('40 points', async () => (await points()) === 40, 10000);
    await shot(agent, 'learning-quiz-zh');
    await agent.getByTestId('learning-back').click();
  });

  await check('a drill: type replies to the simulated customer, feedback per rubric point', async () => {
    await agent.getByTestId('open-drill-calm-drill').click();
    await agent.getByTestId('drill').waitFor({ timeout: 10000 });
    await agent.getByTestId('drill-reply').fill('非常抱歉让您久等了,我理解您的心情。');
    await agent.getByTestId('drill-send').click();
    await agent.getByTestId('drill-reply').fill('我现在就帮您查退款进度。');
    await agent.getByTestId('drill-send').click();
    await agent.getByTestId('drill-finish').click();
    const result = agent.getByTestId('drill-result');
    await result.waitFor({ timeout: 10000 });
    const text = await result.innerText();
    if (!text.includes('得分') || !text.includes('✓')) throw new Error(`feedback: ${text}`);
    await until('55 points', async () => (await points()) === 55, 10000);
    await shot(agent, 'learning-drill-zh');
    await agent.getByTestId('learning-back').click();
  });

  await check('points, badges and the leaderboard, in English; hiding myself', async () => {
    await agent.getByLabel(/语言|Language/).selectOption('en');
    await agent.getByTestId('learning-tab-progress').click();
    await agent.getByTestId('leaderboard').waitFor({ timeout: 10000 });
    const strip = await agent.getByTestId('learning-strip').innerText();
    if (!strip.includes('First lesson') || !strip.includes('Quiz ace')) throw new Error(`strip: ${strip}`);
    if (!(await agent.getByTestId('leaderboard').innerText()).includes('a01')) throw new Error('a01 not on the board');
    await shot(agent, 'learning-progress-en');
    await agent.getByTestId('leaderboard-hide').check();
    await until('a01 hidden', async () => !(await agent.getByTestId('leaderboard').innerText()).includes('a01'), 10000);
  });

  await check('the supervisor sees the team heat map by item, plan progress and before/after', async () => {
    const supCtx = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
    const sup = await supCtx.newPage();
    await login(sup, base, 'supervisor', daemon.logins.supervisor);
    await sup.getByRole('button', { name: '学习', exact: true }).click();
    await sup.getByTestId('heatmap').waitFor({ timeout: 10000 });
    const heat = await sup.getByTestId('heatmap').innerText();
    if (!heat.includes('a01') || !heat.includes('5.0')) throw new Error(`heat map: ${heat.slice(0, 200)}`);
    await until('plan progress', async () => (await sup.getByTestId('plan-progress').first().innerText()).includes('已完成'), 10000);
    await sup.getByTestId('before-after').waitFor({ timeout: 10000 });
    const bad = await unlabelledControls(sup);
    if (bad.length) throw new Error(`controls without a name: ${bad.join(' | ')}`);
    await shot(sup, 'learning-team-zh');
  });
  publishScreenshots(shotsDir);
} catch (e) {
  code = 1;
  console.log(`outpostd output:\n${daemon.output.slice(-4000)}`);
} finally {
  if (browser) await browser.close().catch(() => undefined);
  await daemon.cleanup();
  rmSync(work, { recursive: true, force: true });
  clearTimeout(watchdog);
}
console.log(code === 0 ? 'learning_flow: all checks passed' : 'learning_flow: FAILED');
process.exit(code);
