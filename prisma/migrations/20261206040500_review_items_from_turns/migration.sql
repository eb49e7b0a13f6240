-- Hand-written: what the Prisma schema cannot express.

-- The review inbox fills itself: serving writes turns, escalations and feedback with plain SQL on its hot
-- path, and these statement-level triggers turn the ones people should look at into review items in the
-- same transaction (one INSERT … SELECT per statement, so a batch of turns costs one extra insert, not one
-- per row). Priority is the prediction's uncertainty, 1 − (p1 − p2) of its top-k; a share of items
-- (ReviewSettings.overlapShare, chosen by a hash of the message id so it is stable) needs two labels.
INSERT INTO "ReviewSettings" (id) VALUES (1) ON CONFLICT DO NOTHING;

CREATE FUNCTION review_priority(top_k jsonb, confidence double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
  SELECT greatest(0, least(1, CASE
    WHEN jsonb_typeof(top_k) = 'array' AND jsonb_array_length(top_k) > 0 THEN
      1 - (coalesce((top_k->0->>'p')::float8, 0) - coalesce((top_k->1->>'p')::float8, 0))
    ELSE 1 - coalesce(confidence, 0)
  END))
$$;

CREATE FUNCTION review_required_labels(message_id uuid) RETURNS int LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN ('x' || substr(md5(message_id::text), 1, 8))::bit(32)::int::bigint & 2147483647
         < (SELECT "overlapShare" FROM "ReviewSettings" WHERE id = 1) * 2147483647 THEN 2
    ELSE 1 END
$$;

CREATE FUNCTION review_items_from_messages() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE threshold float8 := coalesce((SELECT "lowConfidence" FROM "ReviewSettings" WHERE id = 1), 0.6);
BEGIN
  INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "requiredLabels")
  SELECT gen_random_uuid(), n.id,
         (CASE WHEN n."outOfScope" THEN 'OUT_OF_SCOPE' ELSE 'LOW_CONFIDENCE' END)::"ReviewReason",
         review_priority(n."topK", n.confidence), review_required_labels(n.id)
  FROM new_rows n
  WHERE n.role = 'USER' AND (n."outOfScope" OR n.confidence < threshold)
  ON CONFLICT ("messageId") DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER review_items_from_messages AFTER INSERT ON "Message"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION review_items_from_messages();

CREATE FUNCTION review_items_from_escalations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "requiredLabels")
  SELECT gen_random_uuid(), m.id, 'ESCALATION', review_priority(m."topK", m.confidence), review_required_labels(m.id)
  FROM new_rows e JOIN "Message" m ON m.id = e."messageId"
  ON CONFLICT ("messageId") DO UPDATE SET reason = 'ESCALATION'
    WHERE "ReviewItem".status IN ('OPEN', 'IN_PROGRESS');
  RETURN NULL;
END
$$;

CREATE TRIGGER review_items_from_escalations AFTER INSERT ON "Escalation"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION review_items_from_escalations();

-- Feedback is given on the agent's reply (or on the conversation): the turn to review is the customer's
-- message the reply answered, or the conversation's last customer message.
CREATE FUNCTION review_items_from_feedback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "requiredLabels")
  SELECT DISTINCT ON (u.id) gen_random_uuid(), u.id, 'NEGATIVE_FEEDBACK',
         review_priority(u."topK", u.confidence), review_required_labels(u.id)
  FROM new_rows f
  CROSS JOIN LATERAL (
    SELECT m.id, m."topK", m.confidence FROM "Message" m
    WHERE m."conversationId" = f."conversationId" AND m.role = 'USER'
      AND m.seq <= coalesce((SELECT r.seq FROM "Message" r WHERE r.id = f."messageId"), 2147483647)
    ORDER BY m.seq DESC LIMIT 1
  ) u
  WHERE f.thumbs = false OR f.rating <= 2
  ON CONFLICT ("messageId") DO UPDATE SET reason = 'NEGATIVE_FEEDBACK'
    WHERE "ReviewItem".status IN ('OPEN', 'IN_PROGRESS') AND "ReviewItem".reason <> 'ESCALATION';
  RETURN NULL;
END
$$;

CREATE TRIGGER review_items_from_feedback AFTER INSERT ON "Feedback"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION review_items_from_feedback();

-- Conversation search by any words of a message (ILIKE '%…%' over a million messages) needs trigrams.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "Message_text_trgm_idx" ON "Message" USING gin (text gin_trgm_ops);
