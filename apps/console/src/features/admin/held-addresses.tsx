'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { clock, plural } from '@/components/format';
import { useTRPC } from '@/components/trpc';
import styles from './held-addresses.module.css';

type THeld = { address: string; failures: number; emails: number; liftsAt: Date | string };

/**
 * Addresses the sign-in limits hold for everyone (too many failures of every email from there): an office
 * behind one address is held whole when one of its machines guesses. The admin lets a named colleague
 * through from there; the address stays held for every other email.
 */
export function HeldAddresses({ held, users }: { held: THeld[]; users: { id: string; email: string }[] }) {
  return (
    <section className={styles.held} aria-labelledby="held-addresses">
      <h3 id="held-addresses">Addresses held for failed sign-ins</h3>
      <ul className={styles.list}>
        {held.map((h) => (
          <li key={h.address} data-held-address={h.address}>
            <HeldAddress held={h} users={users} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function HeldAddress({ held, users }: { held: THeld; users: { id: string; email: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [userId, setUserId] = useState('');
  const release = useMutation(
    trpc.admin.clearSignInFailures.mutationOptions({ onSuccess: () => router.refresh() }),
  );
  const released = users.find((u) => u.id === release.variables?.userId);
  const chosen = users.find((u) => u.id === userId);
  return (
    <form
      aria-label={`Let a colleague sign in from ${held.address}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (userId) release.mutate({ userId, address: held.address });
      }}
    >
      <p className={styles.what}>
        <code>{held.address}</code>: {plural(held.failures, 'failed sign-in')} for{' '}
        {plural(held.emails, 'email')}; everyone signing in from there is held until {clock(held.liftsAt)}{' '}
        UTC.
      </p>
      <div className="row actions">
        <select
          aria-label={`Colleague to let through from ${held.address}`}
          value={userId}
          onChange={(e) => setUserId(e.target.value)}
        >
          <option value="">choose a colleague…</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.email}
            </option>
          ))}
        </select>
        <button type="submit" className="secondary" disabled={!userId || release.isPending}>
          Let {chosen?.email ?? 'a colleague'} sign in from {held.address}
        </button>
        {release.isSuccess && released ? (
          <span role="status" className="muted">
            {released.email} may sign in from {held.address} now.
          </span>
        ) : null}
        {release.error ? (
          <span role="alert" className="error">
            {release.error.message}
          </span>
        ) : null}
      </div>
    </form>
  );
}
