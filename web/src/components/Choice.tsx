/** A labelled choice among fixed values (lanes, statuses, findings…), with "any" first when `any` is given. */
export function Choice<T extends string>({ label, value, options, onChange, any }: { label: string; value: T | ''; options: readonly T[]; onChange: (v: T | '') => void; any?: boolean }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value as T | '')}>
        {any === true && <option value="">any</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export const LANES = ['red', 'yellow', 'green'] as const;
