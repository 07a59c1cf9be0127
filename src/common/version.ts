/** The release version; a test checks it against package.json (the bundle cannot read package.json at run time). */
export const VERSION = '1.0.0';
