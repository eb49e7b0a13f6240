'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { useTRPC } from '@/components/trpc';
import { PasswordInput, SuggestPassword } from './password-input';

type TRole = 'REVIEWER' | 'ENGINEER' | 'ADMIN';

/**
 * Adds a colleague: their email, name, role and a first password, which the admin passes on (Suggest fills
 * in a random one). Nothing is sent by email: ACSA sends no mail.
 */
export function AddUser() {
  const trpc = useTRPC();
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<TRole>('REVIEWER');
  const [password, setPassword] = useState('');
  const passwordId = useId();
  const add = useMutation(
    trpc.admin.addUser.mutationOptions({
      onSuccess: () => {
        setEmail('');
        setName('');
        setPassword('');
        router.refresh();
      },
    }),
  );
  return (
    <div className="card">
      <form
        className="row actions"
        aria-label="Add a user"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ email, name, role, password });
        }}
      >
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as TRole)}>
            <option value="REVIEWER">reviewer</option>
            <option value="ENGINEER">engineer</option>
            <option value="ADMIN">admin</option>
          </select>
        </label>
        <label className="grow" htmlFor={passwordId}>
          First password
          <PasswordInput
            id={passwordId}
            placeholder="12 characters or more"
            value={password}
            onChange={setPassword}
          />
        </label>
        <SuggestPassword onSuggest={setPassword} />
        <button type="submit" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add user'}
        </button>
      </form>
      {add.error ? (
        <p role="alert" className="error">
          {add.error.message}
        </p>
      ) : null}
      {add.data ? (
        <div role="status" className="banner">
          <p>
            Added <strong>{add.data.name}</strong> ({add.data.email}) as {add.data.role.toLowerCase()}. Give
            them the password where only they read it; they sign in on this console's sign-in page.
          </p>
        </div>
      ) : null}
    </div>
  );
}
