// The people's half of a year, on top of seedRegistry's turns, in set-based SQL: reviewers and engineers,
// escalations of one conversation in 50 (the newest 300 still open or taken, the rest resolved over the
// month), labels on the review items serving's trigger opened (one in five an overlap item with two labels,
// one pair in eight disagreeing), a year of audit entries, the examples of the newest dataset versions, and
// a shadow model's predictions for the last week's customer turns, and twenty A/B experiments over the month.
import type pg from 'pg';

export type TOperationsSize = {
  /** Audit entries over the year. */
  audit: number;
  /** Dataset versions, newest first, that get their examples (19,200 each, as the registry's counts say). */
  exampleVersions: number;
  /** Review items labeled, oldest first. */
  labeledItems: number;
};

const REVIEWERS = 30;
const ENGINEERS = 5;
const AUDIT_ACTIONS = [
  'review.label',
  'review.skip',
  'review.undo',
  'review.adjudicate',
  'escalation.take',
  'escalation.resolve',
  'escalation.hand-back',
  'model.promote',
  'model.rollback',
  'alias.move',
  'experiment.create',
  'experiment.conclude',
  'experiment.stop',
  'run.start',
  'run.cancel',
  'dlq.replay',
  'user.add',
  'user.role',
  'user.disable',
  'api-key.create',
  'api-key.revoke',
  'settings.review',
  'auth.sign-in',
  'auth.sign-out',
  'auth.sign-in-attempt',
];

export async function seedOperations(sql: pg.Client, o: TOperationsSize) {
  const user = (expr: string) => `('00000000-0000-7000-8003-' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
  await sql.query(`
    INSERT INTO "User" (id, email, name, role, "createdAt")
    SELECT ${user('i')}, 'person' || i || '@example.com', 'Person ' || lpad(i::text, 2, '0'),
           (CASE WHEN i <= ${REVIEWERS} THEN 'REVIEWER' ELSE 'ENGINEER' END)::"Role", now() - interval '1 year'
    FROM generate_series(1, ${REVIEWERS + ENGINEERS}) i;`);

  // Escalations: one conversation in 50, on its first customer turn; the newest 300 still to be handled.
  await sql.query(`
    WITH c AS (
      SELECT c.id, c."startedAt", m.id AS "messageId", row_number() OVER (ORDER BY c."startedAt" DESC) AS n
      FROM "Conversation" c JOIN "Message" m ON m."conversationId" = c.id AND m.seq = 0
    )
    INSERT INTO "Escalation" (id, "conversationId", "messageId", reason, status, "assigneeId", summary, context,
                              "createdAt", "takenAt", "resolvedAt", "resolutionNote")
    SELECT gen_random_uuid(), c.id, c."messageId",
           (ARRAY['REQUESTED','COMPLAINT','LOW_CONFIDENCE','OUT_OF_SCOPE','LOOKUP_FAILED','POLICY'])[1 + n % 6]::"EscalationReason",
           (CASE WHEN n <= 150 THEN 'OPEN' WHEN n <= 300 THEN 'ASSIGNED' ELSE 'RESOLVED' END)::"EscalationStatus",
           CASE WHEN n > 150 THEN ${user(`1 + n % ${REVIEWERS}`)} END,
           'The customer asked about order ' || (10000 + n % 30000) || ' and the agent could not answer.',
           jsonb_build_object('intents', jsonb_build_array('track_order', 'complaint'), 'entities', '[]'::jsonb,
                              'order', jsonb_build_object('number', 10000 + n % 30000, 'status', 'SHIPPED'),
                              'transcript', jsonb_build_array('where is my order', 'it is late', 'I want a person')),
           c."startedAt" + interval '2 seconds',
           CASE WHEN n > 150 THEN c."startedAt" + interval '10 minutes' END,
           CASE WHEN n > 300 THEN c."startedAt" + interval '1 hour' END,
           CASE WHEN n > 300 THEN 'Refunded the shipping.' END
    FROM c WHERE n % 50 = 0 OR n <= 300;`);

  // Serving's trigger opens items for the uncertain turns only; sampled ones make up the rest, so that
  // there are labeledItems to label and 5,000 left open.
  await sql.query(`
    INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "createdAt")
    SELECT gen_random_uuid(), m.id, 'SAMPLE', 0.1, m."createdAt"
    FROM "Message" m
    WHERE m.role = 'USER' AND NOT EXISTS (SELECT 1 FROM "ReviewItem" r WHERE r."messageId" = m.id)
    ORDER BY m."createdAt"
    LIMIT greatest(0, ${o.labeledItems + 5_000} - (SELECT count(*) FROM "ReviewItem" WHERE status = 'OPEN'));`);

  // Labels on the oldest open review items: one reviewer each, a second on every fifth (an overlap item),
  // who disagrees on one in eight.
  await sql.query(`
    WITH items AS (
      SELECT r.id, r."messageId", m.intent, row_number() OVER (ORDER BY r."createdAt") AS n
      FROM "ReviewItem" r JOIN "Message" m ON m.id = r."messageId"
      WHERE r.status = 'OPEN' ORDER BY r."createdAt" LIMIT ${o.labeledItems}
    ), done AS (
      UPDATE "ReviewItem" r SET status = 'LABELED', "finalIntent" = items.intent,
             "requiredLabels" = CASE WHEN items.n % 5 = 0 THEN 2 ELSE 1 END,
             "resolvedAt" = r."createdAt" + interval '1 day'
      FROM items WHERE r.id = items.id
      RETURNING r.id
    )
    INSERT INTO "Label" (id, "messageId", "reviewItemId", "userId", intent, "createdAt")
    SELECT gen_random_uuid(), "messageId", id, ${user(`1 + n % ${REVIEWERS}`)}, intent, now() - interval '1 day'
    FROM items WHERE id IN (SELECT id FROM done)
    UNION ALL
    SELECT gen_random_uuid(), "messageId", id, ${user(`1 + (n + 7) % ${REVIEWERS}`)},
           CASE WHEN n % 40 = 0 THEN 'complaint' ELSE intent END, now() - interval '1 day'
    FROM items WHERE n % 5 = 0;`);

  const actions = `ARRAY[${AUDIT_ACTIONS.map((a) => `'${a}'`).join(',')}]`;
  await sql.query(`
    INSERT INTO "AuditLog" ("actorType", "actorId", actor, action, "targetType", "targetId", data, at)
    SELECT 'USER', ${user(`1 + i % ${REVIEWERS + ENGINEERS}`)}, 'person' || (1 + i % ${REVIEWERS + ENGINEERS}) || '@example.com',
           (${actions})[1 + (i / ${REVIEWERS + ENGINEERS}) % ${AUDIT_ACTIONS.length}], 'ReviewItem', gen_random_uuid()::text,
           jsonb_build_object('intent', 'track_order', 'note', 'seeded'),
           now() - ((${o.audit} - i) * ${(365 * 86_400) / o.audit} || ' seconds')::interval
    FROM generate_series(1, ${o.audit}) i;`);

  // The newest versions' examples: 16,000 train, 2,000 dev, 1,200 test, from every source.
  await sql.query(`
    INSERT INTO "Example" (id, "datasetVersionId", text, key, intent, source, split)
    SELECT gen_random_uuid(), v.id, 'example ' || i, 'example ' || i, 'intent_' || (i % 40),
           (ARRAY['BOOTSTRAP','IMPORT','LABEL','PRODUCTION'])[1 + i % 4]::"ExampleSource",
           (CASE WHEN i <= 16000 THEN 'TRAIN' WHEN i <= 18000 THEN 'DEV' ELSE 'TEST' END)::"Split"
    FROM (SELECT id FROM "DatasetVersion" ORDER BY version DESC LIMIT ${o.exampleVersions}) v
    CROSS JOIN generate_series(1, 19200) i;`);

  // Twenty experiments, one after another over the month (36 hours each, the newest still running): the
  // customer turns of each window split by conversation between control (production) and treatment (the
  // challenger), and a rating on the reply of one conversation in twenty.
  await sql.query(`
    INSERT INTO "Experiment" (id, name, status, "primaryMetric", "createdAt", "startedAt", "stoppedAt")
    SELECT ('00000000-0000-7000-8004-' || lpad(to_hex(i), 12, '0'))::uuid, 'bench-experiment-' || i,
           (CASE WHEN i = 20 THEN 'RUNNING' WHEN i % 3 = 0 THEN 'STOPPED' ELSE 'CONCLUDED' END)::"ExperimentStatus",
           'escalation_rate', now() - ((21 - i) * 36 || ' hours')::interval, now() - ((21 - i) * 36 || ' hours')::interval,
           CASE WHEN i < 20 THEN now() - ((20 - i) * 36 || ' hours')::interval END
    FROM generate_series(1, 20) i;
    INSERT INTO "ExperimentVariant" (id, "experimentId", name, "modelVersionId", weight)
    SELECT gen_random_uuid(), e.id, v.name, (SELECT "modelVersionId" FROM "ModelAlias" WHERE name = v.alias), 0.5
    FROM "Experiment" e CROSS JOIN (VALUES ('control', 'production'), ('treatment', 'challenger')) v(name, alias);
    UPDATE "Message" m SET variant = v.name, "modelVersionId" = v."modelVersionId"
    FROM "Experiment" e JOIN "ExperimentVariant" v ON v."experimentId" = e.id
    WHERE m."createdAt" >= e."startedAt" AND m."createdAt" < coalesce(e."stoppedAt", now())
      AND v.name = CASE WHEN abs(hashtext(m."conversationId"::text)) % 2 = 0 THEN 'control' ELSE 'treatment' END;
    INSERT INTO "Feedback" (id, "conversationId", "messageId", thumbs, "createdAt")
    SELECT gen_random_uuid(), m."conversationId", m.id, abs(hashtext(m.id::text)) % 4 <> 0, m."createdAt" + interval '1 minute'
    FROM "Message" m
    WHERE m.role = 'AGENT' AND m.seq = 1 AND abs(hashtext(m."conversationId"::text)) % 20 = 0;`);
  // The challenger as the shadow model over the last week's customer turns, disagreeing on one in ten, with
  // production's side as serving stores it beside each (after the experiments: they set the turns' versions).
  await sql.query(`
    INSERT INTO "ShadowPrediction" ("messageId", "modelVersionId", intent, confidence, "topK", "outOfScope",
                                    "lowConfidence", "latencyMs", "createdAt", "productionIntent",
                                    "productionOutOfScope", "productionModelVersionId")
    SELECT m.id, (SELECT "modelVersionId" FROM "ModelAlias" WHERE name = 'challenger'),
           CASE WHEN abs(hashtext(m.id::text)) % 10 = 0 THEN 'complaint' ELSE m.intent END,
           m.confidence, '[]'::jsonb, false, m.confidence < 0.7, 1.5, m."createdAt" + interval '50 milliseconds',
           m.intent, m."outOfScope", m."modelVersionId"
    FROM "Message" m
    WHERE m.role = 'USER' AND m."createdAt" >= now() - interval '7 days';`);
  await sql.query('VACUUM ANALYZE');
  return (
    await sql.query(`SELECT (SELECT count(*) FROM "Escalation")::int AS escalations,
                            (SELECT count(*) FROM "ReviewItem")::int AS "reviewItems",
                            (SELECT count(*) FROM "Label")::int AS labels,
                            (SELECT count(*) FROM "AuditLog")::int AS "auditEntries",
                            (SELECT count(*) FROM "Example")::int AS examples,
                            (SELECT count(*) FROM "ShadowPrediction")::int AS "shadowPredictions",
                            (SELECT count(*) FROM "Message" WHERE variant IS NOT NULL)::int AS "experimentMessages",
                            (SELECT count(*) FROM "Feedback")::int AS feedback`)
  ).rows[0] as Record<string, number>;
}
