import { createWidget, type TWidget } from './widget.ts';

/**
 * <script src=".../acsa-widget.js" data-key="pk_…" data-api="https://support.shop.example" async></script>
 * Optional: data-title, data-customer-token (a token the shop's server minted for its signed-in shopper).
 * The page can also call window.AcsaWidget.setCustomerToken(token) when the shopper signs in or out, and
 * listens for the `acsa-customer-token-expired` event on window to give it a fresh token when one expired.
 */
declare global {
  interface Window {
    AcsaWidget?: TWidget;
  }
}

const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};

function start() {
  if (!data.key) {
    console.error('ACSA widget: the script tag needs data-key, a publishable API key for this site');
    return;
  }
  // A secret key in a page is readable by every visitor: serving refuses it from a browser anyway, and the
  // widget does not send it anywhere, so the mistake shows here, in words, before any request.
  if (data.key.startsWith('acsa_sk_')) {
    console.error(
      "ACSA widget: data-key holds a secret API key (acsa_sk_…), which must never be in a web page: revoke it in the console's Admin page and use a publishable key (acsa_pk_…) bound to this site's origin",
    );
    return;
  }
  window.AcsaWidget = createWidget({
    apiUrl: data.api ?? new URL(script?.src ?? location.href).origin,
    apiKey: data.key,
    ...(data.title ? { title: data.title } : {}),
    customerToken: data.customerToken ?? null,
    ...(data.retryMs
      ? {
          retry: {
            firstDelayMs: Number(data.retryMs),
            maxDelayMs: 4 * Number(data.retryMs),
            maxAttempts: 40,
          },
        }
      : {}),
  });
  window.dispatchEvent(new Event('acsa-widget-ready'));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
