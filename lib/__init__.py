"""Pure helpers without Django."""
