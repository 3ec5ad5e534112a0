import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, post, put } from '../../api.ts';
import type { Role, UserRow } from '../../types.ts';
import { ConfirmButton, FormError, problemsOf, TextField, when } from './fields.tsx';

/** The roles a person may be given here (a device is registered under Devices, not made a user). */
const ROLES = ['admin', 'analyst', 'supervisor', 'officer', 'trader', 'carrier', 'auditor'] as const satisfies readonly Role[];
const PARTY_ROLES: readonly Role[] = ['trader', 'carrier'];

/** Roles as a group of checkboxes, with the server's problems about them under the group. */
function RolePicker({ value, onChange, error, legend }: { value: readonly Role[]; onChange: (r: Role[]) => void; error: unknown; legend: string }) {
  const id = useId();
  const problems = problemsOf(error, 'roles');
  return (
    <fieldset className="roles" aria-invalid={problems.length > 0} {...(problems.length > 0 ? { 'aria-describedby': id } : {})}>
      <legend>{legend}</legend>
      {ROLES.map((r) => (
        <label key={r} className="check">
          <input type="checkbox" checked={value.includes(r)} onChange={(e) => onChange(e.target.checked ? [...value, r] : value.filter((x) => x !== r))} />
          {r}
        </label>
      ))}
      {problems.length > 0 && <span id={id} className="field-error">{problems.join('; ')}</span>}
    </fieldset>
  );
}

/**
 * Users: who exists, with which roles, whether disabled, when last seen; an administrator adds a
 * user (roles and a first password), changes roles, disables or enables, and sets a new password.
 * An auditor sees the list only.
 */
export function UsersPanel({ canWrite, me }: { canWrite: boolean; me: string }) {
  const users = useQuery({ queryKey: ['users'], queryFn: () => api<{ users: UserRow[] }>('/users') });
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const user = users.data?.users.find((u) => u.id === selected);
  return (
    <div className="two admin-two">
      <section aria-labelledby="users-list">
        <h2 id="users-list">Users</h2>
        {users.error && <p role="alert" className="error">{users.error.message}</p>}
        <table className="simple" aria-label="Users">
          <thead><tr><th>User</th><th>Roles</th><th>Status</th><th>Last seen</th></tr></thead>
          <tbody>
            {(users.data?.users ?? []).map((u) => (
              <tr key={u.id} className={u.id === selected ? 'selected' : undefined}>
                <td>
                  <button type="button" className="link" onClick={() => setSelected(u.id)} aria-pressed={u.id === selected}>{u.id}</button>
                  {u.name !== u.id && <span className="muted"> {u.name}</span>}
                  {u.party !== undefined && <span className="muted"> ({u.party})</span>}
                </td>
                <td>{u.roles.join(', ')}</td>
                <td>{u.disabled ? <span className="status status-disabled">disabled</span> : <span className="status status-active">enabled</span>}</td>
                <td>{when(u.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div>
        {user !== undefined && <UserDetail key={user.id} user={user} canWrite={canWrite} me={me} />}
        {canWrite && <NewUser onMade={setSelected} />}
      </div>
    </div>
  );
}

function UserDetail({ user, canWrite, me }: { user: UserRow; canWrite: boolean; me: string }) {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: ['users'] });
  const path = `/users/${encodeURIComponent(user.id)}`;
  const [roles, setRoles] = useState<Role[]>([...user.roles]);
  const [password, setPassword] = useState('');
  const saveRoles = useMutation({ mutationFn: () => put<UserRow>(`${path}/roles`, { roles }), onSuccess: refresh });
  const disable = useMutation({ mutationFn: (disabled: boolean) => put(`${path}/disabled`, { disabled }), onSuccess: refresh });
  const reset = useMutation({ mutationFn: () => put(`${path}/password`, { password }), onSuccess: () => setPassword('') });
  return (
    <section aria-labelledby="user-detail">
      <h2 id="user-detail">{user.id} {user.disabled && <span className="status status-disabled">disabled</span>}</h2>
      <dl className="facts">
        <dt>Name</dt><dd>{user.name}</dd>
        <dt>Roles</dt><dd>{user.roles.join(', ')}</dd>
        {user.party !== undefined && <><dt>Party</dt><dd>{user.party}</dd></>}
        <dt>Since</dt><dd>{when(user.createdAt)}</dd>
        <dt>Last seen</dt><dd>{user.lastSeenAt === null ? 'never' : when(user.lastSeenAt)}</dd>
      </dl>
      {canWrite && (
        <>
          <form className="stack" aria-label="Roles" onSubmit={(e) => { e.preventDefault(); saveRoles.mutate(); }}>
            <RolePicker legend="Roles" value={roles} onChange={setRoles} error={saveRoles.error} />
            <button type="submit" disabled={saveRoles.isPending}>Save roles</button>
            {saveRoles.isSuccess && <p role="status" className="ok">Roles saved.</p>}
            <FormError error={saveRoles.error} fields={['roles']} />
          </form>
          <div className="buttons">
            {user.disabled ? (
              <button type="button" onClick={() => disable.mutate(false)}>Enable</button>
            ) : (
              <ConfirmButton label="Disable" question={`Disable ${user.id}? They can no longer sign in or use their API keys.`} onConfirm={() => disable.mutate(true)} disabled={user.id === me} />
            )}
          </div>
          <FormError error={disable.error} fields={[]} />
          <form className="stack" aria-label="Set a new password" onSubmit={(e) => { e.preventDefault(); reset.mutate(); }}>
            <TextField label="New password (at least 12 characters)" field="password" error={reset.error} value={password} onChange={setPassword} type="password" autoComplete="new-password" required minLength={12} />
            <button type="submit" disabled={reset.isPending}>Set password</button>
            {reset.isSuccess && <p role="status" className="ok">Password set: give it to {user.id} over a separate channel.</p>}
            <FormError error={reset.error} fields={['password']} />
          </form>
        </>
      )}
    </section>
  );
}

function NewUser({ onMade }: { onMade: (id: string) => void }) {
  const client = useQueryClient();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [party, setParty] = useState('');
  const [password, setPassword] = useState('');
  const needsParty = roles.some((r) => PARTY_ROLES.includes(r));
  const make = useMutation({
    mutationFn: () => post<UserRow>('/users', { id: id.trim(), roles, ...(name.trim() !== '' ? { name: name.trim() } : {}), ...(party.trim() !== '' ? { party: party.trim() } : {}), ...(password !== '' ? { password } : {}) }),
    onSuccess: (u) => {
      void client.invalidateQueries({ queryKey: ['users'] });
      onMade(u.id);
      setId('');
      setName('');
      setRoles([]);
      setParty('');
      setPassword('');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    make.mutate();
  };
  return (
    <section aria-labelledby="new-user">
      <h2 id="new-user">New user</h2>
      <form className="stack" aria-label="New user" onSubmit={submit}>
        <TextField label="User id" field="id" error={make.error} value={id} onChange={setId} required autoComplete="off" />
        <TextField label="Name" field="name" error={make.error} value={name} onChange={setName} placeholder="the user id" />
        <RolePicker legend="Roles" value={roles} onChange={setRoles} error={make.error} />
        {needsParty && <TextField label="Party (the trader's or carrier's id)" field="party" error={make.error} value={party} onChange={setParty} />}
        <TextField label="Password (at least 12 characters)" field="password" error={make.error} value={password} onChange={setPassword} type="password" autoComplete="new-password" />
        <button type="submit" disabled={make.isPending}>Add user</button>
        {make.isSuccess && <p role="status" className="ok">User {make.data.id} added.</p>}
        <FormError error={make.error} fields={needsParty ? ['id', 'name', 'roles', 'party', 'password'] : ['id', 'name', 'roles', 'password']} />
      </form>
    </section>
  );
}
