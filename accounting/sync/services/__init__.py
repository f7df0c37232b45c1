"""Writes of the sync engine: jobs (the outbox), push (running a job), customers (find or
create on the QBO side), backfill (sending invoices issued before the connection)."""
