import { useRef, type KeyboardEvent } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useSession } from '../auth.tsx';
import { ApiKeysPanel } from '../components/admin/ApiKeys.tsx';
import { DevicesPanel } from '../components/admin/Devices.tsx';
import { KeyRingPanel } from '../components/admin/KeyRing.tsx';
import { UsersPanel } from '../components/admin/Users.tsx';

type Tab = 'users' | 'api-keys' | 'devices' | 'keys';
const LABELS: Record<Tab, string> = { users: 'Users', 'api-keys': 'API keys', devices: 'Devices', keys: 'Keys' };

/**
 * Administration: users and their roles, API keys, devices, and the state of the keys. An
 * administrator manages them; an auditor reads users, devices and keys (the API's policy decides:
 * an auditor has no API keys to list, so that tab is not offered). Tabs are hash routes
 * (#/admin/devices), so a reload or a link opens the same one; ←/→, Home and End move between them.
 */
export function AdminPage() {
  const { me, has } = useSession();
  const navigate = useNavigate();
  const admin = has('admin');
  const tabs: Tab[] = admin ? ['users', 'api-keys', 'devices', 'keys'] : ['users', 'devices', 'keys'];
  const asked = useParams().tab as Tab | undefined;
  const tab: Tab = asked !== undefined && tabs.includes(asked) ? asked : 'users';
  const buttons = useRef(new Map<Tab, HTMLButtonElement>());
  const go = (t: Tab, focus = false) => {
    navigate(`/admin/${t}`);
    if (focus) buttons.current.get(t)?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.indexOf(tab);
    const to = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : e.key === 'Home' ? tabs[0] : e.key === 'End' ? tabs[tabs.length - 1] : undefined;
    if (to === undefined) return;
    e.preventDefault();
    go(to, true);
  };
  const id = me?.id ?? '';
  return (
    <main className="page">
      <h1>Administration{!admin && <span className="muted"> (read only)</span>}</h1>
      <div role="tablist" aria-label="Administration" className="tabs" onKeyDown={onKey}>
        {tabs.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={t === tab}
            aria-controls={`panel-${t}`}
            tabIndex={t === tab ? 0 : -1}
            ref={(b) => {
              if (b !== null) buttons.current.set(t, b);
            }}
            onClick={() => go(t)}
          >
            {LABELS[t]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
        {tab === 'users' && <UsersPanel canWrite={admin} me={id} />}
        {tab === 'api-keys' && <ApiKeysPanel me={id} />}
        {tab === 'devices' && <DevicesPanel canWrite={admin} />}
        {tab === 'keys' && <KeyRingPanel me={id} />}
      </div>
    </main>
  );
}
