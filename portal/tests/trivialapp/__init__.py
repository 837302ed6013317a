"""A trivial app, installed only by test_registry.py, to show that an app plugs into the
portal through the registry alone: nothing in portal/ names it."""
