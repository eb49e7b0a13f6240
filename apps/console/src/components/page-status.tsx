'use client';
import { createContext, type ReactNode, useContext, useState } from 'react';

const Say = createContext<(message: string) => void>(() => undefined);

/**
 * One status line at the top of a page for what the last action did, so it survives the redraw that
 * removes the row whose button did it.
 */
export function PageStatus({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<string | null>(null);
  return (
    <Say.Provider value={setMessage}>
      <div role="status" className={message ? 'banner' : undefined}>
        {message}
      </div>
      {children}
    </Say.Provider>
  );
}

export const useSayStatus = () => useContext(Say);
