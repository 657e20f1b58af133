"""The business core of MEMS: campaigns, tasks, approvals, money and rules. Standard library only."""
