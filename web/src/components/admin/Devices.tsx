import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, post, query } from '../../api.ts';
import type { Device } from '../../types.ts';
import { ConfirmButton, FormError, TextField, when } from './fields.tsx';

/**
 * Devices (e-seals, trackers): each with its container, who registered it and when, whether
 * revoked; register one with its own Ed25519 public key (the service never holds a device's
 * private key), revoke one after a confirmation. Read-only without device.write.
 */
export function DevicesPanel({ canWrite }: { canWrite: boolean }) {
  const client = useQueryClient();
  const [container, setContainer] = useState('');
  const devices = useQuery({ queryKey: ['devices', container], queryFn: () => api<{ devices: Device[] }>(`/devices${query({ container: container.trim().toUpperCase() })}`) });
  const revoke = useMutation({ mutationFn: (id: string) => post<{ device: Device }>(`/devices/${encodeURIComponent(id)}/revoke`), onSuccess: () => void client.invalidateQueries({ queryKey: ['devices'] }) });
  return (
    <div className="two admin-two">
      <section aria-labelledby="devices-list">
        <h2 id="devices-list">Devices</h2>
        <div className="filters">
          <label>Container<input value={container} onChange={(e) => setContainer(e.target.value)} placeholder="all" maxLength={16} /></label>
        </div>
        {devices.error && <p role="alert" className="error">{devices.error.message}</p>}
        {devices.data?.devices.length === 0 && <p className="muted">No devices{container.trim() !== '' ? ' on this container' : ''}.</p>}
        <table className="simple" aria-label="Devices">
          <thead><tr><th>Device</th><th>Container</th><th>Registered</th><th>State</th></tr></thead>
          <tbody>
            {(devices.data?.devices ?? []).map((d) => (
              <tr key={d.id}>
                <td className="mono" title={`public key ${d.publicKey}`}>{d.id}</td>
                <td className="mono">{d.container ?? '–'}</td>
                <td>{when(d.registeredAt)} by {d.registeredBy}</td>
                <td>
                  {d.revokedAt !== null ? (
                    <span className="status status-disabled">revoked {when(d.revokedAt)}</span>
                  ) : canWrite ? (
                    <ConfirmButton label="Revoke" question={`Revoke ${d.id}? Its telemetry is refused from now on.`} onConfirm={() => revoke.mutate(d.id)} />
                  ) : (
                    <span className="status status-active">active</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <FormError error={revoke.error} fields={[]} />
      </section>
      {canWrite && <NewDevice />}
    </div>
  );
}

function NewDevice() {
  const client = useQueryClient();
  const [id, setId] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [container, setContainer] = useState('');
  const [consignment, setConsignment] = useState('');
  const register = useMutation({
    mutationFn: () => post<{ device: Device; consignment: string | null }>('/devices', { id: id.trim(), publicKey: publicKey.trim(), ...(container.trim() !== '' ? { container: container.trim().toUpperCase() } : {}), ...(consignment.trim() !== '' ? { consignment: consignment.trim() } : {}) }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['devices'] });
      setId('');
      setPublicKey('');
      setContainer('');
      setConsignment('');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    register.mutate();
  };
  return (
    <section aria-labelledby="new-device">
      <h2 id="new-device">Register a device</h2>
      <form className="stack" aria-label="Register a device" onSubmit={submit}>
        <TextField label="Device id" field="id" error={register.error} value={id} onChange={setId} required maxLength={64} autoComplete="off" />
        <TextField label="Public key (Ed25519, base64 of 32 bytes)" field="publicKey" error={register.error} value={publicKey} onChange={setPublicKey} required className="mono" spellCheck={false} autoComplete="off" />
        <TextField label="Container (ISO 6346)" field="container" error={register.error} value={container} onChange={setContainer} maxLength={16} />
        <TextField label="Consignment to monitor (a declaration id)" field="consignment" error={register.error} value={consignment} onChange={setConsignment} maxLength={64} />
        <button type="submit" disabled={register.isPending}>Register</button>
        {register.isSuccess && <p role="status" className="ok">Device {register.data.device.id} registered{register.data.consignment !== null ? `; it watches ${register.data.consignment}` : ''}.</p>}
        <FormError error={register.error} fields={['id', 'publicKey', 'container', 'consignment']} />
      </form>
    </section>
  );
}
