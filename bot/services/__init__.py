"""Business services: keyword-only functions taking a session; the caller owns the transaction."""
