import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A Dockerfile linter for the rules hadolint would apply here (hadolint is a Haskell binary found neither in
 * Debian's archive nor on npm), plus the ones only this repository can check: every COPY source exists and
 * is not hidden by .dockerignore, and the final image carries the sources of every workspace it imports.
 */

export type TInstruction = { keyword: string; args: string; line: number };
export type TStage = { name: string | null; from: string; instructions: TInstruction[] };

export function parseDockerfile(text: string): { args: Map<string, string>; stages: TStage[] } {
  const instructions: TInstruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (!pending) start = i + 1;
    if (line.startsWith('#')) return;
    pending += `${line.replace(/\\$/, '').trim()} `;
    if (line.endsWith('\\')) return;
    const [keyword = '', ...rest] = pending.trim().split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: start });
    pending = '';
  });
  const args = new Map<string, string>();
  const stages: TStage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const [from = '', as, name] = ins.args.split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? (name ?? null) : null, instructions: [] });
    } else if (stages.length === 0 && ins.keyword === 'ARG') {
      const [k = '', v = ''] = ins.args.split('=');
      args.set(k, v);
    } else stages.at(-1)?.instructions.push(ins);
  }
  return { args, stages };
}

const SECRET_NAME = /SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE/i;

/** hadolint-style findings (`DLxxxx` where hadolint has the rule), empty when clean. */
export function lintDockerfile(text: string): string[] {
  const { args, stages } = parseDockerfile(text);
  const problems: string[] = [];
  const resolve = (image: string) =>
    image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args.get(a ?? b) ?? '');
  const final = stages.at(-1);
  if (stages.length < 2 || !final) problems.push('not a multi-stage build');
  const names = new Set<string>();
  for (const stage of stages) {
    const image = resolve(stage.from);
    if (!names.has(image)) {
      if (!image.includes(':') && !image.includes('@')) problems.push(`DL3006: image ${image} has no tag`);
      if (image.endsWith(':latest')) problems.push(`DL3007: image ${image} uses latest`);
    }
    if (stage.name) names.add(stage.name);
    for (const ins of stage.instructions) {
      const at = `line ${ins.line}`;
      if (ins.keyword === 'ADD') problems.push(`DL3020: ${at}: ADD instead of COPY`);
      if (ins.keyword === 'MAINTAINER') problems.push(`DL4000: ${at}: MAINTAINER is deprecated`);
      if (ins.keyword === 'RUN' && /(^|[;&|]\s*)cd\s/.test(ins.args))
        problems.push(`DL3003: ${at}: cd in RUN; use WORKDIR`);
      if (ins.keyword === 'RUN' && /\bsudo\b/.test(ins.args)) problems.push(`DL3004: ${at}: sudo`);
      if (
        ins.keyword === 'RUN' &&
        /apt-get install/.test(ins.args) &&
        !/--no-install-recommends/.test(ins.args)
      )
        problems.push(`DL3015: ${at}: apt-get install without --no-install-recommends`);
      if (ins.keyword === 'RUN' && /\bnpm install\b/.test(ins.args))
        problems.push(`DL3016-like: ${at}: npm install, not npm ci`);
      if (ins.keyword === 'COPY') {
        const from = /--from=(\S+)/.exec(ins.args)?.[1];
        if (from && !names.has(from))
          problems.push(`DL3022: ${at}: COPY --from=${from} names no earlier stage`);
      }
      if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
        for (const k of ins.args.split(/\s+/).map((kv) => kv.split('=')[0] ?? ''))
          if (SECRET_NAME.test(k)) problems.push(`${at}: ${ins.keyword} ${k} puts a secret in the image`);
      }
    }
  }
  if (!final) return problems;
  const last = (k: string) => final.instructions.filter((i) => i.keyword === k).at(-1);
  const user = last('USER');
  if (!user || /^(root|0)(:|$)/.test(user.args)) problems.push('DL3002: the final stage runs as root');
  if (!last('HEALTHCHECK')) problems.push('the final stage has no HEALTHCHECK');
  const cmd = last('CMD') ?? last('ENTRYPOINT');
  if (!cmd) problems.push('no CMD');
  else if (!cmd.args.startsWith('[')) problems.push('DL3025: CMD in shell form (node would not be PID 1)');
  return problems;
}

/** .dockerignore patterns as regular expressions (the `**` / `*` subset this repository uses). */
function ignoreRules(root: string): RegExp[] {
  return readFileSync(path.join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(
      (p) =>
        new RegExp(
          `^${p
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*\*\//g, '(.*/)?')
            .replace(/\*/g, '[^/]*')}(/.*)?$`,
        ),
    );
}

/** COPY sources from the build context that are missing or that .dockerignore leaves out. */
export function missingCopySources(text: string, root: string): string[] {
  const ignored = ignoreRules(root);
  const problems: string[] = [];
  for (const stage of parseDockerfile(text).stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'COPY' || ins.args.includes('--from=')) continue;
      const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) {
        if (!existsSync(path.join(root, src))) problems.push(`line ${ins.line}: ${src} does not exist`);
        if (ignored.some((r) => r.test(src)))
          problems.push(`line ${ins.line}: ${src} is excluded by .dockerignore`);
      }
    }
  }
  return problems;
}
