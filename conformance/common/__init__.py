"""Pure helpers that both sides need (G.711/L16 codecs, TLS files); they import nothing of either."""
