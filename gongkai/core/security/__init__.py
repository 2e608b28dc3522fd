"""Staff sign-in security (docs/security.md): lockout, password rules, TOTP second factor,
idle timeout, login history and the separation of the three platform duties (三员分立)."""
