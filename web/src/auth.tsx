import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, post, setTokens, whenSignedOut } from './api.ts';
import type { Me, Role } from './types.ts';

interface Session {
  readonly me: Me | undefined;
  signIn(user: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Whether the signed-in user has any of these roles. */
  has(...roles: Role[]): boolean;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** Who is signed in: the tokens stay in api.ts's memory, the user's roles here. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | undefined>(undefined);
  useEffect(() => whenSignedOut(() => setMe(undefined)), []);
  const signIn = useCallback(async (user: string, password: string) => {
    const t = await post<{ accessToken: string; refreshToken: string }>('/auth/login', { user, password });
    setTokens({ accessToken: t.accessToken, refreshToken: t.refreshToken });
    setMe(await api<Me>('/me'));
  }, []);
  const signOut = useCallback(async () => {
    await post('/auth/logout').catch(() => undefined);
    setTokens(undefined);
    setMe(undefined);
  }, []);
  const value = useMemo<Session>(() => ({ me, signIn, signOut, has: (...roles) => me !== undefined && roles.some((r) => me.roles.includes(r)) }), [me, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (s === undefined) throw new Error('useSession outside SessionProvider');
  return s;
}
