import { heldAddresses, SIGN_IN_LIMITS } from '@acsa/pipelines/access';
import { listApiKeys, listUsers, SERVING_KEY_CACHE_SECONDS } from '@acsa/pipelines/admin';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { plural, utc } from '@/components/format';
import { Moment } from '@/components/moment';
import { AddUser } from '@/features/admin/add-user';
import { CreateKey } from '@/features/admin/create-key';
import { HeldAddresses } from '@/features/admin/held-addresses';
import { RevokeKey } from '@/features/admin/key-actions';
import { UserActions } from '@/features/admin/user-actions';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Admin · ACSA console' };

const SIGN_IN_WINDOW_MIN = SIGN_IN_LIMITS.windowMs / 60_000;

export default async function AdminPage() {
  const me = await requireRole('ADMIN');
  const [keys, users, held] = await Promise.all([listApiKeys(db()), listUsers(db()), heldAddresses(db())]);
  return (
    <>
      <h1>Admin</h1>
      <p className="lede">
        Storefront API keys and who may use the console. Every change here is in the{' '}
        <Link href="/audit">audit log</Link>.
      </p>

      <section aria-labelledby="keys">
        <h2 id="keys">API keys</h2>
        <p className="muted">
          A secret key is for the shop's server and is refused from any browser; a publishable key may sit in
          a web page and works only from its allowed origins, for chat and feedback. A revoked key is refused
          by every serving replica at once (within {SERVING_KEY_CACHE_SECONDS} s if Redis is down).
        </p>
        <CreateKey revokedIds={keys.flatMap((k) => (k.revokedAt ? [k.id] : []))} />
        {keys.length === 0 ? (
          <EmptyState title="No API keys">
            Create one above; the storefront sends it as a Bearer token.
          </EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Starts with</th>
                <th scope="col">Allowed origins</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} data-key={k.name}>
                  <th scope="row">{k.name}</th>
                  <td>{k.kind.toLowerCase()}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.allowedOrigins.join(', ') || '—'}</td>
                  <td>
                    <Moment at={k.createdAt} />
                    {k.createdBy ? <div className="muted">{k.createdBy}</div> : null}
                  </td>
                  <td>
                    <Moment at={k.lastUsedAt} />
                  </td>
                  <td>
                    {k.revokedAt ? (
                      <span className="muted">
                        <Moment at={k.revokedAt} prefix="revoked" />
                      </span>
                    ) : (
                      <RevokeKey id={k.id} name={k.name} cacheSeconds={SERVING_KEY_CACHE_SECONDS} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="users">
        <h2 id="users">Users</h2>
        <p className="muted">
          Reviewers label and handle escalations; engineers also run training, move models and read the
          queues; admins also manage keys and users. A new role applies from the user's next click. Sign-in
          holds an email after {SIGN_IN_LIMITS.perEmailAndAddress} wrong passwords from one address for{' '}
          {SIGN_IN_WINDOW_MIN} minutes, and an address after {SIGN_IN_LIMITS.perAddress} whatever the emails.
          Clearing a user's failed sign-ins (counted from every address) lets them sign in again at once: for{' '}
          {SIGN_IN_WINDOW_MIN} minutes they may pass the hold of an address those failures came from, which
          stays held for every other email. An address held for everyone's failures is listed here, and a
          colleague held there can be let through.
        </p>
        {held.length ? (
          <HeldAddresses
            held={held}
            users={users.filter((u) => !u.disabledAt).map((u) => ({ id: u.id, email: u.email }))}
          />
        ) : null}
        <AddUser />
        <table>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Role and access</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-user={u.email}>
                <th scope="row">
                  {u.name}
                  <div className="muted">
                    {u.email}
                    {u.disabledAt ? ` · disabled ${utc(u.disabledAt)}` : ''}
                    {u.id === me.id ? ' · you' : ''}
                  </div>
                  {u.failedSignIns > 0 ? (
                    <div className="warning-text">
                      {plural(u.failedSignIns, 'failed sign-in')} in the last {SIGN_IN_WINDOW_MIN} min, the
                      last <Moment at={u.lastFailedSignIn} />
                    </div>
                  ) : null}
                </th>
                <td>
                  <Moment at={u.lastSignIn} />
                </td>
                <td>
                  <UserActions
                    self={u.id === me.id}
                    user={{
                      id: u.id,
                      email: u.email,
                      role: u.role,
                      disabled: u.disabledAt !== null,
                      failedSignIns: u.failedSignIns,
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
