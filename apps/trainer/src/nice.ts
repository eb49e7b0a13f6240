import { setPriority } from 'node:os';

/** The trainer's CPU priority unless TRAINER_NICE says otherwise (see the env's TRAINER_NICE). */
export const DEFAULT_TRAINER_NICE = 10;

/**
 * Lowers this process's CPU priority to `nice` (0–19, validated by the env): every process and thread
 * started afterwards (the app's workers, training) inherits it, so main.ts calls it before it loads the
 * app. The system's refusal, for the caller to log; null when done.
 */
export function lowerPriority(nice: number): string | null {
  try {
    setPriority(nice);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
