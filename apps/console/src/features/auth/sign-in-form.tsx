'use client';
import { useActionState } from 'react';
import { signInAction, type TSignInState } from '@/server/auth-actions';

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<TSignInState, FormData>(signInAction, {
    error: null,
    email: '',
  });
  return (
    <form action={action} className="card form">
      <input type="hidden" name="next" value={next} />
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required defaultValue={state.email} />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {state.error ? (
        <p role="alert" className="error">
          {state.error}
        </p>
      ) : null}
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
