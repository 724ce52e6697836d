"""Pure business rules: no database, no network, testable on plain values."""
