import type { ReactNode } from 'react';

export const metadata = { title: 'ACSA console', description: 'Review, train and ship the support agent' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body
        style={{ fontFamily: 'system-ui, sans-serif', margin: 0, color: '#1b1f24', background: '#f6f8fa' }}
      >
        {children}
      </body>
    </html>
  );
}
