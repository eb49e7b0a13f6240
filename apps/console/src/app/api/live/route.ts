export const dynamic = 'force-dynamic';

/**
 * The liveness probe's: the server answers. Nothing it depends on is asked (that is /api/health, the
 * readiness probe's), so a database outage takes the console out of its Service but restarts no pod.
 */
export function GET(): Response {
  return Response.json({ status: 'ok', service: 'console' });
}
