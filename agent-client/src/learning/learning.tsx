// The learning area (docs/learning.md): for agents their learning map with the reason
// for every step, courses with lessons, quizzes and drills against a simulated customer,
// points, badges, streak and the team leaderboard (with hiding oneself); for supervisors
// the team's competency heat map by item, plan progress and before/after.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, enc, get, post, put } from '../api';
import { lang, t } from '../i18n';
import type { Me } from '../types';
import {
  fileUrl,
  heatColor,
  markdownToHtml,
  tx,
  type Course,
  type DrillResult,
  type DrillScript,
  type Framework,
  type LearningMap,
  type Progress,
  type QuizResult,
  type Step,
  type TeamReport,
} from './api';
import './learning.css';

type Open =
  | { kind: 'lesson'; course: string; ref: string }
  | { kind: 'quiz'; course: string; ref: string }
  | { kind: 'drill'; course: string; ref: string }
  | null;

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.detail : String(e);
}

export function LearningView(props: { me: Me }) {
  const supervisor = props.me.role === 'supervisor' || props.me.role === 'admin';
  const tabs = [...(props.me.agent_id ? (['map', 'courses', 'progress'] as const) : []), ...(supervisor ? (['team'] as const) : [])];
  const [tab, setTab] = useState<string>(tabs[0] ?? 'team');
  const [open, setOpen] = useState<Open>(null);
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((x) => x + 1);
  return (
    <section class="learning" aria-labelledby="learning-title">
      <h2 id="learning-title">{t('learning.title')}</h2>
      <div class="learning-tabs" role="tablist">
        {tabs.map((k) => (
          <button key={k} role="tab" aria-selected={tab === k} class={tab === k ? 'tab active' : 'tab'} data-testid={`learning-tab-${k}`}
            onClick={() => { setTab(k); setOpen(null); }}>
            {t(`learning.tab.${k}`)}
          </button>
        ))}
      </div>
      {props.me.agent_id && <ProgressStrip agentId={props.me.agent_id} tick={tick} />}
      {open ? (
        <Activity open={open} onClose={() => { setOpen(null); refresh(); }} onDone={refresh} />
      ) : (
        <>
          {tab === 'map' && <MapPanel tick={tick} onOpen={setOpen} />}
          {tab === 'courses' && <CoursesPanel onOpen={setOpen} />}
          {tab === 'progress' && props.me.agent_id && <ProgressPanel agentId={props.me.agent_id} tick={tick} onChange={refresh} />}
          {tab === 'team' && supervisor && <TeamPanel />}
        </>
      )}
    </section>
  );
}

function ProgressStrip(props: { agentId: string; tick: number }) {
  const [p, setP] = useState<Progress | null>(null);
  useEffect(() => {
    get<Progress>(`/api/v1/learning/agents/${enc(props.agentId)}/progress`).then(setP).catch(() => setP(null));
  }, [props.agentId, props.tick]);
  if (!p) return null;
  return (
    <div class="learning-strip" data-testid="learning-strip">
      <span>{t('learning.points')}: <strong data-testid="learning-points">{p.points}</strong></span>
      <span>{t('learning.level')}: <strong>{p.level}</strong></span>
      <span>{t('learning.streak')}: <strong>{t('learning.days', { n: p.streak_days })}</strong></span>
      <span>{t('learning.badges')}: {p.badges.length ? p.badges.map((b) => <span class="badge" key={b.code}>{t(`learning.badge.${b.code}`)}</span>) : '—'}</span>
    </div>
  );
}

function StepRow(props: { step: Step; sameReasons: boolean; onOpen: (o: Open) => void }) {
  const s = props.step;
  return (
    <li class="step" data-testid="map-step">
      <div class="step-head">
        <span class={`kind kind-${s.kind}`}>{t(`learning.kind.${s.kind}`)}</span>
        <button class="link" data-testid={`open-${s.kind}-${s.ref}`} onClick={() => props.onOpen({ kind: s.kind, course: s.course, ref: s.ref })}>
          {tx(s.title)}
        </button>
        {s.minutes > 0 && <span class="muted">{t('learning.minutes', { n: s.minutes })}</span>}
        {s.group && <span class="tag">{t('learning.group')}</span>}
      </div>
      {props.sameReasons ? (
        <p class="reasons muted">{t('learning.sameReasons')}</p>
      ) : (
        <ul class="reasons" aria-label={t('learning.why')}>
          {s.reasons.map((r, i) => (
            <li key={i} class={`reason reason-${r.kind}`} data-testid="map-reason">{tx(r.text)}</li>
          ))}
        </ul>
      )}
    </li>
  );
}

function MapPanel(props: { tick: number; onOpen: (o: Open) => void }) {
  const [map, setMap] = useState<LearningMap | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<LearningMap>('/api/v1/learning/me/map').then(setMap).catch((e) => setError(errorText(e)));
  }, [props.tick]);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!map) return <p class="loading">{t('app.loading')}</p>;
  return (
    <div class="learning-map" data-testid="learning-map">
      <h3>{t('learning.map.title')}</h3>
      {map.weak_items.length > 0 && (
        <p class="muted">
          {t('learning.map.weak')}: {map.weak_items.map((w) => `${w.name ? tx(w.name) : w.item} ${w.score.toFixed(2)}`).join(' · ')}
        </p>
      )}
      {map.next_tier.length > 0 && (
        <p class="muted" data-testid="map-next-tier">
          {t('learning.map.nextTier', { tier: `T${map.next_tier[0].tier}` })}: {map.next_tier.map((g) => `${tx(g.name)} ${g.current}→${g.required}`).join(' · ')}
        </p>
      )}
      {map.steps.length === 0 ? (
        <p data-testid="map-empty">{t('learning.map.empty')}</p>
      ) : (
        <ol class="steps">
          {map.steps.map((s, i) => {
            const prev = i > 0 ? map.steps[i - 1] : null;
            const same = !!prev && prev.course === s.course && JSON.stringify(prev.reasons) === JSON.stringify(s.reasons);
            return <StepRow key={`${s.course}/${s.ref}`} step={s} sameReasons={same} onOpen={props.onOpen} />;
          })}
        </ol>
      )}
      {map.uncovered.length > 0 && <p class="muted">{t('learning.map.uncovered', { items: map.uncovered.join(', ') })}</p>}
    </div>
  );
}

function CoursesPanel(props: { onOpen: (o: Open) => void }) {
  const [courses, setCourses] = useState<Course[] | null>(null);
  useEffect(() => {
    get<{ items: Course[] }>('/api/v1/learning/courses').then((r) => setCourses(r.items)).catch(() => setCourses([]));
  }, []);
  if (!courses) return <p class="loading">{t('app.loading')}</p>;
  if (!courses.length) return <p>{t('learning.courses.none')}</p>;
  return (
    <ul class="courses" data-testid="learning-courses">
      {courses.map((c) => (
        <li key={c.id} class="course">
          <h3>{tx(c.title)}</h3>
          <p class="muted">{tx(c.summary)} · {t('learning.minutes', { n: c.minutes })}</p>
          <div class="course-parts">
            {c.lessons.map((l) => (
              <button key={l.id} onClick={() => props.onOpen({ kind: 'lesson', course: c.id, ref: l.id })}>{t('learning.kind.lesson')}: {tx(l.title)}</button>
            ))}
            {c.quizzes.map((q) => (
              <button key={q.id} onClick={() => props.onOpen({ kind: 'quiz', course: c.id, ref: q.id })}>{t('learning.kind.quiz')}: {tx(q.title)}</button>
            ))}
            {c.drills.map((d) => (
              <button key={d.id} onClick={() => props.onOpen({ kind: 'drill', course: c.id, ref: d.id })}>{t('learning.kind.drill')}: {tx(d.title)}</button>
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}

function Activity(props: { open: NonNullable<Open>; onClose: () => void; onDone: () => void }) {
  const [course, setCourse] = useState<Course | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<Course>(`/api/v1/learning/courses/${enc(props.open.course)}`).then(setCourse).catch((e) => setError(errorText(e)));
  }, [props.open.course]);
  return (
    <div class="activity">
      <button class="back" data-testid="learning-back" onClick={props.onClose}>← {t('learning.back')}</button>
      {error && <p class="error" role="alert">{error}</p>}
      {course && props.open.kind === 'lesson' && <LessonView course={course} id={props.open.ref} onDone={props.onDone} />}
      {course && props.open.kind === 'quiz' && <QuizView course={course} id={props.open.ref} onDone={props.onDone} />}
      {course && props.open.kind === 'drill' && <DrillView course={course} id={props.open.ref} onDone={props.onDone} />}
    </div>
  );
}

function LessonView(props: { course: Course; id: string; onDone: () => void }) {
  const lesson = props.course.lessons.find((l) => l.id === props.id);
  const [body, setBody] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = lesson ? (lang() === 'en' ? lesson.files.en : lesson.files['zh-CN']) : '';
  useEffect(() => {
    if (!lesson || lesson.format !== 'markdown') return;
    fetch(fileUrl(props.course.id, path), { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then(setBody)
      .catch((e) => setError(String(e)));
  }, [props.course.id, path]);
  if (!lesson) return <p class="error">{t('learning.notFound')}</p>;
  const complete = async () => {
    try {
      await post(`/api/v1/learning/courses/${enc(props.course.id)}/lessons/${enc(lesson.id)}/complete`);
      setDone(true);
      props.onDone();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <article class="lesson" data-testid="lesson">
      <h3>{tx(lesson.title)}</h3>
      {lesson.media.map((m) =>
        m.type.startsWith('video/') ? (
          <video key={m.path} controls preload="metadata" src={fileUrl(props.course.id, m.path)} aria-label={tx(lesson.title)} />
        ) : m.type.startsWith('image/') ? (
          <img key={m.path} src={fileUrl(props.course.id, m.path)} alt={tx(lesson.title)} />
        ) : null,
      )}
      {lesson.format === 'html' ? (
        <iframe class="lesson-html" sandbox="" title={tx(lesson.title)} src={fileUrl(props.course.id, path)} />
      ) : body === null ? (
        <p class="loading">{t('app.loading')}</p>
      ) : (
        <div class="lesson-body" data-testid="lesson-body" dangerouslySetInnerHTML={{ __html: markdownToHtml(body) }} />
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {done ? (
        <p class="ok" role="status" data-testid="lesson-done">{t('learning.lesson.done')}</p>
      ) : (
        <button class="primary" data-testid="lesson-complete" onClick={complete}>{t('learning.lesson.complete')}</button>
      )}
    </article>
  );
}

function QuizView(props: { course: Course; id: string; onDone: () => void }) {
  const quiz = props.course.quizzes.find((q) => q.id === props.id);
  const [answers, setAnswers] = useState<Record<string, number[]>>({});
  const [result, setResult] = useState<QuizResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!quiz) return <p class="error">{t('learning.notFound')}</p>;
  const toggle = (q: string, i: number, multiple: boolean) => {
    const cur = answers[q] ?? [];
    const next = multiple ? (cur.includes(i) ? cur.filter((x) => x !== i) : [...cur, i].sort()) : [i];
    setAnswers({ ...answers, [q]: next });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setResult(await post<QuizResult>(`/api/v1/learning/courses/${enc(props.course.id)}/quizzes/${enc(quiz.id)}/attempts`, { answers }));
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const verdict = (id: string) => result?.questions.find((q) => q.id === id);
  return (
    <form class="quiz" data-testid="quiz" onSubmit={submit}>
      <h3>{tx(quiz.title)}</h3>
      <p class="muted">{t('learning.quiz.passMark', { pct: Math.round(quiz.pass_mark * 100) })}</p>
      {quiz.questions.map((q, qi) => (
        <fieldset key={q.id} class="question" data-testid={`question-${q.id}`}>
          <legend>{qi + 1}. {tx(q.prompt)} {q.multiple && <span class="muted">({t('learning.quiz.multiple')})</span>}</legend>
          {q.options.map((o, i) => (
            <label key={i} class="option">
              <input type={q.multiple ? 'checkbox' : 'radio'} name={q.id} checked={(answers[q.id] ?? []).includes(i)}
                disabled={!!result} onChange={() => toggle(q.id, i, q.multiple)} />
              <span>{tx(o)}</span>
            </label>
          ))}
          {verdict(q.id) && (
            <p class={verdict(q.id)!.correct ? 'ok' : 'error'}>
              {verdict(q.id)!.correct ? t('learning.quiz.right') : t('learning.quiz.wrong')} {tx(verdict(q.id)!.explanation)}
            </p>
          )}
        </fieldset>
      ))}
      {error && <p class="error" role="alert">{error}</p>}
      {result ? (
        <div role="status" data-testid="quiz-result" class={result.passed ? 'ok' : 'error'}>
          {t(result.passed ? 'learning.quiz.passed' : 'learning.quiz.failed', { points: result.points, max: result.max_points })}
          {result.routing && (result.routing.practice_added.length > 0 || result.routing.levels_raised.length > 0) && (
            <p data-testid="quiz-routing">
              {t('learning.quiz.routing', {
                skills: [...result.routing.practice_added, ...result.routing.levels_raised.map((r) => `${r.skill} ${r.from}→${r.to}`)].join(', '),
              })}
            </p>
          )}
        </div>
      ) : (
        <button type="submit" class="primary" data-testid="quiz-submit">{t('learning.quiz.submit')}</button>
      )}
    </form>
  );
}

function DrillView(props: { course: Course; id: string; onDone: () => void }) {
  const drill = props.course.drills.find((d) => d.id === props.id);
  const [script, setScript] = useState<DrillScript | null>(null);
  const [replies, setReplies] = useState<string[]>([]);
  const [draft, setDraft] = useState('');
  const [started] = useState(Date.now());
  const [result, setResult] = useState<DrillResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!drill) return;
    get<DrillScript>(fileUrl(props.course.id, drill.file)).then(setScript).catch((e) => setError(errorText(e)));
  }, [props.course.id, drill?.file]);
  if (!drill) return <p class="error">{t('learning.notFound')}</p>;
  const turns = script?.customer_turns ?? script?.turns ?? [];
  const send = (e: Event) => {
    e.preventDefault();
    if (!draft.trim()) return;
    setReplies([...replies, draft.trim()]);
    setDraft('');
  };
  const finish = async () => {
    try {
      setResult(
        await post<DrillResult>(`/api/v1/learning/courses/${enc(props.course.id)}/drills/${enc(drill.id)}/attempts`, {
          replies,
          seconds: Math.min(86400, Math.round((Date.now() - started) / 1000)),
        }),
      );
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  // The conversation: each customer turn, then the agent's reply to it.
  const lines: Array<{ who: 'customer' | 'me'; text: string }> = [];
  turns.forEach((turn, i) => {
    if (i <= replies.length) lines.push({ who: 'customer', text: tx(turn) });
    if (i < replies.length) lines.push({ who: 'me', text: replies[i] });
  });
  for (let i = turns.length; i < replies.length; ++i) lines.push({ who: 'me', text: replies[i] });
  return (
    <div class="drill" data-testid="drill">
      <h3>{tx(drill.title)}</h3>
      {script?.time_limit_seconds ? <p class="muted">{t('learning.drill.limit', { s: script.time_limit_seconds })}</p> : null}
      <ol class="chat" aria-live="polite">
        {lines.map((l, i) => (
          <li key={i} class={`line ${l.who}`}><span class="who">{t(`learning.drill.${l.who}`)}</span> {l.text}</li>
        ))}
      </ol>
      {!result && (
        <form onSubmit={send} class="reply">
          <label>
            <span>{t('learning.drill.reply')}</span>
            <textarea data-testid="drill-reply" value={draft} rows={3} onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)} />
          </label>
          <button type="submit" data-testid="drill-send">{t('learning.drill.send')}</button>
          <button type="button" class="primary" data-testid="drill-finish" disabled={!replies.length} onClick={finish}>{t('learning.drill.finish')}</button>
        </form>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {result && (
        <div class="feedback" role="status" data-testid="drill-result">
          <p>{t('learning.drill.score', { pct: Math.round(result.fraction * 100) })}{result.over_time ? ` · ${t('learning.drill.overTime')}` : ''}</p>
          <ul>
            {result.covered.map((c, i) => <li key={`c${i}`} class="ok">✓ {tx(c)}</li>)}
            {result.missed.map((c, i) => <li key={`m${i}`} class="error">✗ {t('learning.drill.missed')}: {tx(c)}</li>)}
            {result.avoid_used.map((c, i) => <li key={`a${i}`} class="error">⚠ {t('learning.drill.avoid')}: {tx(c)}</li>)}
          </ul>
        </div>
      )}
    </div>
  );
}

function ProgressPanel(props: { agentId: string; tick: number; onChange: () => void }) {
  const [p, setP] = useState<Progress | null>(null);
  const [team, setTeam] = useState<string | null>(null);
  const [board, setBoard] = useState<Progress[] | null>(null);
  useEffect(() => {
    get<Progress>(`/api/v1/learning/agents/${enc(props.agentId)}/progress`).then(setP).catch(() => setP(null));
    get<LearningMap>('/api/v1/learning/me/map').then((m) => setTeam(m.team)).catch(() => setTeam(null));
  }, [props.agentId, props.tick]);
  useEffect(() => {
    if (!team) return;
    get<{ items: Progress[] }>(`/api/v1/learning/teams/${enc(team)}/leaderboard`).then((r) => setBoard(r.items)).catch(() => setBoard(null));
  }, [team, props.tick]);
  if (!p) return <p class="loading">{t('app.loading')}</p>;
  const hide = async (hidden: boolean) => {
    setP({ ...p, leaderboard_hidden: hidden });
    try {
      await put('/api/v1/learning/me/leaderboard', { hidden });
    } finally {
      props.onChange();
    }
  };
  return (
    <div class="progress" data-testid="learning-progress">
      <p>{t('learning.progress.summary', { lessons: p.lessons, quizzes: p.quizzes_passed, longest: p.longest_streak })}</p>
      <h3>{t('learning.leaderboard')}</h3>
      <label class="check">
        <input type="checkbox" data-testid="leaderboard-hide" checked={!!p.leaderboard_hidden} onChange={(e) => hide((e.target as HTMLInputElement).checked)} />
        <span>{t('learning.leaderboard.hide')}</span>
      </label>
      {board && (
        <table class="leaderboard" data-testid="leaderboard">
          <thead><tr><th>#</th><th>{t('learning.agent')}</th><th>{t('learning.points')}</th><th>{t('learning.level')}</th><th>{t('learning.streak')}</th></tr></thead>
          <tbody>
            {board.map((r, i) => (
              <tr key={r.agent} class={r.agent === props.agentId ? 'me' : ''}><td>{i + 1}</td><td>{r.agent}</td><td>{r.points}</td><td>{r.level}</td><td>{r.streak_days}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function TeamPanel() {
  const [teams, setTeams] = useState<string[]>([]);
  const [team, setTeam] = useState('');
  const [since, setSince] = useState(() => new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10));
  const [framework, setFramework] = useState<Framework | null>(null);
  const [report, setReport] = useState<TeamReport | null>(null);
  const [plans, setPlans] = useState<Record<string, { left: number; done: number }>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<Framework>('/api/v1/learning/framework').then(setFramework).catch(() => setFramework(null));
    get<{ items: Array<{ id: string; team: string }> }>('/api/v1/agents?limit=200')
      .then((r) => {
        const ts = [...new Set(r.items.map((a) => a.team).filter(Boolean))].sort();
        setTeams(ts);
        setTeam((cur) => cur || ts[0] || '');
      })
      .catch((e) => setError(errorText(e)));
  }, []);
  useEffect(() => {
    if (!team) return;
    const before = Date.parse(`${since}T00:00:00`);
    get<TeamReport>(`/api/v1/learning/teams/${enc(team)}/report${Number.isFinite(before) ? `?before=${before}` : ''}`)
      .then(async (r) => {
        setReport(r);
        const out: Record<string, { left: number; done: number }> = {};
        for (const a of Object.keys(r.agents)) {
          try {
            const m = await get<LearningMap>(`/api/v1/learning/agents/${enc(a)}/map`);
            out[a] = { left: m.steps.length, done: m.done };
          } catch {
            /* skip */
          }
        }
        setPlans(out);
      })
      .catch((e) => setError(errorText(e)));
  }, [team, since]);
  const items = framework ? framework.dimensions.flatMap((d) => d.items) : [];
  return (
    <div class="team-report" data-testid="team-report">
      <div class="controls">
        <label>
          <span>{t('learning.team')}</span>
          <select value={team} data-testid="team-select" onChange={(e) => setTeam((e.target as HTMLSelectElement).value)}>
            {teams.map((x) => <option key={x} value={x}>{x}</option>)}
          </select>
        </label>
        <label>
          <span>{t('learning.team.since')}</span>
          <input type="date" value={since} onInput={(e) => setSince((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {report && (
        <>
          <h3>{t('learning.team.heatmap')}</h3>
          <div class="heat-scroll">
            <table class="heatmap" data-testid="heatmap">
              <thead>
                <tr>
                  <th>{t('learning.agent')}</th>
                  {items.map((i) => <th key={i.code} title={i.code}>{tx(i.name)}</th>)}
                  <th>{t('learning.team.plan')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(report.agents).map(([agent, scores]) => (
                  <tr key={agent}>
                    <th>{agent}</th>
                    {items.map((i) => (
                      <td key={i.code} style={{ background: heatColor(scores[i.code], report.threshold) }} data-testid="heat-cell">
                        {scores[i.code] !== undefined ? scores[i.code].toFixed(1) : '—'}
                      </td>
                    ))}
                    <td data-testid="plan-progress">{plans[agent] ? t('learning.team.planProgress', plans[agent]) : '…'}</td>
                  </tr>
                ))}
                <tr class="mean">
                  <th>{t('learning.team.mean')}</th>
                  {items.map((i) => (
                    <td key={i.code} style={{ background: heatColor(report.items[i.code], report.threshold) }}>
                      {report.items[i.code] !== undefined ? report.items[i.code].toFixed(2) : '—'}
                    </td>
                  ))}
                  <td />
                </tr>
              </tbody>
            </table>
          </div>
          <h3>{t('learning.team.group')}</h3>
          {report.group_plan.items.length === 0 ? (
            <p>{t('learning.team.noGroup')}</p>
          ) : (
            <ul>
              {report.group_plan.items.map((w) => (
                <li key={w.item}>{w.name ? tx(w.name) : w.item}: {w.score.toFixed(2)} · {t('learning.team.below', { pct: Math.round(w.share_below * 100) })}</li>
              ))}
            </ul>
          )}
          {report.before_after && (
            <>
              <h3>{t('learning.team.beforeAfter')}</h3>
              <table class="before-after" data-testid="before-after">
                <thead><tr><th>{t('learning.item')}</th><th>{t('learning.before')}</th><th>{t('learning.after')}</th><th>{t('learning.delta')}</th></tr></thead>
                <tbody>
                  {items.filter((i) => report.before_after![i.code]).map((i) => {
                    const x = report.before_after![i.code];
                    return (
                      <tr key={i.code}>
                        <td>{tx(i.name)}</td>
                        <td>{x.before === null ? '—' : x.before.toFixed(2)}</td>
                        <td>{x.after.toFixed(2)}</td>
                        <td>{x.delta === null ? '—' : `${x.delta >= 0 ? '+' : ''}${x.delta.toFixed(2)}`}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </div>
  );
}
