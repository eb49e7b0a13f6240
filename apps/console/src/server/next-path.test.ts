import { describe, expect, it } from 'vitest';
import { sameSitePath, signInFor } from './next-path';

describe('where sign-in goes on to', () => {
  it('keeps a path of the console, with its query and fragment', () => {
    expect(sameSitePath('/runs/0190?tab=logs#step-train')).toBe('/runs/0190?tab=logs#step-train');
    expect(sameSitePath('/review')).toBe('/review');
  });

  it('sends a signed-out visitor to sign in, and on to the page they asked for', () => {
    expect(signInFor('/runs/0190?tab=logs')).toBe('/sign-in?next=%2Fruns%2F0190%3Ftab%3Dlogs');
    expect(signInFor('/')).toBe('/sign-in');
    expect(signInFor(null)).toBe('/sign-in');
    expect(signInFor('//evil.example')).toBe('/sign-in');
  });

  it('sends anything a browser would take for another site home', () => {
    for (const next of [
      '//evil.example',
      '/\\evil.example',
      '/\\/evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      '',
    ])
      expect(sameSitePath(next), JSON.stringify(next)).toBe('/');
  });
});
