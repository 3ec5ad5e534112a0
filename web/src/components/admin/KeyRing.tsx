import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { KeyStatus } from '../../types.ts';
import { when } from './fields.tsx';

const SOURCE: Record<KeyStatus['source'], string> = {
  file: 'the key file in the keys directory',
  env: 'PORTCULLIS_DATA_KEYS (the environment)',
  memory: 'this process only (an in-memory store)',
};

/**
 * The keys: the data-key ring (which key is current, how old, stale or not by the security
 * audit's rule, how many stored values each key seals in each column, what is still plaintext,
 * a rotation left unfinished) and the ledger's signing key ids. Rotation re-seals every stored
 * value: it is an offline job at the server's console, so the page says the command.
 */
export function KeyRingPanel({ me }: { me: string }) {
  const status = useQuery({ queryKey: ['keys-status'], queryFn: () => api<KeyStatus>('/keys/status') });
  if (status.isPending) return <p className="muted">loading…</p>;
  if (status.error) return <p role="alert" className="error">{status.error.message}</p>;
  const s = status.data;
  const kids = s.keys.map((k) => k.kid);
  const count = (n: number | undefined) => (n ?? 0).toLocaleString();
  const needsRotation = s.current.stale || s.plaintext > 0 || s.underOlderKeys > 0 || s.rotating !== null;
  return (
    <div>
      <section aria-labelledby="ring">
        <h2 id="ring">Data keys</h2>
        <dl className="facts" aria-label="Current data key">
          <dt>Current key</dt><dd className="mono">{s.current.kid}</dd>
          <dt>Made</dt><dd>{s.current.created === null ? 'not known (a key from the environment)' : when(s.current.created)}</dd>
          <dt>Age</dt><dd>{s.current.ageDays === null ? 'not known' : `${s.current.ageDays.toLocaleString()} days`} (rotate at least every {s.current.maxAgeDays} days)</dd>
          <dt>Keys from</dt><dd>{SOURCE[s.source]}</dd>
        </dl>
        {s.current.stale && <p className="warning" role="note" aria-label="Stale key">The current data key is stale: made more than {s.current.maxAgeDays} days ago. Rotate the keys.</p>}
        {s.rotating !== null && <p className="warning" role="note" aria-label="Rotation in progress">A rotation to <span className="mono">{s.rotating}</span> is in progress or was interrupted: values are still being moved to it. Run the command again to finish it.</p>}
        {s.plaintext > 0 && <p className="warning" role="note" aria-label="Plaintext values">{count(s.plaintext)} sensitive values are stored in plaintext (from before encryption was turned on). The next rotation seals them.</p>}
        {s.underOlderKeys > 0 && s.rotating === null && <p className="warning" role="note" aria-label="Values under older keys">{count(s.underOlderKeys)} values are still sealed under an older key.</p>}
        <table className="simple compact" aria-label="Data key ring">
          <thead><tr><th>Key</th><th>Made</th><th /><th className="num">Values sealed</th></tr></thead>
          <tbody>
            {s.keys.map((k) => (
              <tr key={k.kid} className={k.current ? 'selected' : undefined}>
                <td className="mono">{k.kid}</td>
                <td>{when(k.created)}</td>
                <td>{k.current ? <span className="status status-active">current</span> : k.values === 0 ? <span className="muted">unused: can be retired</span> : <span className="muted">older</span>}</td>
                <td className="num">{count(k.values)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Values per column</h3>
        <table className="simple compact" aria-label="Sealed values per column">
          <thead>
            <tr>
              <th>Column</th>
              {kids.map((kid) => <th key={kid} className="num mono">{kid}</th>)}
              <th className="num">plaintext</th>
            </tr>
          </thead>
          <tbody>
            {s.columns.map((c) => (
              <tr key={`${c.table}.${c.column}`}>
                <td className="mono">{c.table}.{c.column}</td>
                {kids.map((kid) => <td key={kid} className="num">{count(c.byKey[kid])}</td>)}
                <td className={(c.byKey.plaintext ?? 0) > 0 ? 'num error' : 'num'}>{count(c.byKey.plaintext)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Rotating the keys</h3>
        <p>
          Rotation makes a new current key and re-seals every stored value under it, in batches; it runs at the server, not from this page. {needsRotation ? <b>It is due.</b> : 'It is not due.'}
        </p>
        <pre className="command" aria-label="Rotation command">{s.rotateCommand} --as {me}</pre>
        <p className="muted">
          Run it again if it was interrupted: it carries on with the same new key. With <code>--retire</code> it then drops the old keys no value is sealed under any more (only while no other Portcullis process still runs with the old key file). Keys from PORTCULLIS_DATA_KEYS are removed from the variable by hand.
        </p>
      </section>
      <section aria-labelledby="ledger-keys">
        <h2 id="ledger-keys">Ledger keys</h2>
        <dl className="facts" aria-label="Ledger keys">
          <dt>Log (signs checkpoints)</dt><dd><span className="mono">{s.ledger.log.name}</span> key id <span className="mono">{s.ledger.log.keyId}</span></dd>
          <dt>Service (signs its entries)</dt><dd><span className="mono">{s.ledger.party.name}</span> key id <span className="mono">{s.ledger.party.keyId}</span></dd>
        </dl>
        <p className="muted">The log's public key is on the Ledger page; anyone checks checkpoints with it.</p>
      </section>
    </div>
  );
}
