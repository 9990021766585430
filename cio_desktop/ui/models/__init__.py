"""Qt item models for the work panels (lookup, event test, request inspector)."""
