/**
 * Next.js calls register() once as each server starts (`next start`, `next dev`; never during `next build`),
 * before it takes a request. The route handlers parse the environment on first use; parsing it here too
 * means a bad one stops the server at once, naming each variable, rather than failing every request.
 */
export async function register(): Promise<void> {
  // Next's own switch (set per bundle): the edge runtime has no process to exit, and needs no env.ts.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { loadEnvOrExit } = await import('./env');
  loadEnvOrExit();
}
