'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc';
import { PasswordInput, SuggestPassword } from './password-input';

const SELF_REASON = 'you cannot disable your own account';

type TRole = 'REVIEWER' | 'ENGINEER' | 'ADMIN';

/**
 * A user's role (saved on change), the switch that disables or enables them, a new password (their sessions
 * end: whoever held the old one is signed out too), and, while the sign-in limits count failures against
 * them, the button that clears those. The signed-in admin's own
 * Disable is off with its reason beside it (the server refuses it too): it would lock them out at once.
 */
export function UserActions({
  user,
  self,
}: {
  user: { id: string; email: string; role: TRole; disabled: boolean; failedSignIns: number };
  self: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const onSuccess = () => router.refresh();
  const role = useMutation(trpc.admin.setRole.mutationOptions({ onSuccess }));
  const disable = useMutation(trpc.admin.setDisabled.mutationOptions({ onSuccess }));
  const clear = useMutation(trpc.admin.clearSignInFailures.mutationOptions({ onSuccess }));
  const [newPassword, setNewPassword] = useState<string | null>(null);
  const password = useMutation(
    trpc.admin.setPassword.mutationOptions({
      onSuccess: () => {
        setNewPassword(null);
        router.refresh();
      },
    }),
  );
  const error = role.error ?? disable.error ?? clear.error ?? password.error;
  const selfLock = self && !user.disabled;
  const reasonId = `self-disable-${user.id}`;
  return (
    <div className="row actions">
      <select
        aria-label={`Role of ${user.email}`}
        value={user.role}
        disabled={role.isPending}
        onChange={(e) => role.mutate({ userId: user.id, role: e.target.value as TRole })}
      >
        <option value="REVIEWER">reviewer</option>
        <option value="ENGINEER">engineer</option>
        <option value="ADMIN">admin</option>
      </select>
      <button
        type="button"
        className="secondary"
        disabled={disable.isPending || selfLock}
        title={selfLock ? SELF_REASON : undefined}
        aria-describedby={selfLock ? reasonId : undefined}
        aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.email}`}
        onClick={() => disable.mutate({ userId: user.id, disabled: !user.disabled })}
      >
        {user.disabled ? 'Enable' : 'Disable'}
      </button>
      {newPassword === null ? (
        <button
          type="button"
          className="secondary"
          aria-label={`Set password for ${user.email}`}
          onClick={() => {
            password.reset();
            setNewPassword('');
          }}
        >
          Set password
        </button>
      ) : (
        <form
          className="row actions"
          aria-label={`New password for ${user.email}`}
          onSubmit={(e) => {
            e.preventDefault();
            password.mutate({ userId: user.id, password: newPassword });
          }}
        >
          <PasswordInput
            aria-label={`New password for ${user.email}`}
            value={newPassword}
            onChange={setNewPassword}
            // Opened by the admin's own click, to type at once.
            autoFocus
          />
          <SuggestPassword onSuggest={setNewPassword} />
          <button type="submit" disabled={password.isPending}>
            {password.isPending ? 'Saving…' : 'Save password'}
          </button>
          <button type="button" className="secondary" onClick={() => setNewPassword(null)}>
            Cancel
          </button>
        </form>
      )}
      {password.data ? (
        <span role="status" className="muted">
          New password saved;{' '}
          {password.data.sessionsEnded === 1 ? '1 session' : `${password.data.sessionsEnded} sessions`} ended.
        </span>
      ) : null}
      {user.failedSignIns > 0 ? (
        <button
          type="button"
          className="secondary"
          disabled={clear.isPending}
          aria-label={`Clear failed sign-ins of ${user.email}`}
          onClick={() => clear.mutate({ userId: user.id })}
        >
          Clear failed sign-ins
        </button>
      ) : null}
      {selfLock ? (
        <span id={reasonId} className="muted">
          {SELF_REASON}
        </span>
      ) : null}
      {error ? (
        <span role="alert" className="error">
          {error.message}
        </span>
      ) : null}
    </div>
  );
}
