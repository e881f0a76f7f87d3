"""Runs test-app's autoupdater on one stack's instances through SSM Run Command.

The Lambda (handler.py) and the Jenkins pipeline (cli.py) share runner.py, so on-demand runs and
pipeline runs find the same instances, send the same document and report the same way.
"""
