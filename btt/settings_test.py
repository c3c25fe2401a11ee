"""Test settings: the environment-driven settings with test-only values filled in."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment-0123")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("SECURE_COOKIES", "0")  # the live server for browser tests speaks http
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client and live server speak http
os.environ.setdefault("ENVIRONMENT_LABEL", "Test")

from btt.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}  # noqa: F405
LOGGING["loggers"]["btt.security"] = {"level": "WARNING"}  # noqa: F405 - tests use caplog
LOGGING["loggers"]["axes"] = {"level": "ERROR"}  # noqa: F405
LOGGING["loggers"]["btt.request"] = {"level": "WARNING"}  # noqa: F405 - a line per request
