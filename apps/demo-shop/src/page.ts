/** The demo shop's HTML: the seeded catalogue, a sign-in switch, and the widget's one script tag. */

export type TProduct = {
  name: string;
  category: string;
  priceCents: number;
  currency: string;
  stock: number;
};
export type TOrderLine = { number: number; status: string };

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
const money = (cents: number, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);

const STYLE = `
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#f9fafb}
header{display:flex;justify-content:space-between;align-items:center;padding:16px 32px;background:#111827;color:#fff}
header h1{margin:0;font-size:20px}
main{max-width:1100px;margin:0 auto;padding:24px 32px 120px}
.account{display:flex;gap:12px;align-items:center}
.account button{padding:8px 14px;border-radius:8px;border:1px solid #fff;background:transparent;color:#fff;cursor:pointer;font-size:14px}
.hint{background:#eff6ff;border:1px solid #bfdbfe;border-radius:10px;padding:12px 16px;margin-bottom:20px;line-height:1.5}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:16px;list-style:none;padding:0}
.grid li{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:14px}
.grid h3{margin:0 0 6px;font-size:15px}.cat{color:#4b5563;font-size:13px}.price{font-weight:700;margin-top:8px}
.orders{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:12px 16px;margin-bottom:20px}
article{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:20px 24px;line-height:1.6}`;

export function shopPage(o: {
  products: TProduct[];
  servingUrl: string;
  publishableKey: string;
  signedIn: { name: string; token: string; orders: TOrderLine[] } | null;
}): string {
  const products = o.products
    .map(
      (p) => `<li><h3>${esc(p.name)}</h3><div class="cat">${esc(p.category)}</div>
<div class="price">${money(p.priceCents, p.currency)}</div><div class="cat">${p.stock > 0 ? 'In stock' : 'Out of stock'}</div></li>`,
    )
    .join('');
  const account = o.signedIn
    ? `<span>Signed in as <strong>${esc(o.signedIn.name)}</strong></span>
       <form method="post" action="/demo/sign-out"><button type="submit">Sign out</button></form>`
    : `<form method="post" action="/demo/sign-in"><button type="submit">Sign in as Alex Morgan</button></form>`;
  const orders = o.signedIn
    ? `<section class="orders" aria-label="Your orders"><strong>Your orders:</strong> ${o.signedIn.orders
        .map((r) => `${r.number} (${esc(r.status.toLowerCase())})`)
        .join(', ')}</section>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Demo shop · ACSA</title><style>${STYLE}</style></head>
<body><header><h1>Demo shop</h1><div class="account">${account}</div></header>
<main><p class="hint">This page is a storefront with the ACSA chat widget (bottom right). Ask it
<em>where is my order 10042?</em> and give <em>alex.morgan@example.com</em> when it asks, or sign in as
Alex Morgan and ask to cancel order 10110, which has not shipped yet. Development only.</p>
${orders}<h2>Products</h2><ul class="grid">${products}</ul></main>
<script src="/acsa-widget.js" data-key="${esc(o.publishableKey)}" data-api="${esc(o.servingUrl)}"
 data-title="Demo shop support"${o.signedIn ? ` data-customer-token="${esc(o.signedIn.token)}"` : ''} async></script>
${
  o.signedIn
    ? `<script>addEventListener('acsa-customer-token-expired', async () => {
  const r = await fetch('/demo/customer-token', { method: 'POST' });
  if (r.ok) window.AcsaWidget?.setCustomerToken((await r.json()).token);
});</script>`
    : ''
}
</body></html>`;
}

export function articlePage(a: { title: string; body: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(a.title)} · Demo shop</title>
<style>${STYLE}</style></head><body><header><h1>Demo shop help</h1></header><main><article>
<h2>${esc(a.title)}</h2>${a.body
    .split(/\n{2,}/)
    .map((p) => `<p>${esc(p)}</p>`)
    .join('')}<p><a href="/">Back to the shop</a></p></article></main></body></html>`;
}
