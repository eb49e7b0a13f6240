-- Hand-written: what the Prisma schema cannot express.

-- Full-text index of FAQ and policy articles. The trigger keeps "search" in step with the text on every
-- write, so the knowledge lookup is one GIN-indexed query; title words weigh most, then topic and tags.
CREATE FUNCTION article_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."search" :=
    setweight(to_tsvector('english', coalesce(NEW."title", '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW."topic", '') || ' ' || coalesce(array_to_string(NEW."tags", ' '), '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW."body", '')), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER article_search_refresh
  BEFORE INSERT OR UPDATE OF "title", "topic", "tags", "body" ON "Article"
  FOR EACH ROW EXECUTE FUNCTION article_search_refresh();

-- Model versions are immutable: aliases move, versions never change. A registered version's bytes,
-- manifest, checksum and labels are what every evaluation, experiment and rollback refers to, so the
-- database refuses to rewrite them whatever code path tries.
CREATE FUNCTION model_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."version" IS DISTINCT FROM OLD."version"
     OR NEW."kind" IS DISTINCT FROM OLD."kind"
     OR NEW."artifact" IS DISTINCT FROM OLD."artifact"
     OR NEW."artifactUri" IS DISTINCT FROM OLD."artifactUri"
     OR NEW."manifest" IS DISTINCT FROM OLD."manifest"
     OR NEW."sha256" IS DISTINCT FROM OLD."sha256"
     OR NEW."sizeBytes" IS DISTINCT FROM OLD."sizeBytes"
     OR NEW."featurizerVersion" IS DISTINCT FROM OLD."featurizerVersion"
     OR NEW."labels" IS DISTINCT FROM OLD."labels"
     OR NEW."metrics" IS DISTINCT FROM OLD."metrics"
     OR NEW."datasetVersionId" IS DISTINCT FROM OLD."datasetVersionId"
     OR NEW."parentVersionId" IS DISTINCT FROM OLD."parentVersionId" THEN
    RAISE EXCEPTION 'model version % is immutable: register a new version instead', OLD."version"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER model_version_immutable
  BEFORE UPDATE ON "ModelVersion"
  FOR EACH ROW EXECUTE FUNCTION model_version_immutable();
