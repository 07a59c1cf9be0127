/**
 * How node runs the broker: the options the shipped systemd unit and container image set in NODE_OPTIONS
 * (templates/broker/), and the benchmark starts it with (docs/broker-performance.md).
 *
 * `--max-semi-space-size=1` (MiB): V8's young generation grows to 2 x 16 MiB by default under a burst's
 * allocation rate, and every page of it stays resident. A burst's garbage is short-lived (each request's
 * parsing, TLS and promise objects) and what lives on (a request in flight, the shared listing) is promoted
 * either way, so a small young generation costs a few more, shorter scavenges and keeps about 28 MiB less
 * resident (measured: see docs/broker-performance.md). It can only be set when node starts, not by the
 * broker once running (V8 sizes its heap when the process starts).
 */
export const BROKER_NODE_OPTIONS = ['--max-semi-space-size=1'];
