import { userSchema, type Role, type User } from '@fanout/contracts';
import { type Exchange, recordingClient, sessionCookieOf } from './http';

export type Client = ReturnType<typeof recordingClient>;

/** A signed-in user and a way to call the API as them (session cookie, same-origin changes). */
export interface Actor {
  user: User;
  password: string;
  cookie: string;
  call(method: string, path: string, json?: unknown, headers?: Record<string, string>): Promise<Exchange>;
}

let nextAddress = 1;
/** A fresh client address per sign-in, so the login rate limits stay out of the way. */
export const fromNewAddress = () => ({ 'x-forwarded-for': `203.0.113.${nextAddress++ % 250}` });

export function actor(client: Client, user: User, password: string, cookie: string): Actor {
  return {
    user,
    password,
    cookie,
    call: (method, path, json, headers) => client.request(method, path, { cookie, json, sameOrigin: true, headers }),
  };
}

export async function signIn(client: Client, email: string, password: string): Promise<Actor> {
  const res = await client.request('POST', '/api/auth/login', { json: { email, password }, headers: fromNewAddress() });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${res.text}`);
  return actor(client, userSchema.parse(res.body), password, sessionCookieOf(res));
}

/** First-run setup as the owner, then one account per role through POST /api/users, each signed in. */
export async function setUpTeam<N extends string>(client: Client, others: Record<N, Role>): Promise<Record<N | 'owner', Actor>> {
  const ownerPassword = 'owner password 123';
  const setup = await client.request('POST', '/api/auth/setup', { json: { email: 'owner@example.com', password: ownerPassword } });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${setup.text}`);
  const owner = actor(client, userSchema.parse(setup.body), ownerPassword, sessionCookieOf(setup));
  const team: Record<string, Actor> = { owner };
  for (const [name, role] of Object.entries(others) as [N, Role][]) {
    const password = `${name} password 456`;
    const created = await owner.call('POST', '/api/users', { email: `${name}@example.com`, password, role });
    if (created.status !== 201) throw new Error(`creating ${name} failed: ${created.status} ${created.text}`);
    team[name] = await signIn(client, `${name}@example.com`, password);
  }
  return team as Record<N | 'owner', Actor>;
}
