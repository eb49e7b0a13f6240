import type { TSessionUser } from '@acsa/pipelines/access';
import { hasRole } from '@acsa/pipelines/access';
import Link from 'next/link';
import { signOutAction } from '@/server/auth-actions';
import { NAV_ITEMS } from './nav-items';

export function Nav({ user }: { user: TSessionUser }) {
  return (
    <header className="topbar">
      <Link href="/" className="brand">
        ACSA console
      </Link>
      <nav aria-label="Console">
        <ul>
          {NAV_ITEMS.filter((i) => hasRole(user.role, i.role)).map((i) => (
            <li key={i.href}>
              <Link href={i.href}>{i.label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      <form action={signOutAction} className="who">
        <span>
          {user.name} <span className="role">{user.role.toLowerCase()}</span>
        </span>
        <button type="submit" className="link">
          Sign out
        </button>
      </form>
    </header>
  );
}
