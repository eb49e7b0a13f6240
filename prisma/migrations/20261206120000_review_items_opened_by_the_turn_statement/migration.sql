-- Hand-written: what the Prisma schema cannot express.

-- Serving writes a batch of turns in one statement (apps/serving/src/persist/turn-store.ts). The row trigger
-- on "Message" opened each uncertain turn's review item with a PL/pgSQL call and an INSERT of its own per
-- customer message. That statement now opens its turns' items itself, set-based, and says so for its own
-- transaction (acsa.review_items = 'opened'): PostgreSQL's CPU per stored turn 194 → 166 µs with a fifth of
-- the turns uncertain (`npx tsx bench/serving/persist-pg.ts`, two alternating runs each, load average 1.1–1.3).
-- The trigger stays for every other writer of messages, with the same rule, which lives here once.

-- Why a customer's turn needs a person's label, or null when it does not.
CREATE FUNCTION review_reason_for(out_of_scope boolean, confidence double precision, low_confidence double precision)
RETURNS "ReviewReason" LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN out_of_scope THEN 'OUT_OF_SCOPE'::"ReviewReason"
    WHEN confidence < low_confidence THEN 'LOW_CONFIDENCE'::"ReviewReason"
  END
$$;

-- The console's threshold (Agreement page), 0.6 until someone sets one.
CREATE FUNCTION review_low_confidence() RETURNS double precision LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT "lowConfidence" FROM "ReviewSettings" WHERE id = 1), 0.6)
$$;

CREATE OR REPLACE FUNCTION review_item_from_message() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE reason "ReviewReason" := review_reason_for(NEW."outOfScope", NEW.confidence, review_low_confidence());
BEGIN
  IF reason IS NOT NULL THEN
    INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "requiredLabels")
    VALUES (gen_random_uuid(), NEW.id, reason, review_priority(NEW."topK", NEW.confidence), review_required_labels(NEW.id))
    ON CONFLICT ("messageId") DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;

-- An AFTER trigger's WHEN is evaluated as each row is inserted, so a statement that set the flag first is
-- skipped; the flag is local to its transaction and gone with it.
DROP TRIGGER review_item_from_message ON "Message";
CREATE TRIGGER review_item_from_message AFTER INSERT ON "Message" FOR EACH ROW
  WHEN (NEW.role = 'USER' AND current_setting('acsa.review_items', true) IS DISTINCT FROM 'opened')
  EXECUTE FUNCTION review_item_from_message();
