/** The V8 heap limit for every serving process; see node-options.mjs. */
export declare const SERVING_NODE_OPTIONS: string;
