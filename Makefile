# The two commands the README starts with.
.PHONY: demo test

# Audit, harden and re-audit the built-in demo fleet (containers with the real OpenClaw).
demo:
	scripts/demo.sh

# Every test: unit, lint, sanity, collection build, Molecule scenarios.
test:
	scripts/test.sh
