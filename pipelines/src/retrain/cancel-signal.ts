/**
 * The Redis pub/sub channel on which a cancelled run is announced to every trainer (the message is the run
 * id): the one whose worker is executing one of the run's steps stops it. Under the queues' prefix, so a
 * test's or another deployment's cancel never reaches these trainers. A trainer that misses the message
 * (reconnecting at that moment) still finds the run cancelled in PostgreSQL, a few seconds later.
 */
export const retrainCancelChannel = (prefix: string): string => `${prefix}:retrain:cancel`;
