-- Hand-written: what the Prisma schema cannot express.

-- The inbox's "disagreement" reason: when a shadow model (serving writes its predictions beside
-- production's, a batch per statement) answers a customer's turn differently from the model that answered
-- it — another intent, or one says out-of-scope and the other does not — the turn becomes a review item,
-- since a person's label is what tells which of the two was right. One INSERT … SELECT per statement; a
-- turn already in the inbox for another reason keeps that reason.
CREATE FUNCTION review_items_from_shadow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "requiredLabels")
  SELECT DISTINCT ON (m.id) gen_random_uuid(), m.id, 'DISAGREEMENT',
         review_priority(m."topK", m.confidence), review_required_labels(m.id)
  FROM new_rows s JOIN "Message" m ON m.id = s."messageId"
  WHERE m.role = 'USER'
    AND (CASE WHEN s."outOfScope" THEN 'out_of_scope' ELSE s.intent END)
        IS DISTINCT FROM (CASE WHEN m."outOfScope" THEN 'out_of_scope' ELSE m.intent END)
  ON CONFLICT ("messageId") DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER review_items_from_shadow AFTER INSERT ON "ShadowPrediction"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION review_items_from_shadow();
