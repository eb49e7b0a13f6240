/** Picks two versions to compare; a plain GET form, so a comparison is a link to share. */
export function CompareForm({
  versions,
  base,
  candidate,
}: {
  versions: string[];
  base: string | null;
  candidate: string | null;
}) {
  return (
    <form action="/models/compare" method="get" className="row actions compare-form">
      <label>
        Base
        <select name="base" defaultValue={base ?? undefined}>
          {versions.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
      <label>
        Candidate
        <select name="candidate" defaultValue={candidate ?? undefined}>
          {versions.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
      <button type="submit">Compare</button>
    </form>
  );
}
