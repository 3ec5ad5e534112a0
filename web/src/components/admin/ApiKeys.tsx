import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, post } from '../../api.ts';
import type { ApiKeyInfo, CreatedApiKey } from '../../types.ts';
import { ConfirmButton, FormError, TextField, when } from './fields.tsx';

/**
 * API keys, everyone's (an administrator's apikey.admin): each with its user, when last used,
 * when it expires, whether revoked; a new key for any user, its secret shown once; revoke.
 */
export function ApiKeysPanel({ me }: { me: string }) {
  const client = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => api<{ keys: ApiKeyInfo[] }>('/api-keys') });
  const revoke = useMutation({ mutationFn: (id: string) => api(`/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' }), onSuccess: () => void client.invalidateQueries({ queryKey: ['api-keys'] }) });
  const list = [...(keys.data?.keys ?? [])].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt));
  return (
    <div className="two admin-two">
      <section aria-labelledby="keys-list">
        <h2 id="keys-list">API keys</h2>
        {keys.error && <p role="alert" className="error">{keys.error.message}</p>}
        {keys.data?.keys.length === 0 && <p className="muted">No API keys yet.</p>}
        <table className="simple" aria-label="API keys">
          <thead><tr><th>Key</th><th>User</th><th>Made</th><th>Last used</th><th>Expires</th><th>State</th></tr></thead>
          <tbody>
            {list.map((k) => (
              <tr key={k.id}>
                <td>{k.name} <span className="mono muted">{k.id}</span></td>
                <td>{k.user}</td>
                <td>{when(k.createdAt)}</td>
                <td>{when(k.lastUsedAt)}</td>
                <td>{k.expiresAt === null ? 'never' : when(k.expiresAt)}</td>
                <td>
                  {k.revokedAt !== null ? <span className="status status-disabled">revoked {when(k.revokedAt)}</span> : <ConfirmButton label="Revoke" question={`Revoke ${k.name}? Whatever uses it is refused from now on.`} onConfirm={() => revoke.mutate(k.id)} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <FormError error={revoke.error} fields={[]} />
      </section>
      <NewApiKey me={me} />
    </div>
  );
}

function NewApiKey({ me }: { me: string }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [user, setUser] = useState(me);
  const [expires, setExpires] = useState('');
  const [made, setMade] = useState<CreatedApiKey | undefined>(undefined);
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>(undefined);
  const make = useMutation({
    mutationFn: () => post<CreatedApiKey>('/api-keys', { name: name.trim(), user: user.trim(), ...(expires !== '' ? { expiresAt: `${expires}T00:00:00Z` } : {}) }),
    onSuccess: (k) => {
      void client.invalidateQueries({ queryKey: ['api-keys'] });
      setMade(k);
      setCopied(undefined);
      setName('');
      setExpires('');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    make.mutate();
  };
  const copy = async (key: string) => {
    try {
      await navigator.clipboard.writeText(key);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <section aria-labelledby="new-key">
      <h2 id="new-key">New API key</h2>
      {made !== undefined && (
        <div className="secret" role="region" aria-label="New API key secret">
          <p className="warning"><b>Copy this key now: it is shown this once.</b> Portcullis keeps only its hash; if it is lost, revoke it and make another.</p>
          <p>Key <b>{made.name}</b> for <b>{made.user}</b>, sent as the <code>X-API-Key</code> header:</p>
          <code className="key" aria-label="API key secret">{made.key}</code>
          <div className="buttons">
            <button type="button" onClick={() => void copy(made.key)}>Copy</button>
            <button type="button" onClick={() => setMade(undefined)}>I have copied it</button>
          </div>
          {copied === 'yes' && <p role="status" className="ok">Copied.</p>}
          {copied === 'failed' && <p role="status" className="error">The browser refused the clipboard: select the key and copy it.</p>}
        </div>
      )}
      <form className="stack" aria-label="New API key" onSubmit={submit}>
        <TextField label="Name (what uses it)" field="name" error={make.error} value={name} onChange={setName} required maxLength={100} />
        <TextField label="For user" field="user" error={make.error} value={user} onChange={setUser} required />
        <TextField label="Expires (blank: never)" field="expiresAt" error={make.error} value={expires} onChange={setExpires} type="date" />
        <button type="submit" disabled={make.isPending}>Make key</button>
        <FormError error={make.error} fields={['name', 'user', 'expiresAt']} />
      </form>
    </section>
  );
}
