import type { ReactNode } from 'react';
import { Nav } from '@/components/nav';
import { TrpcProvider } from '@/components/trpc';
import { requireRole } from '@/server/auth';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireRole('REVIEWER');
  return (
    <>
      <Nav user={user} />
      <TrpcProvider>
        <main className="page">{children}</main>
      </TrpcProvider>
    </>
  );
}
