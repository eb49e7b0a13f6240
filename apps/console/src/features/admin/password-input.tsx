'use client';
import type { InputHTMLAttributes } from 'react';
import { suggestPassword } from './suggest-password';

type TProps = { value: string; onChange: (value: string) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange'
>;

/**
 * A console password an admin types or has suggested, to pass on: shown as typed (they read it out), 12 to 128
 * characters as the server requires, never autofilled.
 */
export function PasswordInput({ value, onChange, ...rest }: TProps) {
  return (
    <input
      {...rest}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      required
      minLength={12}
      maxLength={128}
      autoComplete="off"
      spellCheck={false}
    />
  );
}

/** Fills a password field with a random one (suggestPassword). */
export function SuggestPassword({ onSuggest }: { onSuggest: (password: string) => void }) {
  return (
    <button type="button" className="secondary" onClick={() => onSuggest(suggestPassword())}>
      Suggest
    </button>
  );
}
