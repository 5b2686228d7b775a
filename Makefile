# The two commands the README starts with.
.PHONY: demo test bench

# Audit, harden and re-audit the built-in demo fleet (containers with the real OpenClaw).
demo:
	scripts/demo.sh

# Every test: unit, lint, sanity, collection build, Molecule scenarios.
test:
	scripts/test.sh

# The benchmark (outside CI): harden.yml on 1, 4 and 8 hosts against the floor and the ways by hand.
bench:
	bench/run.sh
