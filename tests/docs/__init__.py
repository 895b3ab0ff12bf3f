"""The documentation site's examples, run as tests."""
