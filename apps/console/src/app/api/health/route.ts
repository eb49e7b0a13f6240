import { checkDatabase } from '../../../server/database-health';

export const dynamic = 'force-dynamic';

/**
 * Up means able to serve pages, which all read the database: `npm start` waits for a 200 here before it
 * says the console is up, and a 503 tells it (and any load balancer) what is missing.
 */
export async function GET(): Promise<Response> {
  const database = await checkDatabase();
  if (database.ok) return Response.json({ status: 'ok', service: 'console', database: 'ok' });
  return Response.json(
    { status: 'unavailable', service: 'console', database: database.error },
    { status: 503 },
  );
}
