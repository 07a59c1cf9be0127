/**
 * How node runs the broker: the options the shipped systemd unit and container image set in NODE_OPTIONS
 * (templates/broker/), and the benchmark starts it with (docs/broker-performance.md).
 *
 * `--max-semi-space-size=2` (MiB): V8's young generation grows to 2 x 16 MiB by default under a burst's
 * allocation rate, and every page of it stays resident. Measured on a burst of 1,000 (docs/broker-performance.md):
 * at 1 MiB the peak RSS was lowest but the scavenges paused the handshaking thread for 1.34 s in all; at 2 MiB
 * 0.78 s, at 4 MiB 0.65 s with 11 MiB more resident; 2 is the balance. It can only be set when node starts,
 * not by the broker once running (V8 sizes its heap when the process starts).
 */
export const BROKER_NODE_OPTIONS = ['--max-semi-space-size=2'];
