/**
 * All matches of a global regex. A plain `exec` loop: `String#matchAll` costs about twice as much per
 * call, and these run several times on every chat turn.
 */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(m);
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}
