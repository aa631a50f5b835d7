"""Test-wide settings that must exist before any notebook kernel starts."""
import os

os.environ.setdefault("COURSE_PROFILE", "ci")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
