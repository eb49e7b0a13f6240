import type { TSessionUser } from '@acsa/pipelines/access';
import { hasRole } from '@acsa/pipelines/access';
import Link from 'next/link';
import { signOutAction } from '@/server/auth-actions';
import { NAV_ITEMS } from './nav-items';
import { NavLinks } from './nav-links';

export function Nav({ user }: { user: TSessionUser }) {
  return (
    <header className="topbar">
      <Link href="/" className="brand">
        ACSA console
      </Link>
      <nav aria-label="Console">
        <NavLinks
          items={NAV_ITEMS.filter((i) => hasRole(user.role, i.role)).map(({ href, label }) => ({
            href,
            label,
          }))}
        />
      </nav>
      <form action={signOutAction} className="who">
        <span className="whoami">
          <span className="name" title={user.name}>
            {user.name}
          </span>{' '}
          <span className="role">{user.role.toLowerCase()}</span>
        </span>
        <button type="submit" className="link">
          Sign out
        </button>
      </form>
    </header>
  );
}
