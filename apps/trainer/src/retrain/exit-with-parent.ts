import { Worker } from 'node:worker_threads';

// Plain CommonJS on a thread of its own: a training stage keeps the main thread's event loop busy until
// it ends (minutes on a real corpus), so a 'disconnect' handler there would run only after the orphan
// had trained to the end and started writing its bundles. From another thread, SIGKILL ends the process
// at once; what it was doing is lost, and its retry starts over anyway.
const WATCH = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
}, workerData.intervalMs);
`;

/**
 * Ends this sandboxed process within `intervalMs` of the trainer that forked it dying on its own (killed
 * without its process group, say): the step is taken back by the next trainer, and an orphan would go
 * on burning CPU and writing the run's bundle directory while the retry writes it too. On Linux and
 * macOS a process whose parent dies is handed to another (init or a subreaper), so its parent pid
 * changes.
 */
export function exitWithParent(intervalMs = 200): void {
  // Not forked by a trainer (no IPC channel): there is no parent to outlive.
  if (!process.send) return;
  // No --import tsx or heap size of the sandbox's own for a thread that runs the plain script above.
  const watch = new Worker(WATCH, {
    eval: true,
    workerData: { parent: process.ppid, intervalMs },
    execArgv: [],
  });
  // The thread never keeps the process alive: BullMQ ends an idle sandboxed process as it sees fit.
  watch.unref();
}
