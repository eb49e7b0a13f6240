export type TPoint = { series: string; label: string; x: number; y: number };

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/**
 * A scatter chart as standalone SVG: x on a log scale (latency spans orders of magnitude), y linear.
 * Written by hand because the figure is static and tiny; a charting library would need a DOM.
 */
export function scatterSvg(
  points: TPoint[],
  opts: { title: string; xLabel: string; yLabel: string },
): string {
  const W = 760;
  const H = 480;
  const m = { l: 70, r: 180, t: 40, b: 60 };
  const xs = points.map((p) => Math.log10(Math.max(p.x, 1e-4)));
  const ys = points.map((p) => p.y);
  const [x0, x1] = [Math.floor(Math.min(...xs) * 2) / 2, Math.ceil(Math.max(...xs) * 2) / 2 + 1e-9];
  const [y0, y1] = [Math.floor(Math.min(...ys) - 1), Math.min(100, Math.ceil(Math.max(...ys) + 0.5))];
  const px = (x: number) => m.l + ((Math.log10(Math.max(x, 1e-4)) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const series = [...new Set(points.map((p) => p.series))];
  const color = (s: string) => COLORS[series.indexOf(s) % COLORS.length]!;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<title>${opts.title}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${opts.title}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
  ];
  for (let e = x0; e <= x1; e += 0.5) {
    const v = 10 ** e;
    parts.push(
      `<text x="${px(v)}" y="${H - m.b + 16}" text-anchor="middle">${v < 1 ? v.toPrecision(1) : v.toFixed(0)}</text>`,
    );
  }
  for (let y = y0; y <= y1; y += Math.max(1, Math.round((y1 - y0) / 8))) {
    parts.push(`<text x="${m.l - 8}" y="${py(y) + 4}" text-anchor="end">${y}</text>`);
    parts.push(`<line x1="${m.l}" y1="${py(y)}" x2="${W - m.r}" y2="${py(y)}" stroke="#eee"/>`);
  }
  parts.push(`<text x="${(W - m.r + m.l) / 2}" y="${H - 18}" text-anchor="middle">${opts.xLabel}</text>`);
  parts.push(
    `<text transform="translate(18 ${H / 2}) rotate(-90)" text-anchor="middle">${opts.yLabel}</text>`,
  );
  for (const p of points) {
    parts.push(`<circle cx="${px(p.x)}" cy="${py(p.y)}" r="5" fill="${color(p.series)}"/>`);
    parts.push(`<text x="${px(p.x) + 7}" y="${py(p.y) - 6}" font-size="10">${p.label}</text>`);
  }
  series.forEach((s, i) => {
    parts.push(`<circle cx="${W - m.r + 20}" cy="${m.t + 10 + i * 18}" r="5" fill="${color(s)}"/>`);
    parts.push(`<text x="${W - m.r + 30}" y="${m.t + 14 + i * 18}">${s}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
