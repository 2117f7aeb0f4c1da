// vitest's defaults (default pool, no flags), except the timeout: a leak assertion takes 1–3 s on a
// quiet 2-core machine, and several times that on a loaded one, beyond vitest's 5 s default.
export default { test: { testTimeout: 120_000 } };
