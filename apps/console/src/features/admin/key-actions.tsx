'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '@/components/trpc';

/** Revokes a key after a confirmation that says how long serving may still accept it. */
export function RevokeKey({ id, name, cacheSeconds }: { id: string; name: string; cacheSeconds: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const revoke = useMutation(trpc.admin.revokeKey.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <>
      <button
        type="button"
        className="secondary"
        aria-label={`Revoke ${name}`}
        disabled={revoke.isPending}
        onClick={() => {
          if (
            window.confirm(
              `Revoke "${name}"? Requests with it are refused at once (within ${cacheSeconds} s if serving cannot be told).`,
            )
          )
            revoke.mutate({ id });
        }}
      >
        Revoke
      </button>
      {revoke.error ? (
        <span role="alert" className="error">
          {revoke.error.message}
        </span>
      ) : null}
    </>
  );
}
