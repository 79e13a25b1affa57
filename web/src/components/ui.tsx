import type { ComponentChildren, TargetedEvent } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { ApiError } from '../api';
import { LANGS, useI18n, type Lang, type MessageKey } from '../i18n';

/** A labelled control: the label's `for` is tied to the id handed to the child. */
export function Field(props: { label: string; hint?: string; class?: string; children: (id: string, hintId?: string) => ComponentChildren }) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={id}>{props.label}</label>
      {props.children(id, hintId)}
      {props.hint && <small id={hintId} class="hint">{props.hint}</small>}
    </div>
  );
}

/** An API or network error in the user's language where we know it, else the server's message. */
export function ErrorText({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  let text = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError) {
    if (error.status === 0) text = t('error.network');
    else if (error.status === 403) text = `${t('error.forbidden')} (${error.message})`;
    else if (error.status === 404 && /Cannot (GET|POST|PATCH|DELETE)/.test(error.message)) text = t('error.notAvailable');
  }
  return <p class="alert alert-error" role="alert">{text}</p>;
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning'; children: ComponentChildren }) {
  return <div class={`alert alert-${kind}`} role="status">{children}</div>;
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <span class={`badge badge-${status}`}>{t(`status.${status}` as MessageKey)}</span>;
}

export function Loading({ show }: { show: boolean }) {
  const { t } = useI18n();
  return show ? <p class="muted" aria-live="polite">{t('common.loading')}</p> : null;
}

/** A modal <dialog>: focus is trapped by the browser, Escape closes it. */
export function Dialog(props: { open: boolean; title: string; onClose(): void; children: ComponentChildren; class?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} class={props.class} aria-labelledby={titleId} onClose={props.onClose}>
      <header class="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
      </header>
      {props.open && props.children}
    </dialog>
  );
}

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const id = useId();
  return (
    <span class="lang-switch">
      <label for={id} class="visually-hidden">{t('common.language')}</label>
      <select id={id} value={lang} onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}>
        {LANGS.map((code) => <option value={code} key={code}>{code === 'vi' ? 'Tiếng Việt' : 'English'}</option>)}
      </select>
    </span>
  );
}

/** A select over areas, labelled; `allLabel` adds an empty "all" choice. */
export function AreaSelect(props: { label: string; value: string; onChange(id: string): void; areas: { id: string; name: string }[]; allLabel?: string; required?: boolean }) {
  return (
    <Field label={props.label}>
      {(id) => (
        <select id={id} value={props.value} required={props.required} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
          {props.allLabel !== undefined && <option value="">{props.allLabel}</option>}
          {props.areas.map((area) => <option value={area.id} key={area.id}>{area.name}</option>)}
        </select>
      )}
    </Field>
  );
}

export const inputValue = (e: TargetedEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => e.currentTarget.value;
