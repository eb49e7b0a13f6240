// A registry a year old, in set-based SQL so seeding stays in seconds: versions eight hours apart at the
// trainer's shapes (manifest, dev metrics, a run with snapshot/evaluate outputs that name the production it
// was judged against), aliases and their history, hourly drift reports and turn counts for a year, and
// customer turns over the last 30 days (their latency feeds the overview).
import type pg from 'pg';

const INTENTS = [
  'track_order',
  'get_refund',
  'cancel_order',
  'change_shipping_address',
  'get_invoice',
  'thank_you',
  'contact_human_agent',
  'complaint',
  'payment_issue',
  'delivery_options',
  'check_refund_policy',
  'newsletter_subscription',
];

export async function seedRegistry(sql: pg.Client, o: { versions: number; messages: number }) {
  const intents = `ARRAY[${INTENTS.map((i) => `'${i}'`).join(',')}]`;
  // Per-intent scores and the top confusions, as the evaluate step records them (~3 kB a summary).
  const summary = (seed: string) => `jsonb_build_object(
      'n', 1200, 'accuracy', 0.9 + (${seed} % 50) / 1000.0, 'macroF1', 0.88 + (${seed} % 40) / 1000.0,
      'inScopeAccuracy', 0.93, 'oosRecall', 0.8 + (${seed} % 90) / 1000.0, 'ece', 0.03, 'sizeBytes', 2400000,
      'p50LatencyMs', 1.2, 'p99LatencyMs', 4.1, 'p50EndToEndMs', 3.3,
      'perIntent', (SELECT jsonb_agg(jsonb_build_object('intent', it, 'support', 100, 'precision', 0.9,
                     'recall', 0.9, 'f1', 0.85 + ((${seed} * 7 + k) % 100) / 1000.0)) FROM unnest(${intents}) WITH ORDINALITY u(it, k)),
      'confusions', (SELECT jsonb_agg(jsonb_build_object('gold', it, 'predicted', 'track_order', 'n', 1 + (${seed} + k) % 9))
                     FROM unnest(${intents}) WITH ORDINALITY u(it, k) WHERE k > 1))`;
  await sql.query(`
    INSERT INTO "Dataset" (id, name) VALUES ('00000000-0000-7000-8000-00000000d000', 'intents');
    INSERT INTO "DatasetVersion" (id, "datasetId", version, source, meta, counts, "exampleCount")
    SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, '00000000-0000-7000-8000-00000000d000', i,
           'SNAPSHOT', '{}', jsonb_build_object('train', 16000, 'dev', 2000, 'test', 1200), 19200
    FROM generate_series(1, ${o.versions}) i;
    INSERT INTO "TrainingRun" (id, status, trigger, mode, progress, "datasetVersionId", gate, "gatePassed", config,
                               "createdAt", "startedAt", "finishedAt")
    SELECT ('00000000-0000-7000-8001-' || lpad(to_hex(i), 12, '0'))::uuid,
           (CASE WHEN i % 7 = 0 THEN 'REJECTED' ELSE 'SUCCEEDED' END)::"RunStatus",
           (ARRAY['MANUAL','LABELS','DRIFT','SCHEDULE'])[1 + i % 4]::"RunTrigger",
           (ARRAY['DIRECT','EXPERIMENT','SHADOW','NONE'])[1 + i % 4]::"PromotionMode", 100,
           ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
           jsonb_build_object('passed', i % 7 <> 0, 'candidate', jsonb_build_object('accuracy', 0.9 + (i % 50) / 1000.0),
                              'checks', '[]'::jsonb, 'reasons', '[]'::jsonb),
           i % 7 <> 0, jsonb_build_object('preset', 'standard', 'seed', i),
           now() - ((${o.versions} - i) * 8 || ' hours')::interval - interval '2 hours',
           now() - ((${o.versions} - i) * 8 || ' hours')::interval - interval '2 hours',
           now() - ((${o.versions} - i) * 8 || ' hours')::interval
    FROM generate_series(1, ${o.versions}) i;
    INSERT INTO "ModelVersion" (id, version, kind, manifest, sha256, "sizeBytes", "featurizerVersion", labels, metrics,
                                "datasetVersionId", "trainingRunId", "parentVersionId", "createdAt")
    SELECT ('00000000-0000-7000-8002-' || lpad(to_hex(i), 12, '0'))::uuid, 'intent-bench-' || i, 'student-int8',
           jsonb_build_object('format', 1, 'labels', to_jsonb(${intents}), 'featurizer', jsonb_build_object('version', 1, 'dims', 4096),
             'model', jsonb_build_object('file', 'model.onnx', 'sha256', md5(i::text), 'sizeBytes', 2400000),
             'metrics', jsonb_build_object('dev', jsonb_build_object('accuracy', 0.9 + (i % 50) / 1000.0)),
             'calibration', jsonb_build_object('temperature', 1.3), 'trainedAt', now()),
           md5(i::text), 2400000, 1, ${intents},
           jsonb_build_object('dev', jsonb_build_object('accuracy', 0.9 + (i % 50) / 1000.0,
             'macroF1', 0.88 + (i % 40) / 1000.0, 'oosRecall', 0.8 + (i % 90) / 1000.0)),
           ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
           ('00000000-0000-7000-8001-' || lpad(to_hex(i), 12, '0'))::uuid,
           CASE WHEN i > 1 THEN ('00000000-0000-7000-8002-' || lpad(to_hex(i - 1), 12, '0'))::uuid END,
           now() - ((${o.versions} - i) * 8 || ' hours')::interval
    FROM generate_series(1, ${o.versions}) i;
    INSERT INTO "TrainingStep" (id, "runId", name, position, status, progress, attempts, output)
    SELECT gen_random_uuid(), ('00000000-0000-7000-8001-' || lpad(to_hex(i), 12, '0'))::uuid, s.name, s.pos,
           'SUCCEEDED', 100, 1,
           CASE s.name
             WHEN 'snapshot' THEN jsonb_build_object('datasetVersionId', ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0')),
               'datasetVersion', i, 'dir', '/tmp/run', 'dataFile', 'data.jsonl', 'testFile', 'test.jsonl',
               'production', CASE WHEN i > 1 THEN jsonb_build_object('versionId', ('00000000-0000-7000-8002-' || lpad(to_hex(i - 1), 12, '0')),
                 'version', 'intent-bench-' || (i - 1), 'bundleDir', '/tmp/prod') END,
               'training', jsonb_build_object('teacher', '{}'::jsonb, 'student', '{}'::jsonb, 'seed', i),
               'counts', jsonb_build_object('train', 16000, 'dev', 2000, 'test', 1200))
             WHEN 'evaluate' THEN jsonb_build_object('testRows', 1200, 'candidate', ${summary('i')},
               'production', CASE WHEN i > 1 THEN ${summary('(i - 1)')} END)
             ELSE '{}'::jsonb END
    FROM generate_series(1, ${o.versions}) i
    CROSS JOIN (VALUES ('snapshot', 0), ('train', 1), ('export', 2), ('evaluate', 3), ('gate', 4), ('promote', 5)) s(name, pos);`);

  // Every version goes to staging when made; every fifth one on to production, every 25th rolled back.
  const v = (expr: string) => `('00000000-0000-7000-8002-' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
  await sql.query(`
    INSERT INTO "AliasHistory" (alias, kind, "fromVersionId", "toVersionId", actor, reason, at)
    SELECT alias, kind::"AliasMoveKind", "from", "to", actor, reason, at FROM (
      SELECT 'staging' AS alias, 'PROMOTE' AS kind, CASE WHEN i > 1 THEN ${v('i - 1')} END AS "from", ${v('i')} AS "to",
             'system:trainer' AS actor, 'gate passed' AS reason, now() - ((${o.versions} - i) * 8 || ' hours')::interval AS at
      FROM generate_series(1, ${o.versions}) i
      UNION ALL
      SELECT 'production', 'PROMOTE', CASE WHEN i > 5 THEN ${v('i - 5')} END, ${v('i')}, 'user:eli@example.com',
             'promoted from the console', now() - ((${o.versions} - i) * 8 || ' hours')::interval + interval '1 hour'
      FROM generate_series(5, ${o.versions} - 1, 5) i
      UNION ALL
      SELECT 'production', 'ROLLBACK', ${v('i')}, ${v('i - 5')}, 'user:eli@example.com', 'regression',
             now() - ((${o.versions} - i) * 8 || ' hours')::interval + interval '2 hours'
      FROM generate_series(25, ${o.versions} - 5, 25) i
      UNION ALL
      SELECT 'production', 'PROMOTE', ${v('i - 5')}, ${v('i')}, 'user:eli@example.com', 'fixed',
             now() - ((${o.versions} - i) * 8 || ' hours')::interval + interval '3 hours'
      FROM generate_series(25, ${o.versions} - 5, 25) i
    ) m ORDER BY at;
    INSERT INTO "ModelAlias" (name, "modelVersionId", "updatedAt") VALUES
      ('production', ${v(String(Math.floor((o.versions - 1) / 5) * 5))}, now()),
      ('staging', ${v(String(o.versions))}, now()),
      ('challenger', ${v(String(o.versions - 1))}, now());`);

  // Hourly drift windows for a year for production, staging and the challenger; ~1 in 50 alerts. The
  // details carry the histograms and thresholds as the drift check writes them (~2 kB a report).
  await sql.query(`
    INSERT INTO "DriftReport" (id, "modelVersionId", "windowStart", "windowEnd", n, "intentPsi", "intentJs",
                               "confidencePsi", "lengthPsi", "unknownTokenRate", details, alert, "createdAt")
    SELECT gen_random_uuid(), mv.id, w.start, w.start + interval '1 hour', 300 + h % 200,
           CASE WHEN h % 50 = 0 THEN 0.3 ELSE 0.02 + (h % 13) / 200.0 END, 0.01 + (h % 7) / 500.0,
           0.03, 0.02, 0.04 + (h % 5) / 1000.0,
           jsonb_build_object(
             'intents', (SELECT jsonb_agg(jsonb_build_object('name', it, 'reference', 1.0 / 12, 'live', 20 + (h + k) % 30))
                         FROM unnest(${intents}) WITH ORDINALITY u(it, k)),
             'confidence', jsonb_build_object('edges', '[0,0.2,0.4,0.6,0.8,1]'::jsonb, 'reference', '[0.05,0.1,0.15,0.3,0.4]'::jsonb,
                                               'live', '[12,30,45,90,120]'::jsonb),
             'length', jsonb_build_object('edges', '[0,3,6,10,20,50]'::jsonb, 'reference', '[0.1,0.3,0.3,0.2,0.1]'::jsonb,
                                           'live', '[30,90,90,60,30]'::jsonb),
             'sampling', jsonb_build_object('sampled', false, 'of', 300 + h % 200),
             'referenceUnknownTokenRate', 0.04,
             'thresholds', jsonb_build_object('intentPsi', 0.25, 'confidencePsi', 0.25, 'lengthPsi', 0.25, 'unknownTokenRate', 0.15),
             'breaches', CASE WHEN h % 50 = 0 THEN jsonb_build_array(jsonb_build_object('metric', 'intentPsi', 'value', 0.3, 'threshold', 0.25))
                              ELSE '[]'::jsonb END),
           h % 50 = 0, w.start + interval '1 hour 5 minutes'
    FROM (SELECT "modelVersionId" AS id FROM "ModelAlias") mv
    CROSS JOIN generate_series(1, 8760) h
    CROSS JOIN LATERAL (SELECT date_trunc('hour', now()) - (h || ' hours')::interval AS start) w;
    INSERT INTO "TurnStat" ("modelVersionId", variant, hour, turns, escalations, "lowConfidence", "outOfScope")
    SELECT "modelVersionId", '', date_trunc('hour', now()) - (h || ' hours')::interval, 400 + h % 200, 20, 30, 10
    FROM "ModelAlias" CROSS JOIN generate_series(0, 8759) h;`);

  // Customer turns (and the agent's answers) over the last 30 days, each answered by production.
  const conversations = Math.ceil(o.messages / 4);
  await sql.query(`
    INSERT INTO "Conversation" (id, "sessionId", "startedAt", "lastMessageAt")
    SELECT gen_random_uuid(), 'sess-' || i, now() - (i * ${(30 * 86_400) / conversations} || ' seconds')::interval,
           now() - (i * ${(30 * 86_400) / conversations} || ' seconds')::interval
    FROM generate_series(1, ${conversations}) i;
    WITH c AS (SELECT id, row_number() OVER () AS n, "startedAt" FROM "Conversation")
    INSERT INTO "Message" (id, "conversationId", seq, role, text, intent, confidence, "modelVersionId", "latencyMs", "createdAt")
    SELECT gen_random_uuid(), c.id, s, CASE WHEN s % 2 = 0 THEN 'USER' ELSE 'AGENT' END::"MessageRole",
           'where is my order ' || (10000 + c.n % 30000),
           CASE WHEN s % 2 = 0 THEN (${intents})[1 + (c.n + s) % 12] END,
           CASE WHEN s % 2 = 0 THEN 0.6 + (c.n % 400) / 1000.0 END,
           CASE WHEN s % 2 = 0 THEN (SELECT "modelVersionId" FROM "ModelAlias" WHERE name = 'production') END,
           CASE WHEN s % 2 = 0 THEN 20 + (c.n * 37 + s) % 400 END,
           c."startedAt" + (s || ' seconds')::interval
    FROM c CROSS JOIN generate_series(0, 3) s;`);
  // As autovacuum leaves a table at rest: statistics, and a visibility map so index-only scans skip the heap.
  await sql.query('VACUUM ANALYZE');
  return (
    await sql.query(`SELECT (SELECT count(*) FROM "ModelVersion")::int AS versions,
                            (SELECT count(*) FROM "AliasHistory")::int AS "aliasMoves",
                            (SELECT count(*) FROM "TrainingRun")::int AS runs,
                            (SELECT count(*) FROM "DriftReport")::int AS "driftReports",
                            (SELECT count(*) FROM "TurnStat")::int AS "turnStats",
                            (SELECT count(*) FROM "Message")::int AS messages`)
  ).rows[0] as Record<string, number>;
}
