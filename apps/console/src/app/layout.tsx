import type { ReactNode } from 'react';
import './globals.css';

export const metadata = { title: 'ACSA console', description: 'Review, train and ship the support agent' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
