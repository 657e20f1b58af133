"""Chart images for the surfaces that can show them: a Card's Chart as PNG bytes (Feishu uploads them), and
signed links to PNGs this server draws on request (Slack fetches them)."""
