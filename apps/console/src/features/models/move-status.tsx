'use client';
import { createContext, type ReactNode, useContext, useState } from 'react';

const Announce = createContext<(message: string) => void>(() => undefined);

/**
 * One place on the registry page that says what the last move did: the button that made it may be gone
 * after the page redraws (a rollback to the first version leaves nothing to roll back).
 */
export function MoveStatus({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<string | null>(null);
  return (
    <Announce.Provider value={setMessage}>
      <div role="status" className={message ? 'banner' : undefined}>
        {message}
      </div>
      {children}
    </Announce.Provider>
  );
}

export const useAnnounceMove = () => useContext(Announce);
