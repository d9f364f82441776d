"""Collecting reports from the web: sources.yml, polite fetching, discovery, snapshots.

Plain functions; `flows/collect.py` orchestrates them. Snapshots (bytes named by content hash,
with a `<stem>.meta.json` sidecar) are the raw layer the nightly ingest reads like any folder.
"""
