-- Hand-written: the review inbox's priority read top-k entries as {intent, p}, but turns store them as
-- {intent, confidence} (serving's TUnderstanding), so every trigger-made item had priority 1 and the inbox
-- lost its order by uncertainty. Both spellings are read now.
CREATE OR REPLACE FUNCTION review_priority(top_k jsonb, confidence double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
  SELECT greatest(0, least(1, CASE
    WHEN jsonb_typeof(top_k) = 'array' AND jsonb_array_length(top_k) > 0 THEN
      1 - (coalesce((top_k->0->>'confidence')::float8, (top_k->0->>'p')::float8, 0)
           - coalesce((top_k->1->>'confidence')::float8, (top_k->1->>'p')::float8, 0))
    ELSE 1 - coalesce(confidence, 0)
  END))
$$;
