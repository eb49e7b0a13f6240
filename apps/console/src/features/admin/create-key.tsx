'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc';

/**
 * Makes a storefront key; its secret is shown here once and never again, and not at all once the key is
 * revoked (`revokedIds`, from the page's list): copying a dead key would only lead to refused requests.
 */
export function CreateKey({ revokedIds }: { revokedIds: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'SECRET' | 'PUBLISHABLE'>('PUBLISHABLE');
  const [origins, setOrigins] = useState('');
  const create = useMutation(
    trpc.admin.createKey.mutationOptions({
      onSuccess: () => {
        setName('');
        setOrigins('');
        router.refresh();
      },
    }),
  );
  return (
    <div className="card">
      <form
        className="row actions"
        aria-label="Create an API key"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            name,
            kind,
            allowedOrigins: kind === 'PUBLISHABLE' ? origins.split(/[\s,]+/) : [],
          });
        }}
      >
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as 'SECRET' | 'PUBLISHABLE')}>
            <option value="PUBLISHABLE">publishable (web pages of its origins)</option>
            <option value="SECRET">secret (the shop's server only)</option>
          </select>
        </label>
        {kind === 'PUBLISHABLE' ? (
          <label className="grow">
            Allowed origins (space or comma between)
            <input
              value={origins}
              onChange={(e) => setOrigins(e.target.value)}
              placeholder="https://shop.example"
              required
            />
          </label>
        ) : null}
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
      </form>
      {create.error ? (
        <p role="alert" className="error">
          {create.error.message}
        </p>
      ) : null}
      {create.data && !revokedIds.includes(create.data.apiKey.id) ? (
        <div role="status" className="banner secret">
          <p>
            <strong>{create.data.apiKey.name}</strong>: copy the key now. It is shown this once; ACSA keeps
            only its hash.
          </p>
          <code data-testid="new-key">{create.data.key}</code>
        </div>
      ) : null}
    </div>
  );
}
