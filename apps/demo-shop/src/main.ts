// Development only: the demo shop page `npm start` serves beside the apps (http://127.0.0.1:3100), to try
// the chat widget as a shopper would, anonymous or signed in as Alex Morgan.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import pg from 'pg';
import { mintCustomerToken } from './customer-token.ts';
import { loadEnv } from './env.ts';
import { articlePage, shopPage, type TOrderLine, type TProduct } from './page.ts';

const env = loadEnv();
if (env.NODE_ENV === 'production') {
  console.error('error: the demo shop is for development only (NODE_ENV=production)');
  process.exit(2);
}
const widgetFile = createRequire(import.meta.url).resolve('@acsa/widget/dist/acsa-widget.js');
const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
db.on('error', () => undefined);
const ALEX = 'alex.morgan@example.com';
const COOKIE = 'demo_customer';

const signedInId = (req: IncomingMessage) =>
  req.headers.cookie?.match(new RegExp(`(?:^|; )${COOKIE}=([0-9a-f-]{36})`))?.[1] ?? null;

async function home(req: IncomingMessage): Promise<string> {
  const { rows: products } = await db.query<TProduct>(
    `SELECT p.name, c.name AS category, p."priceCents", p.currency, p.stock
       FROM "Product" p JOIN "Category" c ON c.id = p."categoryId"
      WHERE p.active ORDER BY p.sku LIMIT 24`,
  );
  const id = signedInId(req);
  let signedIn: { name: string; token: string; orders: TOrderLine[] } | null = null;
  if (id) {
    const { rows } = await db.query<{ name: string }>('SELECT name FROM "Customer" WHERE id = $1', [id]);
    const { rows: orders } = await db.query<TOrderLine>(
      'SELECT number, status FROM "Order" WHERE "customerId" = $1 ORDER BY "placedAt" DESC LIMIT 8',
      [id],
    );
    if (rows[0])
      signedIn = { name: rows[0].name, token: mintCustomerToken(env.CUSTOMER_TOKEN_SECRET, id), orders };
  }
  return shopPage({
    products,
    servingUrl: env.SERVING_URL,
    publishableKey: env.ACSA_DEMO_PUBLISHABLE_KEY,
    signedIn,
  });
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://demo');
  const html = (status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  };
  if (req.method === 'GET' && url.pathname === '/') return html(200, await home(req));
  if (req.method === 'GET' && url.pathname === '/acsa-widget.js') {
    const js = await readFile(widgetFile);
    res
      .writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' })
      .end(js);
    return;
  }
  if (req.method === 'POST' && url.pathname === '/demo/sign-in') {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM "Customer" WHERE email = $1', [ALEX]);
    const cookie = rows[0] ? `${COOKIE}=${rows[0].id}; Path=/; HttpOnly; SameSite=Lax` : '';
    res.writeHead(303, { location: '/', ...(cookie ? { 'set-cookie': cookie } : {}) }).end();
    return;
  }
  // A fresh customer token for the signed-in shopper, when the widget says the page's one expired.
  if (req.method === 'POST' && url.pathname === '/demo/customer-token') {
    const id = signedInId(req);
    if (!id) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{}');
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ token: mintCustomerToken(env.CUSTOMER_TOKEN_SECRET, id) }));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/demo/sign-out') {
    res.writeHead(303, { location: '/', 'set-cookie': `${COOKIE}=; Path=/; Max-Age=0` }).end();
    return;
  }
  const help = url.pathname.match(/^\/help\/([a-z0-9-]+)$/);
  if (req.method === 'GET' && help) {
    const { rows } = await db.query<{ title: string; body: string }>(
      'SELECT title, body FROM "Article" WHERE slug = $1',
      [help[1]],
    );
    if (rows[0]) return html(200, articlePage(rows[0]));
  }
  html(404, '<!doctype html><title>Not found</title><p>Not found. <a href="/">Back to the shop</a></p>');
}

const server = createServer((req, res) => {
  route(req, res).catch((e: Error) => {
    console.error(`demo shop: ${req.method} ${req.url}: ${e.message}`);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('demo shop error');
  });
});
server.listen(env.DEMO_SHOP_PORT, env.DEMO_SHOP_HOST, () =>
  console.log(`demo shop on http://${env.DEMO_SHOP_HOST}:${env.DEMO_SHOP_PORT}`),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    server.close();
    void db.end().finally(() => process.exit(0));
  });
