/**
 * Picks two versions to compare; a plain GET form, so a comparison is a link to share. Each field takes any
 * registered version by its name, checked by the comparison page (an unknown one is named there): `versions`
 * are suggestions only, the latest, so an older version is typed instead of missing from a select.
 */
export function CompareForm({
  versions,
  base,
  candidate,
}: {
  versions: string[];
  base: string | null;
  candidate: string | null;
}) {
  const field = {
    list: 'compare-versions',
    required: true,
    size: 28,
    autoComplete: 'off',
    spellCheck: false,
  };
  return (
    <form action="/models/compare" method="get" className="row actions compare-form">
      <datalist id="compare-versions">
        {versions.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
      <label>
        Base
        <input name="base" defaultValue={base ?? ''} {...field} />
      </label>
      <label>
        Candidate
        <input name="candidate" defaultValue={candidate ?? ''} {...field} />
      </label>
      <button type="submit">Compare</button>
    </form>
  );
}
