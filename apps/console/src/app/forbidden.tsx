import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="center">
      <h1>Not for your role</h1>
      <p>This page needs a role your account does not have. Ask an admin if you need it.</p>
      <Link href="/">Back to the console</Link>
    </main>
  );
}
