"""Mechanisms more than one app uses, written once: sweep locks and batches, streamed CSV
exports, charts, UK-time helpers, signed one-person links, read-only admin and an object's
audit history. Nothing here imports a domain app."""
