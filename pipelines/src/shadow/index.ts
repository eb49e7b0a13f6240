// Server-only: the shadow model's predictions beside production's (PostgreSQL), for the console.
export { shadowView, type TShadowView } from './shadow-view.ts';
