"""Chart images for the surfaces that can show them (Slack, Feishu): a Card's Chart as PNG bytes."""
