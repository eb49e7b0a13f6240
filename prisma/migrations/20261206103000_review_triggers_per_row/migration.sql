-- Hand-written: what the Prisma schema cannot express.

-- The review-item triggers on Message, Escalation and Feedback were statement-level, with transition tables:
-- every statement serving writes (a batch of turns is one statement with an INSERT each for the customers'
-- messages, the agent's replies and the escalations) built a tuplestore of its rows and ran an
-- INSERT … SELECT over it, for the replies and for an INSERT of no rows too: about 28 % of PostgreSQL's CPU
-- per turn (bench/serving). Row-level triggers whose WHEN clause is evaluated without calling the function
-- cost nothing for replies, positive feedback and empty inserts.

DROP TRIGGER review_items_from_messages ON "Message";
DROP FUNCTION review_items_from_messages();

CREATE FUNCTION review_item_from_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."outOfScope"
     OR NEW.confidence < coalesce((SELECT "lowConfidence" FROM "ReviewSettings" WHERE id = 1), 0.6) THEN
    INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "requiredLabels")
    VALUES (gen_random_uuid(), NEW.id,
            (CASE WHEN NEW."outOfScope" THEN 'OUT_OF_SCOPE' ELSE 'LOW_CONFIDENCE' END)::"ReviewReason",
            review_priority(NEW."topK", NEW.confidence), review_required_labels(NEW.id))
    ON CONFLICT ("messageId") DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER review_item_from_message AFTER INSERT ON "Message" FOR EACH ROW
  WHEN (NEW.role = 'USER')
  EXECUTE FUNCTION review_item_from_message();

DROP TRIGGER review_items_from_escalations ON "Escalation";
DROP FUNCTION review_items_from_escalations();

CREATE FUNCTION review_item_from_escalation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "requiredLabels")
  SELECT gen_random_uuid(), m.id, 'ESCALATION', review_priority(m."topK", m.confidence), review_required_labels(m.id)
  FROM "Message" m WHERE m.id = NEW."messageId"
  ON CONFLICT ("messageId") DO UPDATE SET reason = 'ESCALATION'
    WHERE "ReviewItem".status IN ('OPEN', 'IN_PROGRESS');
  RETURN NULL;
END
$$;

CREATE TRIGGER review_item_from_escalation AFTER INSERT ON "Escalation" FOR EACH ROW
  EXECUTE FUNCTION review_item_from_escalation();

-- Feedback is given on the agent's reply (or on the conversation): the turn to review is the customer's
-- message the reply answered, or the conversation's last customer message.
DROP TRIGGER review_items_from_feedback ON "Feedback";
DROP FUNCTION review_items_from_feedback();

CREATE FUNCTION review_item_from_feedback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "requiredLabels")
  SELECT gen_random_uuid(), m.id, 'NEGATIVE_FEEDBACK', review_priority(m."topK", m.confidence), review_required_labels(m.id)
  FROM "Message" m
  WHERE m."conversationId" = NEW."conversationId" AND m.role = 'USER'
    AND m.seq <= coalesce((SELECT r.seq FROM "Message" r WHERE r.id = NEW."messageId"), 2147483647)
  ORDER BY m.seq DESC LIMIT 1
  ON CONFLICT ("messageId") DO UPDATE SET reason = 'NEGATIVE_FEEDBACK'
    WHERE "ReviewItem".status IN ('OPEN', 'IN_PROGRESS') AND "ReviewItem".reason <> 'ESCALATION';
  RETURN NULL;
END
$$;

CREATE TRIGGER review_item_from_feedback AFTER INSERT ON "Feedback" FOR EACH ROW
  WHEN (NEW.thumbs = false OR NEW.rating <= 2)
  EXECUTE FUNCTION review_item_from_feedback();

-- Conversation search by words looks in what customers wrote: the trigram index holds their messages only,
-- not the agent's longer replies, which were most of its upkeep on every turn.
DROP INDEX "Message_text_trgm_idx";
CREATE INDEX "Message_text_trgm_idx" ON "Message" USING gin (text gin_trgm_ops) WHERE role = 'USER';
