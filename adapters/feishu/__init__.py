"""Feishu (Lark): events and card callbacks in, cards out, through the Open API at MEMS_FEISHU_API_URL."""
