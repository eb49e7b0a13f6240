'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

/**
 * The console's links, the current section marked: `aria-current="page"` for screen readers and the
 * `.topbar nav a[aria-current]` style for eyes. A page below a section (`/runs/<id>`) marks its section.
 * Client-side only because the layout that renders the bar does not learn the path.
 */
export function NavLinks({ items }: { items: { href: string; label: string }[] }) {
  const path = usePathname();
  return (
    <ul>
      {items.map((i) => {
        const current = path === i.href || path.startsWith(`${i.href}/`);
        return (
          <li key={i.href}>
            <Link href={i.href} aria-current={current ? 'page' : undefined}>
              {i.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
