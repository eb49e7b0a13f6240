-- The review threshold, read once by every statement that stores turns. As a SQL function with a sub-select
-- it cannot be inlined, so PostgreSQL planned its body again on every call: 75 µs of a backend's CPU per
-- turn statement (370 → 295 µs for a statement of one turn). A PL/pgSQL function keeps its plan for the
-- session. Same rule, same result.
CREATE OR REPLACE FUNCTION review_low_confidence() RETURNS double precision LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT "lowConfidence" FROM "ReviewSettings" WHERE id = 1), 0.6);
END
$$;
