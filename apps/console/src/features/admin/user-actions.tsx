'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '@/components/trpc';

type TRole = 'REVIEWER' | 'ENGINEER' | 'ADMIN';

/** A user's role (saved on change) and the switch that disables or enables them. */
export function UserActions({
  user,
}: {
  user: { id: string; email: string; role: TRole; disabled: boolean };
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const onSuccess = () => router.refresh();
  const role = useMutation(trpc.admin.setRole.mutationOptions({ onSuccess }));
  const disable = useMutation(trpc.admin.setDisabled.mutationOptions({ onSuccess }));
  const error = role.error ?? disable.error;
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
        disabled={disable.isPending}
        aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.email}`}
        onClick={() => disable.mutate({ userId: user.id, disabled: !user.disabled })}
      >
        {user.disabled ? 'Enable' : 'Disable'}
      </button>
      {error ? (
        <span role="alert" className="error">
          {error.message}
        </span>
      ) : null}
    </div>
  );
}
