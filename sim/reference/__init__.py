"""The pure-Mesa reference model: the same rules, one agent object per resident."""
