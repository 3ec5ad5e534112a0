import { useId, useState, type InputHTMLAttributes } from 'react';
import { ApiError } from '../../api.ts';

type Detail = ApiError['details'][number];

/** Whether a detail of the server's refusal is about `field` (or a part of it: roles.0 is about roles). */
const about = (d: Detail, field: string) => d.field === field || (d.field?.startsWith(`${field}.`) ?? false);

/** What the server said was wrong with one field of a refused request. */
export function problemsOf(error: unknown, field: string): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.details.filter((d) => about(d, field)).map((d) => `${d.problem}${d.expected !== undefined ? `; expected ${d.expected}` : ''}`);
}

/**
 * The refusal of a form as a whole: the server's message, and the problems about fields the form
 * does not show (those it shows are next to their field).
 */
export function FormError({ error, fields }: { error: Error | null; fields: readonly string[] }) {
  if (error === null) return null;
  const rest = error instanceof ApiError ? error.details.filter((d) => !fields.some((f) => about(d, f))) : [];
  return (
    <div role="alert" className="error">
      {error.message}
      {rest.length > 0 && <ul>{rest.map((d, i) => <li key={i}>{d.field ?? ''}: {d.problem}{d.expected !== undefined ? `; expected ${d.expected}` : ''}</li>)}</ul>}
    </div>
  );
}

/** A labelled input with the server's problems about its field shown under it (and tied to it for screen readers). */
export function TextField({ label, field, error, value, onChange, ...rest }: { label: string; field: string; error: unknown; value: string; onChange: (v: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const id = useId();
  const problems = problemsOf(error, field);
  return (
    <label>
      {label}
      <input {...rest} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={problems.length > 0} {...(problems.length > 0 ? { 'aria-describedby': id } : {})} />
      {problems.length > 0 && <span id={id} className="field-error">{problems.join('; ')}</span>}
    </label>
  );
}

/** A button for what cannot be undone: the first press asks, the second (Yes) does it; Cancel or Escape keeps things as they are. */
export function ConfirmButton({ label, question, onConfirm, disabled }: { label: string; question: string; onConfirm: () => void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return <button type="button" onClick={() => setAsking(true)} disabled={disabled}>{label}</button>;
  }
  return (
    <span className="confirm" role="group" aria-label={question} onKeyDown={(e) => { if (e.key === 'Escape') setAsking(false); }}>
      <span>{question}</span>
      <button type="button" className="danger" autoFocus onClick={() => { setAsking(false); onConfirm(); }}>Yes, {label.toLowerCase()}</button>
      <button type="button" onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}

/** An ISO time as "2026-12-07 04:43 UTC"; a dash for never. */
export const when = (iso: string | null | undefined): string => (iso === null || iso === undefined ? '–' : `${iso.slice(0, 16).replace('T', ' ')} UTC`);
