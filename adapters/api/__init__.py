"""The REST API: bearer-token access to metrics ingest and reads of campaigns, tasks and approvals."""
