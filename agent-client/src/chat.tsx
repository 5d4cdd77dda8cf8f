// A chat contact's transcript and the agent's reply box, over
// GET/POST /api/v1/contacts/{id}/messages; new messages arrive live ("message" on the
// WebSocket) and are merged by seq in the state (state.ts mergeChat).

import { useEffect, useRef, useState } from 'preact/hooks';
import { enc, errorText, get, post } from './api';
import { t } from './i18n';
import type { ChatMessage, Contact } from './types';
import type { Dispatch } from './app';

export function ChatPanel(props: { contact: Contact; messages: ChatMessage[] | undefined; dispatch: Dispatch; canReply: boolean; connected: boolean }) {
  const { contact, dispatch } = props;
  const id = contact.id;
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);
  // The whole transcript on open and after every reconnect (messages may have been missed).
  useEffect(() => {
    get<{ items: ChatMessage[] }>(`/api/v1/contacts/${enc(id)}/messages`)
      .then((r) => dispatch({ kind: 'chat', contactId: id, messages: r.items }))
      .catch(() => undefined);
  }, [id, props.connected]);
  const messages = props.messages ?? [];
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);
  const send = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const m = await post<ChatMessage>(`/api/v1/contacts/${enc(id)}/messages`, { text });
      dispatch({ kind: 'chat', contactId: id, messages: [m] });
      setText('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="chat" aria-labelledby={`chat-title-${id}`} data-testid="chat">
      <h3 id={`chat-title-${id}`}>{t('chat.title')}</h3>
      <ol class="transcript" ref={listRef} aria-live="polite" aria-label={t('chat.transcript')} data-testid="transcript">
        {messages.length === 0 && <li class="muted">{t('chat.empty')}</li>}
        {messages.map((m) => (
          <li key={m.seq} class={`msg msg-${m.from}`} data-from={m.from}>
            <span class="who">
              {t(`chat.from.${m.from}`)} · {new Date(m.at).toLocaleTimeString()}
            </span>
            <span class="text">{m.text}</span>
          </li>
        ))}
      </ol>
      {props.canReply && (
        <form class="reply" onSubmit={send}>
          <label>
            <span>{t('chat.reply')}</span>
            <textarea
              name="reply"
              rows={2}
              maxLength={4000}
              value={text}
              data-testid="chat-reply"
              onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) void send(e);
              }}
            />
          </label>
          <button type="submit" class="primary" disabled={busy || !text.trim()} data-testid="chat-send">
            {t('chat.send')}
          </button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
