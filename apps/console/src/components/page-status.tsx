'use client';
import { createContext, type ReactNode, useContext, useState } from 'react';

/** `alert`: what the action did needs a look (some or all of it failed), not a plain confirmation. */
type TSay = (message: string, tone?: 'alert') => void;

const Say = createContext<TSay>(() => undefined);

/**
 * One status line at the top of a page for what the last action did, so it survives the redraw that
 * removes the row whose button did it. A partial failure is said as an alert, in the yellow of the
 * Overview's alerts: in the blue of a confirmation it read as success.
 */
export function PageStatus({ children }: { children: ReactNode }) {
  const [said, setSaid] = useState<{ message: string; tone?: 'alert' } | null>(null);
  const alert = said?.tone === 'alert';
  return (
    <Say.Provider value={(message, tone) => setSaid({ message, tone })}>
      <div role="status" className={said && !alert ? 'banner' : undefined}>
        {alert ? null : said?.message}
      </div>
      {alert ? (
        <div role="alert" className="banner alert">
          {said.message}
        </div>
      ) : null}
      {children}
    </Say.Provider>
  );
}

export const useSayStatus = () => useContext(Say);
