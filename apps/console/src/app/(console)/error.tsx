'use client';

// What a page that could not be loaded shows: components/page-error.tsx.
export { PageError as default } from '@/components/page-error';
