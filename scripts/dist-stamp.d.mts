/** Types of scripts/dist-stamp.mjs (plain JavaScript: jest's global set-up loads it; see there). */
export declare const ROOT: string;
export declare const STAMP_FILE: string;
export declare function sourceHash(root?: string): string;
export declare function staleDistReason(root?: string): string | undefined;
