import { redirect } from 'next/navigation';
import { SignInForm } from '@/features/auth/sign-in-form';
import { currentUser } from '@/server/auth';

export const metadata = { title: 'Sign in · ACSA console' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentUser()) redirect('/');
  const { next } = await searchParams;
  return (
    <main className="center">
      <h1>Sign in to the ACSA console</h1>
      <SignInForm next={next ?? '/'} />
    </main>
  );
}
